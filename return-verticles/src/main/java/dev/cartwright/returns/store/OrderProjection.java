package dev.cartwright.returns.store;

import static dev.cartwright.returns.store.Columns.instant;
import static dev.cartwright.returns.store.Columns.ts;

import dev.cartwright.returns.domain.OrderLine;
import dev.cartwright.returns.domain.OrderSnapshot;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Owns the order projection of return_db: the delivered (and shipped) orders eligibility is decided from
 * ({@code order_projection}, {@code order_projection_items}), the ids of the order events already consumed
 * ({@code processed_events}), and the events set aside because they could not be projected
 * ({@code parked_order_events}). Every method takes the {@link SqlClient} to run on, so the caller decides what
 * shares one transaction.
 */
public final class OrderProjection {

    /** Where a projected order came from: an order event, or the Order service asked when no event had arrived. */
    public static final String FROM_EVENT = "event";
    public static final String FROM_ORDER_SERVICE = "order_service";

    /** The projected order; with {@code lock} the row is locked until the transaction ends (serialises returns of one order). */
    public Future<Optional<OrderSnapshot>> find(SqlClient c, String orderId, boolean lock) {
        String sql = "SELECT order_id, customer_id, status, currency, shipping_minor, grand_total_minor, payment_reference, delivered_at "
            + "FROM order_projection WHERE order_id = $1" + (lock ? " FOR UPDATE" : "");
        return c.preparedQuery(sql).execute(Tuple.of(orderId)).compose(rows -> {
            if (rows.size() == 0) {
                return Future.succeededFuture(Optional.<OrderSnapshot>empty());
            }
            Row o = rows.iterator().next();
            return c.preparedQuery("SELECT order_item_id, product_id, category_id, quantity, unit_price_minor, discount_minor, tax_minor, "
                    + "total_minor FROM order_projection_items WHERE order_id = $1 ORDER BY order_item_id")
                .execute(Tuple.of(orderId))
                .map(items -> {
                    List<OrderLine> lines = new ArrayList<>();
                    for (Row i : items) {
                        lines.add(new OrderLine(i.getString("order_item_id"), i.getString("product_id"), i.getString("category_id"),
                            i.getInteger("quantity"), i.getLong("unit_price_minor"), i.getLong("discount_minor"), i.getLong("tax_minor"),
                            i.getLong("total_minor")));
                    }
                    return Optional.of(new OrderSnapshot(o.getString("order_id"), o.getString("customer_id"), o.getString("status"),
                        o.getString("currency"), lines, o.getLong("shipping_minor"), o.getLong("grand_total_minor"),
                        o.getString("payment_reference"), Optional.ofNullable(instant(o, "delivered_at"))));
                });
        });
    }

    /**
     * Writes the order into the projection. A delivered order stays delivered (a late order.shipped changes nothing
     * but fills in what was missing); the lines are replaced by the newest copy.
     */
    public Future<Void> upsert(SqlClient c, OrderSnapshot order, Optional<Instant> shippedAt, String source, Instant now) {
        String sql = "INSERT INTO order_projection (order_id, customer_id, status, currency, shipping_minor, grand_total_minor, "
            + "payment_reference, shipped_at, delivered_at, source, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
            + "ON CONFLICT (order_id) DO UPDATE SET customer_id = excluded.customer_id, "
            + "status = CASE WHEN order_projection.status = 'delivered' THEN 'delivered' ELSE excluded.status END, "
            + "currency = excluded.currency, shipping_minor = excluded.shipping_minor, grand_total_minor = excluded.grand_total_minor, "
            + "payment_reference = excluded.payment_reference, "
            + "shipped_at = COALESCE(excluded.shipped_at, order_projection.shipped_at), "
            + "delivered_at = COALESCE(order_projection.delivered_at, excluded.delivered_at), "
            + "source = excluded.source, updated_at = excluded.updated_at";
        Tuple row = Tuple.tuple()
            .addString(order.orderId()).addString(order.customerId()).addString(order.status()).addString(order.currency())
            .addLong(order.shipping()).addLong(order.grandTotal()).addString(order.paymentReference())
            .addOffsetDateTime(shippedAt.map(Columns::ts).orElse(null))
            .addOffsetDateTime(order.deliveredAt().map(Columns::ts).orElse(null))
            .addString(source).addOffsetDateTime(ts(now));
        return c.preparedQuery(sql).execute(row)
            .compose(v -> c.preparedQuery("DELETE FROM order_projection_items WHERE order_id = $1").execute(Tuple.of(order.orderId())))
            .compose(v -> {
                if (order.lines().isEmpty()) {
                    return Future.succeededFuture();
                }
                List<Tuple> items = new ArrayList<>();
                for (OrderLine l : order.lines()) {
                    items.add(Tuple.tuple().addString(order.orderId()).addString(l.orderItemId()).addString(l.productId())
                        .addString(l.categoryId()).addInteger(l.quantity()).addLong(l.unitPrice()).addLong(l.discount())
                        .addLong(l.tax()).addLong(l.total()));
                }
                return c.preparedQuery("INSERT INTO order_projection_items (order_id, order_item_id, product_id, category_id, quantity, "
                    + "unit_price_minor, discount_minor, tax_minor, total_minor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                    .executeBatch(items).mapEmpty();
            });
    }

    /** Records a consumed event; false when it was processed before (the caller then changes nothing). */
    public Future<Boolean> markProcessed(SqlClient c, String eventId, String eventType, Instant now) {
        return c.preparedQuery("INSERT INTO processed_events (event_id, event_type, processed_at) VALUES ($1, $2, $3) "
                + "ON CONFLICT (event_id) DO NOTHING")
            .execute(Tuple.of(eventId, eventType, ts(now)))
            .map(rows -> rows.rowCount() == 1);
    }

    /** An order event set aside, with where it was read and why it could not be projected. */
    public record ParkedEvent(String eventId, String eventType, String orderId, String reason, String payload, String topic,
                              int partition, long offset, Instant parkedAt) {
    }

    /** Sets the event aside; a second parking of the same event (a redelivery) keeps the first. */
    public Future<Void> park(SqlClient c, ParkedEvent e) {
        return c.preparedQuery("INSERT INTO parked_order_events (event_id, event_type, order_id, reason, payload, kafka_topic, "
                + "kafka_partition, kafka_offset, parked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (event_id) DO NOTHING")
            .execute(Tuple.tuple().addString(e.eventId()).addString(e.eventType()).addString(e.orderId()).addString(e.reason())
                .addString(e.payload()).addString(e.topic()).addInteger(e.partition()).addLong(e.offset())
                .addOffsetDateTime(ts(e.parkedAt())))
            .mapEmpty();
    }
}
