package dev.cartwright.returns.migration;

import dev.cartwright.order.migration.Aggregate;
import dev.cartwright.order.migration.DualWriteResult;
import dev.cartwright.order.migration.DualWriter;
import dev.cartwright.order.migration.LegacyImport;
import dev.cartwright.order.migration.MirrorOutcome;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the Return Service's link to the Order service's order_db while the two systems overlap: every transaction that
 * changes a return runs through {@link #write}, which (while {@code migration.dual_write} is on) takes the return's
 * migration lock, queues it for the mirror in the same transaction and, after the commit and before the caller is
 * answered, copies the return in order_db's legacy shape ({@link DualWriter}); a copy that fails stays queued for the
 * repair. Reads first bring in what order_db holds newer or only there ({@link #refresh}, {@link #refreshCustomer},
 * {@link #refreshOrder}; {@link LegacyImport}), so a customer who made or changed a return on the Order service finds
 * it current here. The version guards of order-adapter keep either side's older copy from overwriting a newer one.
 * {@link #none} without order_db: a plain transaction, nothing copied or imported.
 */
public final class ReturnMirror {

    private static final Logger LOG = LoggerFactory.getLogger(ReturnMirror.class);

    private final Pool pool;
    private final Optional<DualWriter> writer;
    private final Optional<LegacyImport> importer;

    private ReturnMirror(Pool pool, Optional<DualWriter> writer, Optional<LegacyImport> importer) {
        this.pool = Objects.requireNonNull(pool);
        this.writer = writer;
        this.importer = importer;
    }

    /** No order_db: writes are plain transactions on return_db. */
    public static ReturnMirror none(Pool pool) {
        return new ReturnMirror(pool, Optional.empty(), Optional.empty());
    }

    /** Linked to order_db through the dual-writer and the lazy import, both over {@code pool} (return_db). */
    public static ReturnMirror over(Pool pool, DualWriter writer, LegacyImport importer) {
        return new ReturnMirror(pool, Optional.of(writer), Optional.of(importer));
    }

    /**
     * Runs {@code work} in one transaction on return_db as the write of return {@code returnId}; while dual-write is on
     * the return is mirrored to order_db after the commit, before the future completes. Fails only if the work fails.
     */
    public <T> Future<T> write(String returnId, Function<SqlConnection, Future<T>> work) {
        if (writer.isEmpty()) {
            return pool.withTransaction(work);
        }
        return writer.get().write(Aggregate.RETURN, returnId, work).map(result -> logged(returnId, result));
    }

    private static <T> T logged(String returnId, DualWriteResult<T> result) {
        if (result.mirror() instanceof MirrorOutcome.Deferred deferred) {
            LOG.warn("event=return_mirror_deferred return_id={} error=\"{}\"", returnId, deferred.error());
        }
        return result.value();
    }

    /** Before reading or changing a return: brings in order_db's copy if it is newer or the only one. Never fails. */
    public Future<Void> refresh(String returnId) {
        if (importer.isEmpty()) {
            return Future.succeededFuture();
        }
        return importer.get().importIfNewer(Aggregate.RETURN, returnId)
            .map(imported -> imported ? List.of(returnId) : List.<String>of())
            .transform(done -> reported("return_id", returnId, done.succeeded() ? done.result() : null, done.cause()));
    }

    /** Before listing a customer's returns: brings in those order_db holds newer or only. Never fails. */
    public Future<Void> refreshCustomer(String customerId) {
        return refreshWhere("customer_id", customerId);
    }

    /** Before listing an order's returns or making a new one: brings in those order_db holds newer or only. Never fails. */
    public Future<Void> refreshOrder(String orderId) {
        return refreshWhere("order_id", orderId);
    }

    private Future<Void> refreshWhere(String column, String value) {
        if (importer.isEmpty()) {
            return Future.succeededFuture();
        }
        return importer.get().importNewerWhere(Aggregate.RETURN, column, value)
            .transform(done -> reported(column, value, done.succeeded() ? done.result() : null, done.cause()));
    }

    /** order_db down or a copy refused: the read goes on with what return_db has (and says so in the log). */
    private static Future<Void> reported(String key, String value, List<String> imported, Throwable failure) {
        if (failure != null) {
            LOG.warn("event=legacy_return_refresh_failed {}={} error=\"{}\"", key, value, failure.toString());
        } else if (!imported.isEmpty()) {
            LOG.info("event=returns_imported_from_order_db {}={} returns={}", key, value, imported);
        }
        return Future.succeededFuture();
    }
}
