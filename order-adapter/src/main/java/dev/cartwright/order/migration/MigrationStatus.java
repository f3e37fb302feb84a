package dev.cartwright.order.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.cartwright.order.flags.FeatureFlags;

/**
 * The {@code status} command: where the migration stands. Per aggregate: row counts on both sides (or the name order_db's
 * tables were renamed to), each copying step's checkpoint, rejected aggregates, mirrors still pending and the latest
 * verify; and the flags in force with the primary side they imply. Read-only, blocking JDBC.
 */
public final class MigrationStatus {

    private final MigrationDatabases databases;
    private final MigrationState state;

    public MigrationStatus(MigrationDatabases databases, Clock clock) {
        this.databases = databases;
        this.state = new MigrationState(clock);
    }

    public String describe(FeatureFlags flags) throws SQLException {
        StringBuilder text = new StringBuilder();
        text.append("flags: ").append(flags.settings()).append('\n');
        text.append("primary: ").append(PrimarySide.of(flags)).append(PrimarySide.legacyMirrored(flags) ? " (order_db mirrored)" : "")
            .append('\n');
        try (Connection legacy = databases.legacy()) {
            for (Aggregate aggregate : Aggregate.values()) {
                try (Connection target = databases.target(aggregate)) {
                    text.append(aggregate.rootTable()).append(" (").append(databases.config().target(aggregate)).append(")\n");
                    Optional<String> missing = Cleanup.missingLegacyTables(legacy, aggregate);
                    for (TableMapping table : aggregate.tables()) {
                        text.append("  ").append(table.name()).append(": order_db ");
                        if (missing.isPresent()) {
                            text.append('-');
                        } else {
                            text.append(count(legacy, table.legacy().table()));
                        }
                        text.append(", new ").append(count(target, table.target().table())).append('\n');
                    }
                    missing.ifPresent(m -> text.append("  ").append(m).append('\n'));
                    for (Checkpoint checkpoint : state.checkpoints(target)) {
                        if (checkpoint.tableName().equals(aggregate.rootTable())) {
                            text.append("  ").append(checkpoint.step()).append(": pass ").append(checkpoint.pass())
                                .append(checkpoint.finished() ? " finished " + checkpoint.finishedAt().get() : " in progress")
                                .append(", chunks ").append(checkpoint.chunks()).append(", rows changed ").append(checkpoint.rowsWritten())
                                .append(", last key ").append(checkpoint.lastKey().orElse("-")).append('\n');
                        }
                    }
                    for (Backfill.Direction direction : Backfill.Direction.values()) {
                        long rejects = state.rejectCount(target, direction.step(), aggregate);
                        if (rejects > 0) {
                            text.append("  ").append(direction.step()).append(" rejected aggregates: ").append(rejects).append('\n');
                        }
                    }
                    text.append("  mirrors pending: ").append(state.pendingMirrorCount(target, aggregate)).append('\n');
                    Optional<MigrationState.VerifyRun> verified = state.latestVerify(target, aggregate);
                    text.append("  last verify: ").append(verified.map(v -> (v.clean() ? "clean" : "DIRTY (" + v.mismatchedChunks()
                        + " chunks)") + " at " + v.finishedAt()).orElse("never")).append('\n');
                }
            }
        }
        return text.toString();
    }

    private static long count(Connection connection, String table) throws SQLException {
        List<Map<String, Object>> rows = JdbcRows.query(connection, "SELECT count(*) AS n FROM " + table, List.of());
        return (Long) rows.get(0).get("n");
    }
}
