package dev.cartwright.legacy;

import static dev.cartwright.legacy.LegacyCarts.invalid;
import static dev.cartwright.legacy.LegacyCarts.now;
import static dev.cartwright.legacy.LegacyCarts.nullToEmpty;
import static dev.cartwright.legacy.LegacyCarts.timestamp;
import static dev.cartwright.legacy.LegacyMoney.decimal;
import static dev.cartwright.legacy.LegacyMoney.minor;
import static dev.cartwright.legacy.LegacyMoney.money;

import dev.cartwright.order.client.LegacyOrderClient;
import dev.cartwright.order.client.OrderResult;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartLine;
import dev.cartwright.proto.checkout.v1.Checkout;
import dev.cartwright.proto.checkout.v1.CheckoutServiceService;
import dev.cartwright.proto.checkout.v1.CheckoutStatus;
import dev.cartwright.proto.checkout.v1.ConfirmCheckoutRequest;
import dev.cartwright.proto.checkout.v1.GetCheckoutRequest;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.checkout.v1.OrderLine;
import dev.cartwright.proto.checkout.v1.ShippingMethod;
import dev.cartwright.proto.checkout.v1.StartCheckoutRequest;
import dev.cartwright.proto.checkout.v1.UpdateAddressRequest;
import dev.cartwright.proto.common.v1.Address;
import dev.cartwright.proto.platform.v1.CreateOrderRequest;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.OrderItem;
import dev.cartwright.service.grpc.RpcError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.UUID;

/**
 * The Order service's own checkout endpoints over order_db's checkouts and checkout_addresses: StartCheckout freezes
 * the cart's lines and totals into a PENDING checkout, UpdateShippingAddress quotes shipping and tax for the
 * destination under the monolith's own rules (stored as the checkout's shipping method, shipping cost, tax and grand
 * total), ConfirmCheckout creates the order (through the same
 * {@link LegacyOrderClient} the Checkout Service uses, keyed by the checkout id, so a retry returns the same order) and
 * marks the checkout COMPLETED and the cart CONVERTED. The monolith took payment outside this flow; a payment method id
 * is recorded as given.
 */
final class LegacyCheckouts extends CheckoutServiceService {

    /** The monolith's one shipping method: ground, at a flat rate per order. */
    static final String GROUND = "GROUND";
    static final long GROUND_COST_MINOR = 895;
    /** The monolith's one sales tax rate, on the goods of a US delivery (nothing elsewhere). */
    static final BigDecimal SALES_TAX_RATE = new BigDecimal("0.065");

    private final Pool pool;
    private final LegacyOrderClient orders;

    LegacyCheckouts(Pool pool, LegacyOrderClient orders) {
        this.pool = pool;
        this.orders = orders;
    }

    @Override
    public Future<Checkout> startCheckout(StartCheckoutRequest request) {
        if (request.getCartId().isEmpty()) {
            return invalid("cart_id", "is required");
        }
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT status FROM carts WHERE id = $1 FOR UPDATE")
            .execute(Tuple.of(request.getCartId()))
            .compose(locked -> LegacyCarts.load(tx, request.getCartId()))
            .compose(cart -> {
                if (cart.getItemsCount() == 0) {
                    return Future.failedFuture(RpcError.failedPrecondition("CART_EMPTY", "carts/" + cart.getCartId(),
                        "cart " + cart.getCartId() + " is empty"));
                }
                if (!"ACTIVE".equals(cart.getStatus().name().substring("CART_STATUS_".length()))) {
                    return Future.failedFuture(RpcError.failedPrecondition("CART_NOT_ACTIVE", "carts/" + cart.getCartId(),
                        "cart " + cart.getCartId() + " is not active"));
                }
                // The same cart at the same version checks out once: a repeated StartCheckout finds that checkout.
                return tx.preparedQuery("SELECT id FROM checkouts WHERE cart_id = $1 AND cart_version = $2 AND status = 'PENDING'")
                    .execute(Tuple.of(cart.getCartId(), (int) cart.getVersion()))
                    .compose(existing -> existing.size() > 0
                        ? load(tx, existing.iterator().next().getString("id"))
                        : insert(tx, cart));
            }));
    }

    private Future<Checkout> insert(SqlClient tx, Cart cart) {
        String id = UUID.randomUUID().toString();
        JsonArray lines = new JsonArray();
        for (CartLine line : cart.getItemsList()) {
            lines.add(new JsonObject()
                .put("product_id", line.getProductId())
                .put("product_name", line.getName())
                .put("category_id", line.getCategoryId())
                .put("quantity", line.getQuantity())
                .put("unit_price", decimal(line.getUnitPrice().getAmountMinor()))
                .put("line_subtotal", decimal(line.getSubtotal().getAmountMinor()))
                .put("line_discount", BigDecimal.ZERO)
                .put("order_discount", BigDecimal.ZERO)
                .put("tax_amount", BigDecimal.ZERO)
                .put("line_total", decimal(line.getTotal().getAmountMinor())));
        }
        long subtotal = cart.getTotals().getSubtotal().getAmountMinor();
        return tx.preparedQuery("INSERT INTO checkouts (id, cart_id, customer_id, cart_version, status, currency_code, subtotal, "
                + "discount_total, shipping_cost, tax_total, grand_total, line_items, version) "
                + "VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, 0, 0, 0, $6, $7, 1)")
            .execute(Tuple.tuple().addString(id).addString(cart.getCartId()).addString(LegacyCarts.emptyToNull(cart.getCustomerId()))
                .addInteger((int) cart.getVersion()).addString(cart.getCurrencyCode()).addBigDecimal(decimal(subtotal))
                .addValue(lines))
            .compose(done -> load(tx, id));
    }

    @Override
    public Future<Checkout> getCheckout(GetCheckoutRequest request) {
        return pool.withConnection(c -> load(c, request.getCheckoutId()));
    }

    @Override
    public Future<Checkout> updateShippingAddress(UpdateAddressRequest request) {
        Address a = request.getAddress();
        if (a.getLine1().isEmpty() || a.getCity().isEmpty() || a.getCountryCode().isEmpty()) {
            String missing = a.getLine1().isEmpty() ? "address.line1" : a.getCity().isEmpty() ? "address.city" : "address.country_code";
            return invalid(missing, "is required", "address.line1, address.city and address.country_code are required");
        }
        return pool.withTransaction(tx -> lockPending(tx, request.getCheckoutId())
            .compose(row -> tx.preparedQuery("INSERT INTO checkout_addresses (checkout_id, address_type, full_name, address_line1, "
                    + "address_line2, city, state, zip_code, country, phone) VALUES ($1, 'SHIPPING', $2, $3, $4, $5, $6, $7, $8, $9) "
                    + "ON CONFLICT (checkout_id, address_type) DO UPDATE SET full_name = EXCLUDED.full_name, "
                    + "address_line1 = EXCLUDED.address_line1, address_line2 = EXCLUDED.address_line2, city = EXCLUDED.city, "
                    + "state = EXCLUDED.state, zip_code = EXCLUDED.zip_code, country = EXCLUDED.country, phone = EXCLUDED.phone")
                .execute(Tuple.tuple().addString(request.getCheckoutId()).addString(a.getName()).addString(a.getLine1())
                    .addString(LegacyCarts.emptyToNull(a.getLine2())).addString(a.getCity()).addString(LegacyCarts.emptyToNull(
                            a.getRegion()))
                    .addString(LegacyCarts.emptyToNull(a.getPostalCode())).addString(a.getCountryCode())
                    .addString(LegacyCarts.emptyToNull(a.getPhone()))))
            .compose(done -> quote(tx, request.getCheckoutId(), a.getCountryCode()))
            .compose(done -> load(tx, request.getCheckoutId())));
    }

    /**
     * Prices the checkout for its destination under the monolith's own rules (its flat-rate ground shipping and its one
     * sales tax rate on US deliveries), as it always did when the address was given, and stores the quote: the totals
     * ConfirmCheckout charges.
     */
    private static Future<Void> quote(SqlClient tx, String checkoutId, String countryCode) {
        BigDecimal rate = "US".equalsIgnoreCase(countryCode) ? SALES_TAX_RATE : BigDecimal.ZERO;
        return tx.preparedQuery("UPDATE checkouts SET shipping_method = $2, shipping_cost = $3, tax_total = q.tax, "
                + "grand_total = subtotal - COALESCE(discount_total, 0) + $3 + q.tax, version = version + 1, updated_at = $5 "
                + "FROM (SELECT round((subtotal - COALESCE(discount_total, 0)) * $4, 2) AS tax FROM checkouts WHERE id = $1) q "
                + "WHERE id = $1")
            .execute(Tuple.tuple().addString(checkoutId).addString(GROUND).addBigDecimal(decimal(GROUND_COST_MINOR))
                .addBigDecimal(rate).addValue(now()))
            .mapEmpty();
    }

    @Override
    public Future<Order> confirmCheckout(ConfirmCheckoutRequest request) {
        String checkoutId = request.getCheckoutId();
        if (checkoutId.isEmpty()) {
            return invalid("checkout_id", "is required");
        }
        return pool.withConnection(c -> load(c, checkoutId)).compose(checkout -> {
            if (checkout.getStatus() == CheckoutStatus.CHECKOUT_STATUS_COMPLETED) {
                // Confirmed already: the order the first confirmation created (the order service is idempotent on the checkout id).
                return createOrder(checkout, request).map(order -> order(checkout, order));
            }
            if (checkout.getStatus() != CheckoutStatus.CHECKOUT_STATUS_OPEN) {
                return Future.failedFuture(RpcError.failedPrecondition("CHECKOUT_NOT_OPEN", "checkouts/" + checkoutId,
                    "checkout " + checkoutId + " is " + checkout.getStatus()).with("status", checkout.getStatus().name()));
            }
            if (checkout.getCustomerId().isEmpty()) {
                return Future.failedFuture(RpcError.failedPrecondition("SIGN_IN_REQUIRED", "checkouts/" + checkoutId,
                    "the Order service checks out signed-in customers only: checkout " + checkoutId + " has no customer"));
            }
            return createOrder(checkout, request).compose(order -> pool.withTransaction(tx -> tx.preparedQuery(
                    "UPDATE checkouts SET status = 'COMPLETED', order_id = $2, payment_method_id = $3, version = version + 1, "
                        + "updated_at = $4 WHERE id = $1 AND status <> 'COMPLETED'")
                .execute(Tuple.of(checkoutId, order.getOrderId(), LegacyCarts.emptyToNull(request.getPaymentMethodId()), now()))
                .compose(done -> tx.preparedQuery("UPDATE carts SET status = 'CONVERTED', order_id = $2, version = version + 1, "
                    + "updated_at = $3 WHERE id = $1 AND status = 'ACTIVE'").execute(Tuple.of(checkout.getCartId(),
                            order.getOrderId(), now())))
                .map(done -> order(checkout, order))));
        });
    }

    private Future<OrderDetails> createOrder(Checkout checkout, ConfirmCheckoutRequest request) {
        CreateOrderRequest.Builder create = CreateOrderRequest.newBuilder()
            .setCheckoutId(checkout.getCheckoutId())
            .setCustomerId(checkout.getCustomerId())
            .setPaymentReference(request.getPaymentMethodId().isEmpty() ? "" : "legacy-" + request.getPaymentMethodId())
            .setSubtotal(checkout.getTotals().getSubtotal())
            .setDiscount(checkout.getTotals().getDiscount())
            .setShipping(checkout.getTotals().getShipping())
            .setTax(checkout.getTotals().getTax())
            .setGrandTotal(checkout.getTotals().getGrandTotal());
        if (checkout.hasShippingAddress()) {
            create.setShippingAddress(checkout.getShippingAddress());
        }
        for (CartLine line : checkout.getItemsList()) {
            create.addItems(OrderItem.newBuilder()
                .setProductId(line.getProductId())
                .setCategoryId(line.getCategoryId())
                .setQuantity(line.getQuantity())
                .setUnitPrice(line.getUnitPrice())
                .setDiscount(line.getDiscount())
                .setTax(line.getTax())
                .setTotal(line.getTotal()));
        }
        return orders.createOrder(create.build()).compose(OrderResult::toFuture);
    }

    private static Order order(Checkout checkout, OrderDetails details) {
        Order.Builder order = Order.newBuilder()
            .setOrderId(details.getOrderId())
            .setCheckoutId(checkout.getCheckoutId())
            .setCustomerId(details.getCustomerId())
            .setStatus(details.getStatus())
            .setTotals(checkout.getTotals())
            .setCreatedAt(details.getCreatedAt());
        for (OrderItem item : details.getItemsList()) {
            order.addItems(OrderLine.newBuilder()
                .setOrderItemId(item.getOrderItemId())
                .setProductId(item.getProductId())
                .setQuantity(item.getQuantity())
                .setUnitPrice(item.getUnitPrice())
                .setTotal(item.getTotal()));
        }
        return order.build();
    }

    private static Future<Row> lockPending(SqlClient tx, String checkoutId) {
        return tx.preparedQuery("SELECT status FROM checkouts WHERE id = $1 FOR UPDATE").execute(Tuple.of(checkoutId)).compose(rows -> {
            if (rows.size() == 0) {
                return Future.failedFuture(RpcError.notFound("CHECKOUT_NOT_FOUND", "no checkout " + checkoutId));
            }
            Row row = rows.iterator().next();
            return "PENDING".equals(row.getString("status")) ? Future.succeededFuture(row)
                : Future.failedFuture(RpcError.failedPrecondition("CHECKOUT_NOT_OPEN", "checkouts/" + checkoutId,
                    "checkout " + checkoutId + " is " + row.getString("status")).with("status", status(row.getString("status")).name()));
        });
    }

    static Future<Checkout> load(SqlClient client, String checkoutId) {
        return client.preparedQuery("SELECT * FROM checkouts WHERE id = $1").execute(Tuple.of(checkoutId)).compose(rows -> {
            if (rows.size() == 0) {
                return Future.failedFuture(RpcError.notFound("CHECKOUT_NOT_FOUND", "no checkout " + checkoutId));
            }
            Row row = rows.iterator().next();
            return client.preparedQuery("SELECT * FROM checkout_addresses WHERE checkout_id = $1 AND address_type = 'SHIPPING'")
                .execute(Tuple.of(checkoutId)).map(addresses -> {
                    String currency = row.getString("currency_code");
                    Checkout.Builder checkout = Checkout.newBuilder()
                        .setCheckoutId(checkoutId)
                        .setCartId(row.getString("cart_id"))
                        .setCustomerId(nullToEmpty(row.getString("customer_id")))
                        .setStatus(status(row.getString("status")))
                        .setCartVersion(row.getInteger("cart_version"))
                        .setOrderId(nullToEmpty(row.getString("order_id")))
                        .setFailureReason(nullToEmpty(row.getString("failure_reason")))
                        .setVersion(row.getInteger("version"))
                        .setCreatedAt(timestamp(row.getLocalDateTime("created_at")))
                        .setUpdatedAt(timestamp(row.getLocalDateTime("updated_at")))
                        .setTotals(dev.cartwright.proto.checkout.v1.CartTotals.newBuilder()
                            .setSubtotal(money(minor(row.getBigDecimal("subtotal")), currency))
                            .setDiscount(money(minor(row.getBigDecimal("discount_total")), currency))
                            .setShipping(money(minor(row.getBigDecimal("shipping_cost")), currency))
                            .setTax(money(minor(row.getBigDecimal("tax_total")), currency))
                            .setGrandTotal(money(minor(row.getBigDecimal("grand_total")), currency)));
                    Object json = row.getValue("line_items");
                    JsonArray lines = json instanceof JsonArray array ? array : new JsonArray(String.valueOf(json));
                    int count = 0;
                    for (int i = 0; i < lines.size(); i++) {
                        JsonObject line = lines.getJsonObject(i);
                        int quantity = line.getInteger("quantity");
                        count += quantity;
                        checkout.addItems(CartLine.newBuilder()
                            .setProductId(line.getString("product_id"))
                            .setName(nullToEmpty(line.getString("product_name")))
                            .setCategoryId(nullToEmpty(line.getString("category_id")))
                            .setQuantity(quantity)
                            .setUnitPrice(money(minor(new BigDecimal(line.getValue("unit_price").toString())), currency))
                            .setSubtotal(money(minor(new BigDecimal(line.getValue("line_subtotal").toString())), currency))
                            .setDiscount(money(0, currency))
                            .setTax(money(0, currency))
                            .setTotal(money(minor(new BigDecimal(line.getValue("line_total").toString())), currency)));
                    }
                    checkout.getTotalsBuilder().setItemCount(count);
                    String method = row.getString("shipping_method");
                    if (method != null) {
                        checkout.setShippingMethod(ShippingMethod.newBuilder().setShippingMethodId(method).setName(method)
                            .setPrice(money(minor(row.getBigDecimal("shipping_cost")), currency)));
                    }
                    for (Row a : addresses) {
                        checkout.setShippingAddress(Address.newBuilder()
                            .setName(a.getString("full_name"))
                            .setLine1(a.getString("address_line1"))
                            .setLine2(nullToEmpty(a.getString("address_line2")))
                            .setCity(a.getString("city"))
                            .setRegion(nullToEmpty(a.getString("state")))
                            .setPostalCode(nullToEmpty(a.getString("zip_code")))
                            .setCountryCode(a.getString("country").toUpperCase(java.util.Locale.ROOT))
                            .setPhone(nullToEmpty(a.getString("phone"))));
                    }
                    return checkout.build();
                });
        });
    }

    static CheckoutStatus status(String legacy) {
        return switch (legacy) {
            case "PENDING" -> CheckoutStatus.CHECKOUT_STATUS_OPEN;
            case "PROCESSING" -> CheckoutStatus.CHECKOUT_STATUS_CONFIRMING;
            case "COMPLETED" -> CheckoutStatus.CHECKOUT_STATUS_COMPLETED;
            case "FAILED" -> CheckoutStatus.CHECKOUT_STATUS_FAILED;
            case "EXPIRED" -> CheckoutStatus.CHECKOUT_STATUS_EXPIRED;
            default -> CheckoutStatus.CHECKOUT_STATUS_UNSPECIFIED;
        };
    }
}
