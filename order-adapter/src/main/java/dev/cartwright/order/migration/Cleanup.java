package dev.cartwright.order.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cartwright.order.flags.FeatureFlags;
import dev.cartwright.order.flags.MigrationFlags;

/**
 * The CLEANUP step and its reverse. Cleanup renames order_db's tables of the chosen aggregates to
 * {@code <table>_migrated_<yyyymmdd>} — renamed, not dropped, so restore can rename them back — all in one transaction.
 * It runs only when it cannot lose anything: {@code migration.cleanup} on, dual-write off (nothing mirrors into the
 * tables any more), every read on the new databases ({@code migration.read_switch} at 100%), no mirror still pending,
 * and a clean verify of each aggregate recorded within the configured age.
 *
 * <p>Restore renames the newest {@code *_migrated_<date>} tables back. It is always allowed: it is the way back. The
 * restored tables hold what they held at cleanup: switch dual-write on (so every write from then on is mirrored), then
 * {@code backfill --to-legacy} brings them up to date before writes move back to order_db. Neither step writes rows:
 * they rename tables, and the copies that follow carry the version guards.
 *
 * <p>Blocking JDBC (the command-line tool).
 */
public final class Cleanup {

    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
    private static final Pattern RENAMED = Pattern.compile("(.+)_migrated_(\\d{8})");

    /** What cleanup or restore did, or would do in a dry run, or why it would not. */
    public record Report(boolean done, boolean dryRun, List<String> refusals, Map<String, String> renames) {
        public Report {
            refusals = List.copyOf(refusals);
            renames = Map.copyOf(renames);
        }

        public String describe(String step) {
            StringBuilder text = new StringBuilder(step);
            if (!refusals.isEmpty()) {
                text.append(": REFUSED");
                refusals.forEach(r -> text.append("\n  - ").append(r));
                return text.toString();
            }
            text.append(dryRun ? ": would rename" : ": renamed");
            new TreeMap<>(renames).forEach((from, to) -> text.append("\n  ").append(from).append(" -> ").append(to));
            return text.toString();
        }
    }

    private final MigrationDatabases databases;
    private final Supplier<FeatureFlags> flags;
    private final Clock clock;
    private final MigrationState state;

    public Cleanup(MigrationDatabases databases, Supplier<FeatureFlags> flags, Clock clock) {
        this.databases = databases;
        this.flags = flags;
        this.clock = clock;
        this.state = new MigrationState(clock);
    }

    /** Renames the order_db tables of {@code aggregates} away, if every precondition holds. */
    public Report cleanup(Set<Aggregate> aggregates, boolean dryRun) throws SQLException {
        List<String> refusals = new ArrayList<>();
        FeatureFlags current = flags.get();
        if (!current.isOn(MigrationFlags.CLEANUP)) {
            refusals.add(MigrationFlags.CLEANUP + " is off");
        }
        if (!current.setting(MigrationFlags.DUAL_WRITE).off()) {
            refusals.add(MigrationFlags.DUAL_WRITE + " is on: order_db is still being written; switch it off first");
        }
        if (!current.isOn(MigrationFlags.READ_SWITCH)) {
            refusals.add(MigrationFlags.READ_SWITCH + " is at " + current.setting(MigrationFlags.READ_SWITCH)
                + ": some reads still come from order_db; move them all (100%) first");
        }
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        Duration maxAge = databases.config().verifyMaxAge();
        for (Aggregate aggregate : aggregates) {
            try (Connection target = databases.target(aggregate)) {
                Optional<MigrationState.VerifyRun> verified = state.latestVerify(target, aggregate);
                if (verified.isEmpty()) {
                    refusals.add(aggregate.rootTable() + " has never been verified");
                } else if (!verified.get().clean()) {
                    refusals.add(aggregate.rootTable() + ": the latest verify found " + verified.get().mismatchedChunks()
                        + " mismatched chunk(s)");
                } else if (verified.get().finishedAt().isBefore(now.minus(maxAge))) {
                    refusals.add(aggregate.rootTable() + ": the latest clean verify is older than " + maxAge + " ("
                        + verified.get().finishedAt() + "); verify again");
                }
                long pending = state.pendingMirrorCount(target, aggregate);
                if (pending > 0) {
                    refusals.add(aggregate.rootTable() + ": " + pending + " mirror(s) to order_db still pending");
                }
            }
        }
        Map<String, String> renames = new LinkedHashMap<>();
        String suffix = "_migrated_" + LocalDate.now(clock.withZone(ZoneOffset.UTC)).format(DAY);
        try (Connection legacy = databases.legacy()) {
            for (Aggregate aggregate : aggregates) {
                missingLegacyTables(legacy, aggregate).ifPresent(refusals::add);
                for (String table : aggregate.legacyTables()) {
                    if (tableExists(legacy, table + suffix)) {
                        refusals.add(table + suffix + " exists already; restore or rename it first");
                    }
                    renames.put(table, table + suffix);
                }
            }
            if (!refusals.isEmpty()) {
                return new Report(false, dryRun, refusals, Map.of());
            }
            if (!dryRun) {
                rename(legacy, renames);
            }
        }
        return new Report(!dryRun, dryRun, List.of(), renames);
    }

    /** Renames the newest {@code *_migrated_<date>} order_db tables of {@code aggregates} back. */
    public Report restore(Set<Aggregate> aggregates, boolean dryRun) throws SQLException {
        List<String> refusals = new ArrayList<>();
        Map<String, String> renames = new LinkedHashMap<>();
        try (Connection legacy = databases.legacy()) {
            Map<String, String> newest = newestRenamed(legacy);
            for (Aggregate aggregate : aggregates) {
                for (String table : aggregate.legacyTables()) {
                    String renamed = newest.get(table);
                    if (renamed == null) {
                        if (!tableExists(legacy, table)) {
                            refusals.add(table + ": neither it nor a " + table + "_migrated_<date> table exists");
                        }
                        continue;
                    }
                    if (tableExists(legacy, table)) {
                        refusals.add(table + " exists next to " + renamed + "; nothing to restore over it");
                        continue;
                    }
                    renames.put(renamed, table);
                }
            }
            if (!refusals.isEmpty()) {
                return new Report(false, dryRun, refusals, Map.of());
            }
            if (!dryRun && !renames.isEmpty()) {
                rename(legacy, renames);
            }
        }
        return new Report(!dryRun, dryRun, List.of(), renames);
    }

    /** Why order_db cannot be read for {@code aggregate} (tables renamed away or missing), or empty. */
    static Optional<String> missingLegacyTables(Connection legacy, Aggregate aggregate) throws SQLException {
        List<String> missing = new ArrayList<>();
        for (String table : aggregate.legacyTables()) {
            if (!tableExists(legacy, table)) {
                missing.add(table);
            }
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("order_db has no " + String.join(", ", missing) + " (renamed away by cleanup? run restore first)");
    }

    private static void rename(Connection legacy, Map<String, String> renames) throws SQLException {
        boolean autoCommit = legacy.getAutoCommit();
        legacy.setAutoCommit(false);
        try {
            for (Map.Entry<String, String> rename : renames.entrySet()) {
                MigrationConfig.requireIdentifier("table", rename.getKey());
                MigrationConfig.requireIdentifier("table", rename.getValue());
                JdbcRows.update(legacy, "ALTER TABLE " + rename.getKey() + " RENAME TO " + rename.getValue(), List.of());
            }
            legacy.commit();
        } catch (SQLException | RuntimeException e) {
            legacy.rollback();
            throw e;
        } finally {
            legacy.setAutoCommit(autoCommit);
        }
    }

    static boolean tableExists(Connection connection, String table) throws SQLException {
        return !JdbcRows.query(connection, "SELECT 1 AS found FROM information_schema.tables WHERE table_schema = current_schema() "
            + "AND table_name = ?", List.of(table)).isEmpty();
    }

    /** Legacy table name → its newest {@code _migrated_<date>} copy in the current schema. */
    private static Map<String, String> newestRenamed(Connection legacy) throws SQLException {
        Map<String, String> newest = new LinkedHashMap<>();
        for (Map<String, Object> row : JdbcRows.query(legacy, "SELECT table_name FROM information_schema.tables "
            + "WHERE table_schema = current_schema() AND table_name LIKE '%\\_migrated\\_%' ORDER BY table_name", List.of())) {
            String name = (String) row.get("table_name");
            Matcher matcher = RENAMED.matcher(name);
            if (matcher.matches()) {
                // Names sort by date within one table, so the last one seen is the newest.
                newest.put(matcher.group(1), name);
            }
        }
        return newest;
    }
}
