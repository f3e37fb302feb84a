package dev.cartwright.cart.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

/**
 * The start-up check that PostgreSQL keeps the cart tables in hand: autovacuum on for the server (with
 * {@code track_counts}, without which it has nothing to go by) and not turned off for any cart table. The write-behind
 * rewrites cart rows all day. Without autovacuum their dead rows pile up and every batch gets slower, and a table last
 * analyzed while empty keeps no statistics: the write-behind's cached batch deletes are then planned as scans of the
 * whole table, comparing each row with every cart id of the batch, however large it grows (BENCHMARKS.md, "Plans made
 * for an empty table"). Only warns, since the carts stay correct and a development box may run without it on purpose.
 */
public final class AutovacuumCheck {

    /** The tables the write-behind rewrites. */
    public static final List<String> CART_TABLES = List.of("carts", "cart_items", "cart_promotions");

    /**
     * What the server reported.
     *
     * @param autovacuum   the server's {@code autovacuum} setting
     * @param trackCounts  the server's {@code track_counts} setting
     * @param tablesOff    the cart tables whose storage parameters turn autovacuum off ({@code autovacuum_enabled})
     */
    public record Settings(boolean autovacuum, boolean trackCounts, List<String> tablesOff) {

        public Settings {
            tablesOff = List.copyOf(Objects.requireNonNull(tablesOff, "tablesOff"));
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(AutovacuumCheck.class);
    private static final Set<String> FALSE = Set.of("false", "off", "no", "0", "f", "n", "of", "fa", "fal", "fals");

    // One row per cart table that exists in the schema searched, with its storage parameters.
    private static final String INSPECT = "SELECT current_setting('autovacuum') AS autovacuum,"
        + " current_setting('track_counts') AS track_counts, c.relname, c.reloptions"
        + " FROM (SELECT 1) one LEFT JOIN pg_class c ON c.oid IN (" + String.join(", ",
            CART_TABLES.stream().map(table -> "to_regclass('" + table + "')").toList()) + ")"
        + " ORDER BY c.relname";

    private AutovacuumCheck() {
    }

    /** Asks the server; the future fails only when the query does. */
    public static Future<Settings> inspect(SqlClient client) {
        return client.query(INSPECT).execute().map(rows -> {
            boolean autovacuum = false;
            boolean trackCounts = false;
            List<String> off = new ArrayList<>();
            for (Row row : rows) {
                autovacuum = isOn(row.getString("autovacuum"));
                trackCounts = isOn(row.getString("track_counts"));
                String table = row.getString("relname");
                String[] options = row.getArrayOfStrings("reloptions");
                if (table != null && options != null && turnsAutovacuumOff(options)) {
                    off.add(table);
                }
            }
            return new Settings(autovacuum, trackCounts, off);
        });
    }

    /** What is wrong, each with what to set; empty when autovacuum looks after every cart table. */
    public static List<String> problems(Settings settings) {
        List<String> problems = new ArrayList<>();
        if (!settings.autovacuum()) {
            problems.add("autovacuum is off: set autovacuum = on (postgresql.conf or ALTER SYSTEM, then reload)");
        }
        if (!settings.trackCounts()) {
            problems.add("track_counts is off, so autovacuum cannot tell which tables need it: set track_counts = on");
        }
        for (String table : settings.tablesOff()) {
            problems.add("autovacuum is off for table " + table + ": ALTER TABLE " + table + " RESET (autovacuum_enabled)");
        }
        return problems;
    }

    /** Inspects and logs the verdict; never fails (a check that cannot ask says so and start-up goes on). */
    public static Future<Void> run(SqlClient client) {
        return inspect(client).<Void>map(settings -> {
            List<String> problems = problems(settings);
            if (problems.isEmpty()) {
                LOG.info("event=postgres_autovacuum_on tables={}", String.join(",", CART_TABLES));
            } else {
                LOG.warn("event=postgres_autovacuum_off message=\"the cart tables' dead rows and statistics are not kept up: {}."
                    + " Without them every write-behind batch gets slower, up to reading whole tables.\"", String.join("; ", problems));
            }
            return null;
        }).recover(failure -> {
            LOG.warn("event=postgres_autovacuum_unknown error=\"{}\"", failure.getMessage());
            return Future.succeededFuture();
        });
    }

    private static boolean isOn(String value) {
        return value != null && !FALSE.contains(value.trim().toLowerCase(Locale.ROOT));
    }

    private static boolean turnsAutovacuumOff(String[] options) {
        for (String option : options) {
            int eq = option.indexOf('=');
            if (eq > 0 && option.substring(0, eq).trim().equalsIgnoreCase("autovacuum_enabled")
                && FALSE.contains(option.substring(eq + 1).trim().toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }
}
