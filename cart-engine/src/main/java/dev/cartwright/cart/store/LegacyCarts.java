package dev.cartwright.cart.store;

import java.util.List;
import java.util.Optional;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * The port through which the cart store keeps the legacy Order service's copy of carts current while the two systems
 * overlap, and finds carts that still live only there. The store owns when it is called (around every PostgreSQL write
 * of carts, and when PostgreSQL does not know a cart); the adapter, outside this module, owns how (order_db, its
 * shape, the migration flags). {@link #NONE} when no legacy database is configured.
 */
public interface LegacyCarts {

    /**
     * In the transaction that writes {@code cartIds}, before writing them: take what must be held while they are
     * written and remember that they need copying. True when {@link #afterCommit} must follow the commit.
     */
    Future<Boolean> beforeWrite(SqlConnection connection, List<String> cartIds);

    /** After the commit of a write {@link #beforeWrite} said true for: copy the carts over. Never fails. */
    Future<Void> afterCommit(List<String> cartIds);

    /** Brings in the legacy copy of a cart if it is newer than the stored one (or the only one); true when it did. */
    Future<Boolean> refresh(String cartId);

    /** The customer's active cart in the legacy database, brought in, when PostgreSQL here knows none. */
    Future<Optional<String>> activeCartOf(String customerId);

    /**
     * Whether the legacy database holds the cart at a version above {@code version}: changed there (by the legacy
     * service while customers were routed back to it) after the copy held here. One look-up, nothing copied.
     */
    Future<Boolean> newerThan(String cartId, long version);

    /**
     * Whether every write is copied into the legacy database now (dual-write on): then the store stores a change (and so
     * copies it) before answering it, so the legacy service finds it at once if the customer is routed back there.
     */
    boolean mirrorsEveryWrite();

    /** No legacy database: nothing to copy, nothing to find. */
    LegacyCarts NONE = new LegacyCarts() {
        @Override
        public Future<Boolean> beforeWrite(SqlConnection connection, List<String> cartIds) {
            return Future.succeededFuture(false);
        }

        @Override
        public Future<Void> afterCommit(List<String> cartIds) {
            return Future.succeededFuture();
        }

        @Override
        public Future<Boolean> refresh(String cartId) {
            return Future.succeededFuture(false);
        }

        @Override
        public Future<Optional<String>> activeCartOf(String customerId) {
            return Future.succeededFuture(Optional.empty());
        }

        @Override
        public Future<Boolean> newerThan(String cartId, long version) {
            return Future.succeededFuture(false);
        }

        @Override
        public boolean mirrorsEveryWrite() {
            return false;
        }
    };
}
