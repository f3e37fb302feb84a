package dev.cartwright.order.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Lazy migration, for the services' reads: an aggregate the new database does not have, or has in an older copy than
 * order_db, is copied from order_db on first touch, so a customer whose data still lives only in order_db (not yet
 * reached by the backfill, or written by the Order service while traffic was routed back to it) finds it current. The
 * backfill tops up what nobody touched.
 *
 * <p>Never over a newer copy, and never over a write still waiting for its mirror: under the aggregate's lock (the one
 * the DualWriter and the backfill take) it copies only when order_db's root stamp ({@link AggregateStamp}) is newer
 * than the new database's, or the new database has none. A write here whose mirror is still queued
 * ({@code legacy_mirror_queue}) is protected by that same comparison, since the mirror copies what the new database
 * holds when it runs: if order_db's copy is newer than that, the mirror would be held back as kept newer anyway. The
 * one case the comparison cannot see is an aggregate deleted here whose deletion is still queued: it is left alone,
 * unless that mirror was already held back because order_db changed it after the deletion ({@link NewerCopyException}).
 * When an import settles a mirror held back as kept newer, the queue row goes: both sides hold the same copy.
 */
public final class LegacyImport {

    private static final String PENDING = "SELECT last_error FROM legacy_mirror_queue WHERE aggregate = $1 AND aggregate_id = $2";
    private static final String SETTLED_IF_KEPT_NEWER = "DELETE FROM legacy_mirror_queue WHERE aggregate = $1 AND aggregate_id = $2 "
        + "AND last_error LIKE '" + NewerCopyException.class.getSimpleName() + ":%'";
    private static final String ACTIVE_CART = "SELECT id FROM carts WHERE customer_id = $1 AND status = 'ACTIVE' "
        + "ORDER BY updated_at DESC LIMIT 1";

    private final Pool newDatabase;
    private final Pool orderDb;
    private final long sequenceHeadroom;

    /**
     * @param newDatabase      checkout_db or return_db at the service's schema, with the migration's bookkeeping tables
     * @param orderDb          order_db at the legacy schema
     * @param sequenceHeadroom how far past the copied ids a shared sequence is moved
     */
    public LegacyImport(Pool newDatabase, Pool orderDb, long sequenceHeadroom) {
        this.newDatabase = Objects.requireNonNull(newDatabase);
        this.orderDb = Objects.requireNonNull(orderDb);
        this.sequenceHeadroom = sequenceHeadroom;
    }

    /** Copies the aggregate from order_db if order_db's copy is newer (or the only one); true when something was copied. */
    public Future<Boolean> importIfNewer(Aggregate aggregate, String aggregateId) {
        return newDatabase.withTransaction(connection -> PgAggregates.lock(connection, aggregate, aggregateId)
            .compose(locked -> connection.preparedQuery(PENDING).execute(Tuple.of(aggregate.key(), aggregateId)))
            .compose(pending -> {
                boolean queued = pending.size() > 0;
                if (!queued || keptNewer(pending.iterator().next().getString("last_error"))) {
                    return copyIn(connection, aggregate, aggregateId, queued);
                }
                // A queued mirror of a write that order_db may not have seen: only a deletion here needs protecting.
                return PgAggregates.stamps(connection, Side.TARGET, aggregate, List.of(aggregateId))
                    .compose(here -> here.isEmpty() ? Future.succeededFuture(false) : copyIn(connection, aggregate, aggregateId, false));
            }));
    }

    /** Copies order_db's rows over the new database's where they are newer (the caller holds the lock); true when copied. */
    private Future<Boolean> copyIn(io.vertx.sqlclient.SqlConnection connection, Aggregate aggregate, String aggregateId,
                                   boolean settleKeptNewer) {
        return orderDb.withConnection(legacy -> PgAggregates.read(legacy, Side.LEGACY, aggregate, aggregateId))
            .compose(rows -> PgAggregates.writeTarget(connection, aggregate, aggregateId, rows, sequenceHeadroom))
            .compose(changed -> !settleKeptNewer || changed == 0 ? Future.succeededFuture(changed > 0)
                : connection.preparedQuery(SETTLED_IF_KEPT_NEWER).execute(Tuple.of(aggregate.key(), aggregateId)).map(true));
    }

    /**
     * Imports every aggregate whose order_db root has {@code column} = {@code value} (a customer's returns, an order's
     * returns) and is newer there than here, or only there; the others are left alone without a lock. Returns the ids
     * imported. {@code column} names a column of the root table on both sides (customer_id, order_id), never input.
     */
    public Future<List<String>> importNewerWhere(Aggregate aggregate, String column, String value) {
        if (!aggregate.root().legacy().columns().contains(column) || !aggregate.root().target().columns().contains(column)) {
            throw new IllegalArgumentException(aggregate.rootTable() + " has no column " + column + " on both sides");
        }
        return orderDb.withConnection(legacy -> PgAggregates.stampsWhere(legacy, Side.LEGACY, aggregate, column, value))
            .compose(legacyStamps -> {
                if (legacyStamps.isEmpty()) {
                    return Future.succeededFuture(List.<String>of());
                }
                return newDatabase.withConnection(c -> PgAggregates.stamps(c, Side.TARGET, aggregate, List.copyOf(legacyStamps.keySet())))
                    .compose(ours -> importEach(aggregate, newerThere(legacyStamps, ours), 0, new ArrayList<>()));
            });
    }

    private static List<String> newerThere(Map<String, AggregateStamp> there, Map<String, AggregateStamp> here) {
        List<String> newer = new ArrayList<>();
        there.forEach((id, stamp) -> {
            AggregateStamp ours = here.get(id);
            if (ours == null || stamp.newerThan(ours)) {
                newer.add(id);
            }
        });
        return newer;
    }

    private Future<List<String>> importEach(Aggregate aggregate, List<String> ids, int index, List<String> imported) {
        if (index == ids.size()) {
            return Future.succeededFuture(imported);
        }
        return importIfNewer(aggregate, ids.get(index)).compose(copied -> {
            if (copied) {
                imported.add(ids.get(index));
            }
            return importEach(aggregate, ids, index + 1, imported);
        });
    }

    /**
     * Keeps the ids of shared bigserial columns (a return's status history) apart: moves the new database's sequences
     * to at least the last id order_db's own sequences handed out plus the headroom, so rows mirrored into order_db
     * never take an id the Order service mints next. Run it once when a service links to order_db; it never moves a
     * sequence back. Returns what moved.
     */
    public Future<List<String>> separateSequences(Aggregate aggregate) {
        return orderDb.withConnection(legacy -> PgAggregates.legacySequences(legacy, aggregate))
            .compose(floors -> floors.isEmpty() ? Future.succeededFuture(List.<String>of())
                : newDatabase.withConnection(c -> PgAggregates.raiseTargetSequences(c, floors, sequenceHeadroom)));
    }

    /**
     * Whether order_db holds the aggregate at a version above {@code version}: the Order service changed it after the
     * copy the caller holds (a hot cart in Redis, say). One indexed look-up in order_db; nothing is copied.
     */
    public Future<Boolean> newerThan(Aggregate aggregate, String aggregateId, long version) {
        SideTable root = aggregate.root().legacy();
        return orderDb.preparedQuery("SELECT 1 FROM " + root.table() + " WHERE " + root.rootColumn() + " = $1 AND "
                + AggregateStamp.VERSION + " > CAST($2 AS bigint)")
            .execute(Tuple.of(aggregateId, version))
            .map(rows -> rows.size() > 0);
    }

    /** Whether a queued mirror's last error says order_db held a newer copy (as {@link DualWriter#mirror} records it). */
    private static boolean keptNewer(String lastError) {
        return lastError != null && lastError.startsWith(NewerCopyException.class.getSimpleName() + ":");
    }

    /** The id of the customer's active cart in order_db, if it has one there. */
    public Future<Optional<String>> legacyActiveCartOf(String customerId) {
        return orderDb.preparedQuery(ACTIVE_CART).execute(Tuple.of(customerId))
            .map(rows -> rows.size() == 0 ? Optional.<String>empty() : Optional.of(rows.iterator().next().getString("id")));
    }
}
