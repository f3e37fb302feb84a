package dev.cartwright.cart.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cartwright.pricing.CartLimits;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * The bounds checkout_db's CHECK constraints put on what the service's limits allow, read from the database at
 * start-up (not assumed from the migration files: a schema may have been changed since), so a limit the schema would
 * refuse stops start-up instead of parking every cart that uses it. Today one limit has such a CHECK: the quantity of
 * a line ({@code cart_items.quantity}, {@code CARTWRIGHT_CART_MAX_QUANTITY}).
 */
public final class CartSchemaLimits {

    /**
     * The bounds the CHECK constraints of one column put on it; empty on a side nothing bounds.
     *
     * @param constraints the constraints as the database prints them, for the message
     */
    public record Bounds(String table, String column, OptionalLong min, OptionalLong max, List<String> constraints) {

        public Bounds {
            constraints = List.copyOf(constraints);
        }

        /** Whether every value from {@code low} to {@code high} passes the CHECKs. */
        public boolean admits(long low, long high) {
            return (min.isEmpty() || low >= min.getAsLong()) && (max.isEmpty() || high <= max.getAsLong());
        }

        /** The bounds as "1..999" (a missing side as "..."). */
        public String range() {
            return (min.isPresent() ? Long.toString(min.getAsLong()) : "") + ".." + (max.isPresent() ? Long.toString(max.getAsLong()) : "");
        }
    }

    private static final String CHECKS = "SELECT pg_get_constraintdef(c.oid) AS definition FROM pg_constraint c"
        + " JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
        + " WHERE c.contype = 'c' AND t.relname = $1 AND n.nspname = current_schema() ORDER BY c.conname";

    private CartSchemaLimits() {
    }

    /** The bounds on {@code cart_items.quantity} in the schema the pool's connections search. */
    public static Future<Bounds> lineQuantity(Pool pool) {
        return bounds(pool, "cart_items", "quantity");
    }

    /** The bounds the CHECK constraints of {@code table} put on {@code column} (a plain lower-case identifier). */
    static Future<Bounds> bounds(Pool pool, String table, String column) {
        return pool.preparedQuery(CHECKS).execute(Tuple.of(table)).map(rows -> {
            List<String> definitions = new ArrayList<>();
            for (Row row : rows) {
                definitions.add(row.getString("definition"));
            }
            return parse(table, column, definitions);
        });
    }

    /**
     * The bounds comparisons of {@code column} with integer constants set ({@code >=, >, <=, <}, as PostgreSQL prints a
     * BETWEEN), tightest of all CHECKs, which must all hold.
     */
    static Bounds parse(String table, String column, List<String> definitions) {
        Pattern comparison = Pattern.compile("\\b" + Pattern.quote(column) + "\\b\\)?\\s*(>=|<=|>|<)\\s*\\(?(-?\\d+)\\)?");
        Long min = null;
        Long max = null;
        List<String> bounding = new ArrayList<>();
        for (String definition : definitions) {
            Matcher matcher = comparison.matcher(definition);
            boolean bounds = false;
            while (matcher.find()) {
                long value = Long.parseLong(matcher.group(2));
                switch (matcher.group(1)) {
                    case ">=" -> min = min == null ? value : Math.max(min, value);
                    case ">" -> min = min == null ? value + 1 : Math.max(min, value + 1);
                    case "<=" -> max = max == null ? value : Math.min(max, value);
                    default -> max = max == null ? value - 1 : Math.min(max, value - 1);
                }
                bounds = true;
            }
            if (bounds) {
                bounding.add(definition);
            }
        }
        return new Bounds(table, column, min == null ? OptionalLong.empty() : OptionalLong.of(min),
            max == null ? OptionalLong.empty() : OptionalLong.of(max), bounding);
    }

    /**
     * Why the line quantities {@code limits} allow do not fit the schema, naming the value of
     * {@code CARTWRIGHT_CART_MAX_QUANTITY} (the caller names the key) and the schema's bound; empty when they fit.
     */
    public static Optional<String> misfit(CartLimits limits, Bounds lineQuantity) {
        if (lineQuantity.admits(limits.minQuantityPerLine(), limits.maxQuantityPerLine())) {
            return Optional.empty();
        }
        return Optional.of("is " + limits.maxQuantityPerLine() + " (lines of " + limits.minQuantityPerLine() + ".."
            + limits.maxQuantityPerLine() + "), but checkout_db allows " + lineQuantity.table() + "." + lineQuantity.column() + " only "
            + lineQuantity.range() + " (" + String.join(", ", lineQuantity.constraints()) + "), so PostgreSQL would refuse every cart"
            + " with a line beyond it. Lower CARTWRIGHT_CART_MAX_QUANTITY, or widen the CHECK with a migration first.");
    }
}
