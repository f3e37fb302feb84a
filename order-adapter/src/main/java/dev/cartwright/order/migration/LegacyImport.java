package dev.cartwright.order.migration;

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
 * than the new database's, or the new database has none, and leaves an aggregate alone while it has a row in
 * {@code legacy_mirror_queue} (order_db is then behind the new database, not ahead of it).
 */
public final class LegacyImport {

    private static final String PENDING = "SELECT 1 FROM legacy_mirror_queue WHERE aggregate = $1 AND aggregate_id = $2";
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
                if (pending.size() > 0) {
                    return Future.succeededFuture(false);
                }
                return orderDb.withConnection(legacy -> PgAggregates.read(legacy, Side.LEGACY, aggregate, aggregateId))
                    .compose(rows -> PgAggregates.writeTarget(connection, aggregate, aggregateId, rows, sequenceHeadroom))
                    .map(changed -> changed > 0);
            }));
    }

    /** The id of the customer's active cart in order_db, if it has one there. */
    public Future<Optional<String>> legacyActiveCartOf(String customerId) {
        return orderDb.preparedQuery(ACTIVE_CART).execute(Tuple.of(customerId))
            .map(rows -> rows.size() == 0 ? Optional.<String>empty() : Optional.of(rows.iterator().next().getString("id")));
    }
}
