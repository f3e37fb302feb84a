package dev.cartwright.checkout.migration;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.cartwright.cart.store.LegacyCarts;
import dev.cartwright.order.migration.Aggregate;
import dev.cartwright.order.migration.DualWriter;
import dev.cartwright.order.migration.LegacyImport;
import dev.cartwright.order.migration.MirrorOutcome;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cart store's legacy port over order_db: the write-behind's transactions enlist their carts with the
 * {@link DualWriter} (lock, mirror queue) while {@code migration.dual_write} is on and mirror them after the commit; a
 * cart or a customer's active cart PostgreSQL here does not know, or knows in an older copy, is brought in from order_db
 * by the {@link LegacyImport}. A mirror that fails stays queued for the repair ({@code LegacyMirrorRepair}).
 */
public final class OrderDbCarts implements LegacyCarts {

    private static final Logger LOG = LoggerFactory.getLogger(OrderDbCarts.class);

    private final DualWriter writer;
    private final LegacyImport importer;

    public OrderDbCarts(DualWriter writer, LegacyImport importer) {
        this.writer = Objects.requireNonNull(writer);
        this.importer = Objects.requireNonNull(importer);
    }

    @Override
    public Future<Boolean> beforeWrite(SqlConnection connection, List<String> cartIds) {
        return writer.enlist(connection, Aggregate.CART, cartIds);
    }

    @Override
    public Future<Void> afterCommit(List<String> cartIds) {
        return writer.mirrorAll(Aggregate.CART, cartIds).map(outcomes -> {
            long deferred = outcomes.stream().filter(MirrorOutcome.Deferred.class::isInstance).count();
            if (deferred > 0) {
                LOG.warn("event=cart_mirror_deferred carts={} deferred={}", cartIds.size(), deferred);
            }
            return null;
        });
    }

    @Override
    public Future<Boolean> refresh(String cartId) {
        return importer.importIfNewer(Aggregate.CART, cartId).onSuccess(imported -> {
            if (imported) {
                LOG.info("event=cart_imported_from_order_db cart_id={}", cartId);
            }
        });
    }

    @Override
    public boolean mirrorsEveryWrite() {
        return writer.mirroring();
    }

    @Override
    public Future<Boolean> newerThan(String cartId, long version) {
        return importer.newerThan(Aggregate.CART, cartId, version);
    }

    @Override
    public Future<Optional<String>> activeCartOf(String customerId) {
        return importer.legacyActiveCartOf(customerId).compose(found -> found.isEmpty()
            ? Future.succeededFuture(found)
            : refresh(found.get()).map(imported -> found));
    }
}
