package dev.cartwright.order.migration;

/**
 * The lock that serialises everything that copies one aggregate between the databases: a PostgreSQL advisory lock in
 * the new database, scoped to the transaction, keyed by a 64-bit hash of "{@code <aggregate>:<id>}". The DualWriter
 * takes it for the service's write and for the mirror; the backfill takes it for every aggregate of a chunk before it
 * reads order_db. So a backfill never reads an order_db row that a mirror is about to overwrite, and a service's write
 * never lands between the backfill's read and its write.
 */
final class AggregateLocks {

    /** One lock, key as the only parameter. */
    static final String LOCK_ONE = "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))";

    /** Many locks (text array parameter), taken in ascending hash order. */
    static final String LOCK_MANY = "SELECT pg_advisory_xact_lock(h) FROM "
        + "(SELECT hashtextextended(k, 0) AS h FROM unnest(CAST(? AS text[])) AS k ORDER BY 1) AS ordered";

    private AggregateLocks() {
    }

    static String lockKey(Aggregate aggregate, String rootId) {
        return aggregate.key() + ":" + rootId;
    }
}
