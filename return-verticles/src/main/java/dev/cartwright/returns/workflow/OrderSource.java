package dev.cartwright.returns.workflow;

import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.OrderItem;
import dev.cartwright.returns.domain.OrderLine;
import dev.cartwright.returns.domain.OrderSnapshot;
import dev.cartwright.returns.neighbours.NeighbourFailure;
import dev.cartwright.returns.neighbours.Neighbours;
import dev.cartwright.returns.events.ReturnEvents;
import dev.cartwright.returns.store.OrderProjection;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns finding out about an order: the local projection of order events first; when the order is not projected
 * yet (or not yet as delivered), the Order service, whose answer is written into the projection so the next
 * request need not ask again.
 */
public final class OrderSource {

    private static final Logger LOG = LoggerFactory.getLogger(OrderSource.class);

    private final Pool pool;
    private final OrderProjection projection;
    private final Neighbours neighbours;
    private final Clock clock;

    public OrderSource(Pool pool, OrderProjection projection, Neighbours neighbours, Clock clock) {
        this.pool = pool;
        this.projection = projection;
        this.neighbours = neighbours;
        this.clock = clock;
    }

    public Future<OrderSnapshot> resolve(String orderId) {
        return projection.find(pool, orderId, false).compose(projected -> {
            if (projected.isPresent() && projected.get().delivered()) {
                return Future.succeededFuture(projected.get());
            }
            return neighbours.getOrder(orderId).compose(found -> {
                if (found.isEmpty()) {
                    return projected.map(Future::succeededFuture)
                        .orElseGet(() -> Future.failedFuture(ReturnFailure.notFound("ORDER_NOT_FOUND", "order " + orderId + " not found")));
                }
                OrderSnapshot snapshot = snapshot(found.get());
                if (snapshot.defect().isPresent()) {
                    return Future.failedFuture(ReturnFailure.precondition("ORDER_NOT_RETURNABLE", "order " + orderId
                        + " cannot be returned: the Order service describes it with " + snapshot.defect().get()));
                }
                if (!snapshot.delivered()) {
                    return Future.succeededFuture(snapshot);
                }
                LOG.info("order={} not projected yet; taken from the Order service", orderId);
                Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
                Optional<Instant> shippedAt = found.get().hasShippedAt() ? Optional.of(ReturnEvents.instant(found.get().getShippedAt()))
                    : Optional.empty();
                return pool.withTransaction(c -> projection.upsert(c, snapshot, shippedAt, OrderProjection.FROM_ORDER_SERVICE, now))
                    .compose(v -> projection.find(pool, orderId, false))
                    .map(stored -> stored.orElse(snapshot));
            }, failure -> {
                if (projected.isPresent()) {
                    return Future.succeededFuture(projected.get());
                }
                if (failure instanceof NeighbourFailure f && f.retryable()) {
                    return Future.failedFuture(ReturnFailure.unavailable("order " + orderId
                        + " is not known here yet and the Order service cannot be reached (" + f.getMessage() + "); try again"));
                }
                return Future.failedFuture(failure);
            });
        });
    }

    /** The order as the Order service describes it. */
    public static OrderSnapshot snapshot(OrderDetails o) {
        List<OrderLine> lines = new ArrayList<>();
        for (OrderItem i : o.getItemsList()) {
            lines.add(new OrderLine(i.getOrderItemId(), i.getProductId(), i.getCategoryId(), i.getQuantity(), i.getUnitPrice(
                    ).getAmountMinor(),
                i.getDiscount().getAmountMinor(), i.getTax().getAmountMinor(), i.getTotal().getAmountMinor()));
        }
        String currency = o.getGrandTotal().getCurrencyCode().isEmpty() ? "USD" : o.getGrandTotal().getCurrencyCode();
        return new OrderSnapshot(o.getOrderId(), o.getCustomerId(), o.getStatus(), currency, lines, o.getShipping().getAmountMinor(),
            o.getGrandTotal().getAmountMinor(), o.getPaymentReference(),
            o.hasDeliveredAt() ? Optional.of(ReturnEvents.instant(o.getDeliveredAt())) : Optional.empty());
    }
}
