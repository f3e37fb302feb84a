package dev.cartwright.sim;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;

import com.google.protobuf.Message;

import dev.cartwright.proto.common.v1.Money;
import dev.cartwright.proto.events.v1.OrderDelivered;
import dev.cartwright.proto.events.v1.OrderEventItem;
import dev.cartwright.proto.events.v1.OrderShipped;
import dev.cartwright.proto.platform.v1.CreateExchangeOrderRequest;
import dev.cartwright.proto.platform.v1.CreateOrderRequest;
import dev.cartwright.proto.platform.v1.GetOrderRequest;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.OrderItem;
import dev.cartwright.proto.platform.v1.OrderServiceService;

import io.vertx.core.Future;

import static dev.cartwright.sim.ProtoValues.money;
import static dev.cartwright.sim.ProtoValues.timestamp;
import static dev.cartwright.sim.ProtoValues.usd;

/**
 * The simulated Order service. Owns the orders created through it (in memory), each under the idempotency key that
 * created it, and moves them to shipped and delivered — publishing order.shipped and order.delivered — either on
 * request ({@link #markShipped}, {@link #markDelivered}) or at once when {@code autoDeliver} is on, so returns can be
 * demonstrated without waiting for a parcel.
 *
 * <p>Order ids are "ord-&lt;n&gt;", items are numbered "1", "2", ... in request order. Money fields the request
 * leaves unset are computed from the items (subtotal = Σ unit × quantity, grand total = subtotal − discount +
 * shipping + tax). All state is guarded by {@code this}; events are published after the state changed, shipped
 * before delivered.
 */
public final class OrderSimulator extends OrderServiceService {

    /** The tax rate of orders this simulator makes up itself ({@link #createDeliveredOrder}): 7.25%. */
    public static final int SEEDED_TAX_BP = 725;

    /** One line of an order made up by {@link #createDeliveredOrder}: priced from the pricing simulator. */
    public record Line(String productId, int quantity) {
        public Line {
            if (quantity <= 0) {
                throw new IllegalArgumentException("quantity must be > 0, was " + quantity);
            }
        }
    }

    private record Transition(String type, Message payload) {
    }

    private final Catalogue catalogue;
    private final ToLongFunction<String> currentPrice;
    private final ServiceKnobs knobs;
    private final SimEvents events;
    private final Clock clock;
    private final SimIds orderIds;
    private final AtomicBoolean autoDeliver;
    private final java.util.concurrent.atomic.AtomicLong deliveryDelayMillis = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, OrderDetails> orders = new HashMap<>();
    private final Map<String, String> orderByKey = new HashMap<>();

    OrderSimulator(Catalogue catalogue, ToLongFunction<String> currentPrice, ServiceKnobs knobs, SimEvents events, Clock clock,
        long idBase, boolean autoDeliver) {
        this.catalogue = catalogue;
        this.currentPrice = currentPrice;
        this.knobs = knobs;
        this.events = events;
        this.clock = clock;
        this.orderIds = new SimIds("ord-", idBase);
        this.autoDeliver = new AtomicBoolean(autoDeliver);
    }

    public ServiceKnobs knobs() {
        return knobs;
    }

    /** Whether new orders are shipped and delivered as soon as they are created. */
    public boolean autoDeliver() {
        return autoDeliver.get();
    }

    public OrderSimulator autoDeliver(boolean on) {
        autoDeliver.set(on);
        return this;
    }

    /**
     * How long after its creation an automatically delivered order is delivered (shipped half-way): zero, the default,
     * ships and delivers at once. The knob lets a demo or a test watch an order go created → shipped → delivered.
     */
    public OrderSimulator deliveryDelay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a delivery delay cannot be negative, was " + delay);
        }
        deliveryDelayMillis.set(delay.toMillis());
        return this;
    }

    public Duration deliveryDelay() {
        return Duration.ofMillis(deliveryDelayMillis.get());
    }

    /** The order as it stands. */
    public synchronized Optional<OrderDetails> order(String orderId) {
        return Optional.ofNullable(orders.get(orderId));
    }

    /** The order created under this idempotency key (for CreateOrder, the checkout id). */
    public synchronized Optional<OrderDetails> orderByIdempotencyKey(String idempotencyKey) {
        String orderId = orderByKey.get(idempotencyKey);
        return orderId == null ? Optional.empty() : Optional.of(orders.get(orderId));
    }

    /** Orders created since start, exchange orders included. */
    public synchronized int orderCount() {
        return orders.size();
    }

    /**
     * Makes up an order for a customer, already delivered at {@code deliveredAt} (shipped a day before), priced at the
     * pricing simulator's current prices with {@value #SEEDED_TAX_BP} basis points of tax per line and $4.99 shipping,
     * and publishes its order.shipped and order.delivered. The future completes once both events are sent (at once
     * without Kafka) with the order.
     */
    public Future<OrderDetails> createDeliveredOrder(String customerId, Instant deliveredAt, Line... lines) {
        return createDeliveredOrder(customerId, deliveredAt, pricedItems(lines));
    }

    /** Order items for these lines at the current prices, with {@value #SEEDED_TAX_BP} basis points of tax. */
    List<OrderItem> pricedItems(Line... lines) {
        if (lines.length == 0) {
            throw new IllegalArgumentException("an order needs at least one line");
        }
        List<OrderItem> items = new ArrayList<>();
        for (Line line : lines) {
            CatalogueProduct product = catalogue.find(line.productId())
                .orElseThrow(() -> new IllegalArgumentException("no product " + line.productId() + " in the catalogue"));
            long unit = currentPrice.applyAsLong(product.productId());
            long lineTotal = Math.multiplyExact(unit, line.quantity());
            long tax = BigDecimal.valueOf(lineTotal).multiply(BigDecimal.valueOf(SEEDED_TAX_BP))
                .divide(BigDecimal.valueOf(10_000), 0, RoundingMode.HALF_UP).longValueExact();
            items.add(OrderItem.newBuilder()
                .setProductId(product.productId())
                .setCategoryId(product.categoryId())
                .setQuantity(line.quantity())
                .setUnitPrice(usd(unit))
                .setDiscount(usd(0))
                .setTax(usd(tax))
                .setTotal(usd(Math.addExact(lineTotal, tax)))
                .build());
        }
        return items;
    }

    /**
     * Like {@link #createDeliveredOrder(String, Instant, Line...)} with the items exactly as given (ids assigned,
     * totals computed where unset).
     */
    public Future<OrderDetails> createDeliveredOrder(String customerId, Instant deliveredAt, List<OrderItem> items) {
        Seeded seeded = seedDeliveredOrder(customerId, deliveredAt, items);
        return seeded.published().map(seeded.order());
    }

    /** A made-up order, in memory now, and the sending of its events, still under way. */
    record Seeded(OrderDetails order, Future<Void> published) {
    }

    Seeded seedDeliveredOrder(String customerId, Instant deliveredAt, List<OrderItem> items) {
        if (customerId.isEmpty()) {
            throw new IllegalArgumentException("customer id is required");
        }
        Status.FieldProblem invalid = invalidItems(items);
        if (invalid != null) {
            throw new IllegalArgumentException(invalid.message());
        }
        List<Transition> transitions;
        OrderDetails order;
        synchronized (this) {
            String orderId = orderIds.next();
            OrderDetails.Builder builder = OrderDetails.newBuilder()
                .setOrderId(orderId)
                .setCustomerId(customerId)
                .setStatus("paid")
                .addAllItems(numbered(items))
                .setShipping(usd(ShippingSimulator.STANDARD_PRICE))
                .setShippingAddress(CustomerSimulator.customer(customerId).getDefaultAddress())
                .setPaymentReference("pay-" + orderId)
                .setCreatedAt(timestamp(deliveredAt.minus(Duration.ofDays(3))));
            completeTotals(builder);
            orders.put(orderId, builder.build());
            transitions = new ArrayList<>(advance(orderId, "shipped", deliveredAt.minus(Duration.ofDays(1))));
            transitions.addAll(advance(orderId, "delivered", deliveredAt));
            order = orders.get(orderId);
        }
        return new Seeded(order, publish(order.getOrderId(), transitions));
    }

    /** Marks an order shipped now and publishes order.shipped; nothing happens to an order shipped already. */
    public Future<OrderDetails> markShipped(String orderId) {
        return move(orderId, "shipped");
    }

    /** Marks an order delivered now (shipping it first if needed) and publishes what changed. */
    public Future<OrderDetails> markDelivered(String orderId) {
        return move(orderId, "delivered");
    }

    @Override
    public Future<OrderDetails> createOrder(CreateOrderRequest request) {
        return knobs.gate(() -> {
            Status.FieldProblem invalid = invalidItems(request.getItemsList());
            if (request.getIdempotencyKey().isEmpty()) {
                invalid = new Status.FieldProblem("idempotency_key", "is required");
            } else if (request.getCustomerId().isEmpty()) {
                invalid = new Status.FieldProblem("customer_id", "is required");
            }
            if (invalid != null) {
                return Status.invalidField(invalid);
            }
            OrderDetails created;
            synchronized (this) {
                String existing = orderByKey.get(request.getIdempotencyKey());
                if (existing != null) {
                    return Future.succeededFuture(orders.get(existing));
                }
                if (knobs.current().declineAll()) {
                    // A definite "no" (the Order service's own rules refuse the order), unlike the outages the other knobs make.
                    return Status.failedPrecondition("ORDER_DECLINED", "customers/" + request.getCustomerId(),
                        "order refused for customer " + request.getCustomerId() + " (all orders declined)");
                }
                String orderId = orderIds.next();
                OrderDetails.Builder builder = OrderDetails.newBuilder()
                    .setOrderId(orderId)
                    .setCustomerId(request.getCustomerId())
                    .setStatus(request.getPaymentReference().isEmpty() ? "created" : "paid")
                    .addAllItems(numbered(request.getItemsList()))
                    .setShippingAddress(request.getShippingAddress())
                    .setPaymentReference(request.getPaymentReference())
                    .setCheckoutId(request.getCheckoutId())
                    .setCreatedAt(timestamp(clock.instant()));
                copyMoney(request, builder);
                completeTotals(builder);
                created = builder.build();
                orders.put(orderId, created);
                orderByKey.put(request.getIdempotencyKey(), orderId);
            }
            deliverIfAutomatic(created.getOrderId());
            return Future.succeededFuture(created);
        });
    }

    @Override
    public Future<OrderDetails> getOrder(GetOrderRequest request) {
        return knobs.gate(() -> {
            synchronized (this) {
                OrderDetails order = orders.get(request.getOrderId());
                return order == null ? Status.notFound("ORDER_NOT_FOUND", "no order " + request.getOrderId())
                    : Future.succeededFuture(order);
            }
        });
    }

    @Override
    public Future<OrderDetails> createExchangeOrder(CreateExchangeOrderRequest request) {
        return knobs.gate(() -> {
            Status.FieldProblem invalid = invalidItems(request.getItemsList());
            if (request.getIdempotencyKey().isEmpty()) {
                invalid = new Status.FieldProblem("idempotency_key", "is required");
            }
            if (invalid != null) {
                return Status.invalidField(invalid);
            }
            OrderDetails created;
            synchronized (this) {
                String existing = orderByKey.get(request.getIdempotencyKey());
                if (existing != null) {
                    return Future.succeededFuture(orders.get(existing));
                }
                OrderDetails original = orders.get(request.getOriginalOrderId());
                if (original == null) {
                    return Status.notFound("ORDER_NOT_FOUND", "no order " + request.getOriginalOrderId());
                }
                String orderId = orderIds.next();
                OrderDetails.Builder builder = OrderDetails.newBuilder()
                    .setOrderId(orderId)
                    .setCustomerId(request.getCustomerId().isEmpty() ? original.getCustomerId() : request.getCustomerId())
                    .setStatus("paid")
                    .addAllItems(numbered(request.getItemsList()))
                    .setShipping(money(0, currencyOf(original)))
                    .setShippingAddress(original.getShippingAddress())
                    .setPaymentReference(original.getPaymentReference())
                    .setCreatedAt(timestamp(clock.instant()));
                completeTotals(builder);
                created = builder.build();
                orders.put(orderId, created);
                orderByKey.put(request.getIdempotencyKey(), orderId);
            }
            deliverIfAutomatic(created.getOrderId());
            return Future.succeededFuture(created);
        });
    }

    private void deliverIfAutomatic(String orderId) {
        if (autoDeliver.get()) {
            long delay = deliveryDelayMillis.get();
            if (delay <= 0) {
                markDelivered(orderId);
            } else {
                knobs.later(delay / 2, () -> markShipped(orderId));
                knobs.later(delay, () -> markDelivered(orderId));
            }
        }
    }

    private Future<OrderDetails> move(String orderId, String target) {
        List<Transition> transitions;
        OrderDetails order;
        synchronized (this) {
            if (!orders.containsKey(orderId)) {
                return Future.failedFuture(new IllegalArgumentException("no order " + orderId));
            }
            Instant now = clock.instant();
            transitions = new ArrayList<>(advance(orderId, "shipped", now));
            if (target.equals("delivered")) {
                transitions.addAll(advance(orderId, "delivered", now));
            }
            order = orders.get(orderId);
        }
        return publish(orderId, transitions).map(order);
    }

    /** Moves an order forward to {@code status} unless it is there or beyond; call with the lock held. */
    private List<Transition> advance(String orderId, String status, Instant at) {
        OrderDetails order = orders.get(orderId);
        boolean shipped = order.hasShippedAt();
        boolean delivered = order.hasDeliveredAt();
        if (status.equals("shipped") && !shipped) {
            OrderDetails updated = order.toBuilder().setStatus("shipped").setShippedAt(timestamp(at)).build();
            orders.put(orderId, updated);
            return List.of(new Transition(SimTopics.ORDER_SHIPPED, OrderShipped.newBuilder()
                .setOrderId(orderId)
                .setCustomerId(updated.getCustomerId())
                .addAllItems(eventItems(updated))
                .setShipping(updated.getShipping())
                .setGrandTotal(updated.getGrandTotal())
                .setPaymentReference(updated.getPaymentReference())
                .setShippedAt(updated.getShippedAt())
                .build()));
        }
        if (status.equals("delivered") && !delivered) {
            OrderDetails updated = order.toBuilder().setStatus("delivered").setDeliveredAt(timestamp(at)).build();
            orders.put(orderId, updated);
            return List.of(new Transition(SimTopics.ORDER_DELIVERED, OrderDelivered.newBuilder()
                .setOrderId(orderId)
                .setCustomerId(updated.getCustomerId())
                .addAllItems(eventItems(updated))
                .setShipping(updated.getShipping())
                .setGrandTotal(updated.getGrandTotal())
                .setPaymentReference(updated.getPaymentReference())
                .setDeliveredAt(updated.getDeliveredAt())
                .build()));
        }
        return List.of();
    }

    /** Publishes the transitions one after the other, so order.shipped is on the topic before order.delivered. */
    private Future<Void> publish(String orderId, List<Transition> transitions) {
        Future<Void> chain = Future.succeededFuture();
        for (Transition transition : transitions) {
            chain = chain.compose(v -> events.publish(events.topics().orderEvents(), transition.type(), SimTopics.ORDER_SOURCE,
                orderId, transition.payload()));
        }
        return chain;
    }

    private List<OrderItem> numbered(List<OrderItem> items) {
        List<OrderItem> numbered = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            OrderItem item = items.get(i);
            OrderItem.Builder builder = item.toBuilder().setOrderItemId(Integer.toString(i + 1));
            if (item.getCategoryId().isEmpty()) {
                catalogue.find(item.getProductId()).ifPresent(p -> builder.setCategoryId(p.categoryId()));
            }
            String currency = item.getUnitPrice().getCurrencyCode().isEmpty() ? Catalogue.CURRENCY : item.getUnitPrice().getCurrencyCode();
            if (!item.hasDiscount()) {
                builder.setDiscount(money(0, currency));
            }
            if (!item.hasTax()) {
                builder.setTax(money(0, currency));
            }
            if (!item.hasTotal()) {
                long gross = Math.multiplyExact(item.getUnitPrice().getAmountMinor(), item.getQuantity());
                long total = Math.addExact(Math.subtractExact(gross, builder.getDiscount().getAmountMinor()),
                    builder.getTax().getAmountMinor());
                builder.setTotal(money(total, currency));
            }
            numbered.add(builder.build());
        }
        return numbered;
    }

    private static void copyMoney(CreateOrderRequest request, OrderDetails.Builder builder) {
        if (request.hasSubtotal()) {
            builder.setSubtotal(request.getSubtotal());
        }
        if (request.hasDiscount()) {
            builder.setDiscount(request.getDiscount());
        }
        if (request.hasShipping()) {
            builder.setShipping(request.getShipping());
        }
        if (request.hasTax()) {
            builder.setTax(request.getTax());
        }
        if (request.hasGrandTotal()) {
            builder.setGrandTotal(request.getGrandTotal());
        }
    }

    /** Fills the order's unset money fields from its items. */
    private static void completeTotals(OrderDetails.Builder order) {
        String currency = order.getItemsCount() > 0 && !order.getItems(0).getUnitPrice().getCurrencyCode().isEmpty()
            ? order.getItems(0).getUnitPrice().getCurrencyCode() : Catalogue.CURRENCY;
        long subtotal = 0;
        long discount = 0;
        long tax = 0;
        for (OrderItem item : order.getItemsList()) {
            subtotal = Math.addExact(subtotal, Math.multiplyExact(item.getUnitPrice().getAmountMinor(), item.getQuantity()));
            discount = Math.addExact(discount, item.getDiscount().getAmountMinor());
            tax = Math.addExact(tax, item.getTax().getAmountMinor());
        }
        if (!order.hasSubtotal()) {
            order.setSubtotal(money(subtotal, currency));
        }
        if (!order.hasDiscount()) {
            order.setDiscount(money(discount, currency));
        }
        if (!order.hasShipping()) {
            order.setShipping(money(0, currency));
        }
        if (!order.hasTax()) {
            order.setTax(money(tax, currency));
        }
        if (!order.hasGrandTotal()) {
            long grand = Math.addExact(Math.addExact(Math.subtractExact(order.getSubtotal().getAmountMinor(),
                order.getDiscount().getAmountMinor()), order.getShipping().getAmountMinor()), order.getTax().getAmountMinor());
            order.setGrandTotal(money(grand, currency));
        }
    }

    private static List<OrderEventItem> eventItems(OrderDetails order) {
        List<OrderEventItem> items = new ArrayList<>(order.getItemsCount());
        for (OrderItem item : order.getItemsList()) {
            items.add(OrderEventItem.newBuilder()
                .setOrderItemId(item.getOrderItemId())
                .setProductId(item.getProductId())
                .setCategoryId(item.getCategoryId())
                .setQuantity(item.getQuantity())
                .setUnitPrice(item.getUnitPrice())
                .setDiscount(item.getDiscount())
                .setTax(item.getTax())
                .setTotal(item.getTotal())
                .build());
        }
        return items;
    }

    private static Status.FieldProblem invalidItems(List<OrderItem> items) {
        if (items.isEmpty()) {
            return new Status.FieldProblem("items", "must not be empty");
        }
        for (OrderItem item : items) {
            if (item.getProductId().isEmpty()) {
                return new Status.FieldProblem("items.product_id", "is required");
            }
            if (item.getQuantity() <= 0) {
                return new Status.FieldProblem("items.quantity", "must be > 0 for product " + item.getProductId());
            }
        }
        return null;
    }

    private static String currencyOf(OrderDetails order) {
        Money total = order.getGrandTotal();
        return total.getCurrencyCode().isEmpty() ? Catalogue.CURRENCY : total.getCurrencyCode();
    }
}
