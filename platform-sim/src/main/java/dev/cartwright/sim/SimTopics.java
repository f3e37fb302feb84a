package dev.cartwright.sim;

import java.util.Objects;

/**
 * Where the simulators publish their events, and the names those events carry. Every event is a CloudEvents 1.0
 * event in Kafka binary mode (attributes in {@code ce_*} headers), data = the events.v1 payload as protobuf JSON,
 * datacontenttype application/json, subject and Kafka key = the aggregate id.
 *
 * <table>
 *   <caption>Topics, event types and keys</caption>
 *   <tr><th>topic (default)</th><th>type</th><th>payload</th><th>key / subject</th><th>source</th></tr>
 *   <tr><td>order.events</td><td>order.shipped</td><td>events.v1.OrderShipped</td><td>order id</td>
 *       <td>/platform/order-sim</td></tr>
 *   <tr><td>order.events</td><td>order.delivered</td><td>events.v1.OrderDelivered</td><td>order id</td>
 *       <td>/platform/order-sim</td></tr>
 *   <tr><td>pricing.events</td><td>price.changed</td><td>events.v1.PriceChanged</td><td>product id</td>
 *       <td>/platform/pricing-sim</td></tr>
 *   <tr><td>warehouse.events</td><td>stock.changed</td><td>events.v1.StockChanged</td><td>product id</td>
 *       <td>/platform/warehouse-sim</td></tr>
 * </table>
 *
 * @param orderEvents     topic of order.shipped and order.delivered
 * @param pricingEvents   topic of price.changed
 * @param warehouseEvents topic of stock.changed
 */
public record SimTopics(String orderEvents, String pricingEvents, String warehouseEvents) {

    public static final String DEFAULT_ORDER_EVENTS = "order.events";
    public static final String DEFAULT_PRICING_EVENTS = "pricing.events";
    public static final String DEFAULT_WAREHOUSE_EVENTS = "warehouse.events";

    public static final String ORDER_SHIPPED = "order.shipped";
    public static final String ORDER_DELIVERED = "order.delivered";
    public static final String PRICE_CHANGED = "price.changed";
    public static final String STOCK_CHANGED = "stock.changed";

    public static final String ORDER_SOURCE = "/platform/order-sim";
    public static final String PRICING_SOURCE = "/platform/pricing-sim";
    public static final String WAREHOUSE_SOURCE = "/platform/warehouse-sim";

    /** order.events, pricing.events, warehouse.events. */
    public static final SimTopics DEFAULTS = new SimTopics(DEFAULT_ORDER_EVENTS, DEFAULT_PRICING_EVENTS, DEFAULT_WAREHOUSE_EVENTS);

    public SimTopics {
        Objects.requireNonNull(orderEvents, "orderEvents");
        Objects.requireNonNull(pricingEvents, "pricingEvents");
        Objects.requireNonNull(warehouseEvents, "warehouseEvents");
    }
}
