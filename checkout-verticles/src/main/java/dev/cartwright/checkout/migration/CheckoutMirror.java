package dev.cartwright.checkout.migration;

import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

import dev.cartwright.order.migration.Aggregate;
import dev.cartwright.order.migration.DualWriter;
import dev.cartwright.order.migration.LegacyImport;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkout store's link to order_db: its transactions enlist the checkouts they write with the {@link DualWriter}
 * while {@code migration.dual_write} is on (lock, mirror queue) and mirror them after the commit; a checkout read that
 * order_db holds in a newer copy (or only there) is imported first ({@link LegacyImport}). {@link #NONE} without order_db.
 */
public final class CheckoutMirror {

    private static final Logger LOG = LoggerFactory.getLogger(CheckoutMirror.class);

    /** No order_db: nothing enlisted, mirrored or imported. */
    public static final CheckoutMirror NONE = new CheckoutMirror(Optional.empty(), Optional.empty());

    private final Optional<DualWriter> writer;
    private final Optional<LegacyImport> importer;

    private CheckoutMirror(Optional<DualWriter> writer, Optional<LegacyImport> importer) {
        this.writer = writer;
        this.importer = importer;
    }

    public static CheckoutMirror over(DualWriter writer, LegacyImport importer) {
        return new CheckoutMirror(Optional.of(Objects.requireNonNull(writer)), Optional.of(Objects.requireNonNull(importer)));
    }

    /** In the writing transaction, before the checkouts are written: true when {@link #mirror} must follow the commit. */
    public Future<Boolean> enlist(SqlConnection connection, Collection<String> checkoutIds) {
        return writer.map(w -> w.enlist(connection, Aggregate.CHECKOUT, checkoutIds)).orElseGet(() -> Future.succeededFuture(false));
    }

    /** After the commit: copies the checkouts to order_db; never fails (a failed copy stays queued for the repair). */
    public Future<Void> mirror(Collection<String> checkoutIds) {
        return writer.map(w -> w.mirrorAll(Aggregate.CHECKOUT, checkoutIds).<Void>mapEmpty()).orElseGet(Future::succeededFuture);
    }

    /** Before a read: brings in order_db's copy if it is newer or the only one. Never fails (order_db down: the read goes on). */
    public Future<Void> refresh(String checkoutId) {
        if (importer.isEmpty()) {
            return Future.succeededFuture();
        }
        return importer.get().importIfNewer(Aggregate.CHECKOUT, checkoutId)
            .onSuccess(imported -> {
                if (imported) {
                    LOG.info("event=checkout_imported_from_order_db checkout_id={}", checkoutId);
                }
            })
            .<Void>mapEmpty()
            .recover(e -> {
                LOG.warn("event=legacy_checkout_refresh_failed checkout_id={} error=\"{}\"", checkoutId, e.toString());
                return Future.succeededFuture();
            });
    }
}
