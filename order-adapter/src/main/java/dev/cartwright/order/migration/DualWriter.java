package dev.cartwright.order.migration;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.cartwright.order.flags.FeatureFlags;
import dev.cartwright.order.flags.MigrationFlags;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DUAL_WRITE step, for the services to call: a write goes to the new database (checkout_db or return_db) — the
 * primary side from this phase on — and, while {@code migration.dual_write} is on, is mirrored to order_db so that the
 * monolith's readers and a rollback find it current.
 *
 * <p>How a write is never lost and never half-mirrored: the service's write runs in a transaction on the new database
 * that also takes the aggregate's lock ({@link AggregateLocks}) and records the aggregate in {@code legacy_mirror_queue}
 * (its generation bumped); only then does it commit. The mirror runs after the commit: under the same lock it reads the
 * aggregate's current rows from the new database, makes order_db hold exactly those (one order_db transaction), and
 * removes the queue row if no newer write came in. If order_db is down or refuses the rows, the write still stands, the
 * queue row keeps the error, and {@link #repairPending} (or {@code order-migration repair}) mirrors it later. Because a
 * mirror copies the aggregate's state rather than replaying the change, mirrors that run late or twice converge.
 *
 * <p>Every writer of the migrated tables must go through {@link #write} while dual-write may be on: the lock is what
 * keeps a concurrent backfill from copying an order_db row older than the new one.
 *
 * <p>A mirror never writes over a newer copy: if order_db's root carries a higher version (or the same version with a
 * later updated_at) than the new database's, or an aggregate deleted here was changed in order_db after that write,
 * order_db is left as it is and the mirror stays pending ({@link MirrorOutcome.Deferred}, logged as
 * {@code event=mirror_kept_newer}): something wrote order_db outside the dual-writer, and an operator decides which copy
 * stands (a newer write through the dual-writer mirrors over it).
 */
public final class DualWriter {

    private static final Logger LOG = LoggerFactory.getLogger(DualWriter.class);

    private static final String ENQUEUE = "INSERT INTO legacy_mirror_queue (aggregate, aggregate_id, generation, enqueued_at) "
        + "VALUES ($1, $2, 1, $3) ON CONFLICT (aggregate, aggregate_id) DO UPDATE SET generation = legacy_mirror_queue.generation + 1, "
        + "enqueued_at = EXCLUDED.enqueued_at";
    private static final String GENERATION = "SELECT generation, enqueued_at FROM legacy_mirror_queue WHERE aggregate = $1 "
        + "AND aggregate_id = $2";
    private static final String DONE = "DELETE FROM legacy_mirror_queue WHERE aggregate = $1 AND aggregate_id = $2 AND generation = $3";
    private static final String FAILED = "UPDATE legacy_mirror_queue SET attempts = attempts + 1, last_error = $3, last_attempt_at = $4 "
        + "WHERE aggregate = $1 AND aggregate_id = $2";
    private static final String OLDEST = "SELECT aggregate, aggregate_id FROM legacy_mirror_queue ORDER BY enqueued_at LIMIT $1";
    private static final String PENDING = "SELECT count(*) AS n FROM legacy_mirror_queue";

    /** What a repair run did; {@code refusal} says why it did nothing. */
    public record RepairReport(int mirrored, int stillPending, List<String> errors, Optional<String> refusal) {
        public RepairReport {
            errors = List.copyOf(errors);
        }
    }

    private final Pool newDatabase;
    private final Pool orderDb;
    private final Supplier<FeatureFlags> flags;
    private final Clock clock;

    /**
     * @param newDatabase checkout_db or return_db, search path at the service's schema (with the migration's bookkeeping
     *                    tables, {@link MigrationDatabases#STATE_MIGRATIONS})
     * @param orderDb     order_db, search path at the legacy schema
     */
    public DualWriter(Pool newDatabase, Pool orderDb, Supplier<FeatureFlags> flags, Clock clock) {
        this.newDatabase = Objects.requireNonNull(newDatabase);
        this.orderDb = Objects.requireNonNull(orderDb);
        this.flags = Objects.requireNonNull(flags);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Runs {@code primaryWrite} in a transaction on the new database and, while dual-write is on, mirrors the aggregate
     * to order_db after the commit. The future fails only if the primary write fails; a failed mirror is reported as
     * {@link MirrorOutcome.Deferred} with the write's result.
     */
    public <T> Future<DualWriteResult<T>> write(Aggregate aggregate, String aggregateId, Function<SqlConnection, Future<T>> primaryWrite) {
        boolean mirrored = flags.get().isOn(MigrationFlags.DUAL_WRITE);
        if (!mirrored) {
            return newDatabase.withTransaction(primaryWrite)
                .map(value -> new DualWriteResult<>(value, new MirrorOutcome.NotMirrored(MigrationFlags.DUAL_WRITE + " is off")));
        }
        return newDatabase.<T>withTransaction(connection -> PgAggregates.lock(connection, aggregate, aggregateId)
                .compose(v -> connection.preparedQuery(ENQUEUE).execute(Tuple.of(aggregate.key(), aggregateId, now())))
                .compose(v -> primaryWrite.apply(connection)))
            .compose(value -> mirror(aggregate, aggregateId).map(outcome -> new DualWriteResult<>(value, outcome)));
    }

    /**
     * For a writer that runs its own transaction on the new database (and may write several aggregates in it, as the
     * cart write-behind does): call this in that transaction before writing. While dual-write is on it takes the
     * aggregates' locks (in the one fixed order every locker uses) and records them in {@code legacy_mirror_queue}, and
     * the future says {@code true}: after the commit, call {@link #mirrorAll} with the same ids. Off, it does nothing.
     */
    public Future<Boolean> enlist(SqlConnection connection, Aggregate aggregate, Collection<String> aggregateIds) {
        if (aggregateIds.isEmpty() || !flags.get().isOn(MigrationFlags.DUAL_WRITE)) {
            return Future.succeededFuture(false);
        }
        TreeSet<String> ids = new TreeSet<>(aggregateIds);
        String[] keys = ids.stream().map(id -> AggregateLocks.lockKey(aggregate, id)).toArray(String[]::new);
        List<Tuple> queued = new ArrayList<>(ids.size());
        OffsetDateTime now = now();
        for (String id : ids) {
            queued.add(Tuple.of(aggregate.key(), id, now));
        }
        return connection.preparedQuery(MigrationSql.numbered(AggregateLocks.LOCK_MANY)).execute(Tuple.of((Object) keys))
            .compose(locked -> connection.preparedQuery(ENQUEUE).executeBatch(queued))
            .map(true);
    }

    /** Mirrors each aggregate in turn ({@link #mirror}); never fails. */
    public Future<List<MirrorOutcome>> mirrorAll(Aggregate aggregate, Collection<String> aggregateIds) {
        List<MirrorOutcome> outcomes = new ArrayList<>(aggregateIds.size());
        Future<Void> chain = Future.succeededFuture();
        for (String id : new TreeSet<>(aggregateIds)) {
            chain = chain.compose(v -> mirror(aggregate, id).map(outcome -> {
                outcomes.add(outcome);
                return null;
            }));
        }
        return chain.map(v -> outcomes);
    }

    /** Whether writes are mirrored to order_db now ({@code migration.dual_write} on). */
    public boolean mirroring() {
        return flags.get().isOn(MigrationFlags.DUAL_WRITE);
    }

    /** Aggregates of this database whose mirror to order_db is still pending (the queue's length). */
    public Future<Long> pendingMirrors() {
        return newDatabase.query(PENDING).execute().map(rows -> rows.iterator().next().getLong("n"));
    }

    /**
     * Makes order_db hold the aggregate exactly as the new database does now (deleting it there if it is gone here).
     * Never fails: a failure is {@link MirrorOutcome.Deferred} and is kept on the aggregate's queue row.
     */
    public Future<MirrorOutcome> mirror(Aggregate aggregate, String aggregateId) {
        return newDatabase.<MirrorOutcome>withTransaction(connection -> PgAggregates.lock(connection, aggregate, aggregateId)
                .compose(v -> connection.preparedQuery(GENERATION).execute(Tuple.of(aggregate.key(), aggregateId)))
                .compose(generation -> PgAggregates.read(connection, Side.TARGET, aggregate, aggregateId)
                    .compose(rows -> orderDb.withTransaction(legacy -> PgAggregates.writeLegacy(legacy, aggregate, aggregateId, rows,
                        lastWrite(generation))))
                    .compose(changed -> {
                        if (generation.size() == 0) {
                            return Future.succeededFuture(new MirrorOutcome.Mirrored(changed));
                        }
                        long seen = generation.iterator().next().getLong(0);
                        return connection.preparedQuery(DONE).execute(Tuple.of(aggregate.key(), aggregateId, seen))
                            .map(done -> new MirrorOutcome.Mirrored(changed));
                    })))
            .recover(e -> {
                String error = e.getClass().getSimpleName() + ": " + e.getMessage();
                if (e instanceof NewerCopyException) {
                    LOG.warn("event=mirror_kept_newer aggregate={} id={} reason=\"{}\"", aggregate.key(), aggregateId, e.getMessage());
                } else {
                    LOG.warn("mirror of {} {} to order_db deferred: {}", aggregate.key(), aggregateId, error);
                }
                return newDatabase.preparedQuery(FAILED).execute(Tuple.of(aggregate.key(), aggregateId, error, now()))
                    .<MirrorOutcome>map(updated -> new MirrorOutcome.Deferred(error))
                    .otherwise(new MirrorOutcome.Deferred(error));
            });
    }

    /**
     * Mirrors up to {@code limit} aggregates still waiting in the queue, oldest first, one after the other. Run it
     * periodically in a service, or once from the command line. Refused while order_db is primary.
     */
    public Future<RepairReport> repairPending(int limit) {
        if (PrimarySide.of(flags.get()) == PrimarySide.ORDER_DB) {
            return Future.succeededFuture(new RepairReport(0, 0, List.of(), Optional.of("order_db is primary (dual-write off, no reads "
                + "on the new databases): mirroring into it would overwrite the monolith's writes")));
        }
        return newDatabase.preparedQuery(OLDEST).execute(Tuple.of(limit)).compose(rows -> {
            List<String[]> pending = new ArrayList<>();
            for (Row row : rows) {
                pending.add(new String[] {row.getString(0), row.getString(1)});
            }
            return repair(pending, 0, 0, new ArrayList<>());
        });
    }

    private Future<RepairReport> repair(List<String[]> pending, int index, int mirrored, List<String> errors) {
        if (index == pending.size()) {
            return Future.succeededFuture(new RepairReport(mirrored, pending.size() - mirrored, errors, Optional.empty()));
        }
        String[] entry = pending.get(index);
        return mirror(Aggregate.parse(entry[0]), entry[1]).compose(outcome -> {
            if (outcome instanceof MirrorOutcome.Deferred deferred) {
                errors.add(entry[0] + " " + entry[1] + ": " + deferred.error());
                return repair(pending, index + 1, mirrored, errors);
            }
            return repair(pending, index + 1, mirrored + 1, errors);
        });
    }

    /**
     * When the aggregate was last written through {@link #write} (its queue row's time), else now: an aggregate gone
     * from the new database is deleted from order_db only if order_db's copy is not younger than that.
     */
    private OffsetDateTime lastWrite(RowSet<Row> generation) {
        if (generation.size() == 0) {
            return now();
        }
        OffsetDateTime enqueued = generation.iterator().next().getOffsetDateTime("enqueued_at");
        return enqueued == null ? now() : enqueued;
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
