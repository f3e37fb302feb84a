package dev.cartwright.order.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The migration's bookkeeping in a new database (tables from {@code db/order_migration}): checkpoints, rejected
 * aggregates, verify runs and the dual-write mirror queue, read and written over the connection the caller gives, so a
 * checkpoint commits with the chunk it records.
 */
final class MigrationState {

    private final Clock clock;

    MigrationState(Clock clock) {
        this.clock = clock;
    }

    OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    Optional<Checkpoint> checkpoint(Connection connection, String step, Aggregate aggregate) throws SQLException {
        List<Map<String, Object>> rows = JdbcRows.query(connection,
            "SELECT step, table_name, last_key, chunks, rows_written, pass, started_at, updated_at, finished_at "
                + "FROM migration_checkpoints WHERE step = ? AND table_name = ?", List.of(step, aggregate.rootTable()));
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(toCheckpoint(rows.get(0)));
    }

    List<Checkpoint> checkpoints(Connection connection) throws SQLException {
        List<Checkpoint> all = new ArrayList<>();
        for (Map<String, Object> row : JdbcRows.query(connection,
            "SELECT step, table_name, last_key, chunks, rows_written, pass, started_at, updated_at, finished_at "
                + "FROM migration_checkpoints ORDER BY step, table_name", List.of())) {
            all.add(toCheckpoint(row));
        }
        return all;
    }

    private static Checkpoint toCheckpoint(Map<String, Object> row) {
        return new Checkpoint((String) row.get("step"), (String) row.get("table_name"), Optional.ofNullable((String) row.get("last_key")),
            (Long) row.get("chunks"), (Long) row.get("rows_written"), (Integer) row.get("pass"), (OffsetDateTime) row.get("started_at"),
            (OffsetDateTime) row.get("updated_at"), Optional.ofNullable((OffsetDateTime) row.get("finished_at")));
    }

    /** Starts a new pass (the first, or the next after a finished one) at the beginning. */
    void startPass(Connection connection, String step, Aggregate aggregate) throws SQLException {
        OffsetDateTime now = now();
        JdbcRows.update(connection, "INSERT INTO migration_checkpoints "
            + "(step, table_name, last_key, chunks, rows_written, pass, started_at, updated_at, finished_at) "
            + "VALUES (?, ?, NULL, 0, 0, 1, ?, ?, NULL) ON CONFLICT (step, table_name) DO UPDATE SET "
            + "last_key = NULL, chunks = 0, rows_written = 0, pass = migration_checkpoints.pass + 1, started_at = EXCLUDED.started_at, "
            + "updated_at = EXCLUDED.updated_at, finished_at = NULL", List.of(step, aggregate.rootTable(), now, now));
    }

    /** Records a committed chunk (call in the chunk's transaction). */
    void advance(Connection connection, String step, Aggregate aggregate, String lastKey, long rowsWritten, boolean finished)
        throws SQLException {
        OffsetDateTime now = now();
        List<Object> params = new ArrayList<>();
        params.add(lastKey);
        params.add(rowsWritten);
        params.add(now);
        params.add(finished ? now : null);
        params.add(step);
        params.add(aggregate.rootTable());
        int updated = JdbcRows.update(connection, "UPDATE migration_checkpoints SET last_key = COALESCE(?, last_key), chunks = chunks + 1, "
            + "rows_written = rows_written + ?, updated_at = ?, finished_at = ? WHERE step = ? AND table_name = ?", params);
        if (updated != 1) {
            throw new IllegalStateException("no checkpoint for " + step + " " + aggregate.rootTable());
        }
    }

    void reject(Connection connection, String step, Aggregate aggregate, String rootKey, String reason) throws SQLException {
        JdbcRows.update(connection, "INSERT INTO migration_rejects (step, table_name, root_key, reason, recorded_at) "
            + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (step, table_name, root_key) "
            + "DO UPDATE SET reason = EXCLUDED.reason, recorded_at = EXCLUDED.recorded_at",
            List.of(step, aggregate.rootTable(), rootKey, reason, now()));
    }

    /** An aggregate that now copied cleanly is no longer rejected. */
    void clearRejects(Connection connection, String step, Aggregate aggregate, String[] rootKeys) throws SQLException {
        if (rootKeys.length > 0) {
            JdbcRows.update(connection, "DELETE FROM migration_rejects WHERE step = ? AND table_name = ? AND root_key = ANY(?)",
                List.of(step, aggregate.rootTable(), rootKeys));
        }
    }

    long rejectCount(Connection connection, String step, Aggregate aggregate) throws SQLException {
        return (Long) JdbcRows.query(connection, "SELECT count(*) AS n FROM migration_rejects WHERE step = ? AND table_name = ?",
            List.of(step, aggregate.rootTable())).get(0).get("n");
    }

    /** Aggregates among {@code roots} with a mirror to order_db still pending. */
    List<String> pendingMirrors(Connection connection, Aggregate aggregate, String[] roots) throws SQLException {
        List<String> pending = new ArrayList<>();
        for (Map<String, Object> row : JdbcRows.query(connection,
            "SELECT aggregate_id FROM legacy_mirror_queue WHERE aggregate = ? AND aggregate_id = ANY(?)",
            List.of(aggregate.key(), roots))) {
            pending.add((String) row.get("aggregate_id"));
        }
        return pending;
    }

    /**
     * Aggregates among {@code roots} whose mirror to order_db is queued and not yet tried since their last write: a
     * dual-written change on its way, which the mirror will bring to order_db. A mirror that failed after the last write
     * is not in flight (it waits for a repair).
     */
    List<String> mirrorsInFlight(Connection connection, Aggregate aggregate, String[] roots) throws SQLException {
        List<String> inFlight = new ArrayList<>();
        for (Map<String, Object> row : JdbcRows.query(connection,
            "SELECT aggregate_id FROM legacy_mirror_queue WHERE aggregate = ? AND aggregate_id = ANY(?) "
                + "AND (last_attempt_at IS NULL OR enqueued_at > last_attempt_at)",
            List.of(aggregate.key(), roots))) {
            inFlight.add((String) row.get("aggregate_id"));
        }
        return inFlight;
    }

    long pendingMirrorCount(Connection connection, Aggregate aggregate) throws SQLException {
        return (Long) JdbcRows.query(connection, "SELECT count(*) AS n FROM legacy_mirror_queue WHERE aggregate = ?",
            List.of(aggregate.key())).get(0).get("n");
    }

    void recordVerify(Connection connection, VerifyReport report) throws SQLException {
        JdbcRows.update(connection, "INSERT INTO migration_verify_runs "
            + "(table_name, started_at, finished_at, chunks, legacy_rows, target_rows, mismatched_chunks, clean, report) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(CAST(? AS text) AS jsonb))",
            List.of(report.aggregate().rootTable(), report.startedAt(), report.finishedAt(), report.chunks(), report.legacyRows(),
                report.targetRows(), report.mismatches().size(), report.clean(), report.toJson()));
    }

    /** The latest verify run of an aggregate: when it finished and whether it was clean. */
    Optional<VerifyRun> latestVerify(Connection connection, Aggregate aggregate) throws SQLException {
        List<Map<String, Object>> rows = JdbcRows.query(connection,
            "SELECT finished_at, clean, mismatched_chunks FROM migration_verify_runs WHERE table_name = ? ORDER BY id DESC LIMIT 1",
            List.of(aggregate.rootTable()));
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> row = rows.get(0);
        return Optional.of(new VerifyRun((OffsetDateTime) row.get("finished_at"), (Boolean) row.get("clean"),
            (Integer) row.get("mismatched_chunks")));
    }

    /** The outcome of a recorded verify run. */
    record VerifyRun(OffsetDateTime finishedAt, boolean clean, int mismatchedChunks) {
    }
}
