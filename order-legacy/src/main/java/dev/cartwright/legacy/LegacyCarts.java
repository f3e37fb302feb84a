package dev.cartwright.legacy;

import static dev.cartwright.legacy.LegacyMoney.decimal;
import static dev.cartwright.legacy.LegacyMoney.minor;
import static dev.cartwright.legacy.LegacyMoney.money;

import com.google.protobuf.Timestamp;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartLine;
import dev.cartwright.proto.checkout.v1.CartServiceService;
import dev.cartwright.proto.checkout.v1.CartStatus;
import dev.cartwright.proto.checkout.v1.CartTotals;
import dev.cartwright.proto.checkout.v1.ClearCartRequest;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.proto.checkout.v1.RemoveItemRequest;
import dev.cartwright.proto.checkout.v1.UpdateItemRequest;
import dev.cartwright.proto.platform.v1.GetPricesRequest;
import dev.cartwright.proto.platform.v1.PricingServiceGrpcClient;
import dev.cartwright.proto.platform.v1.ProductPrice;
import dev.cartwright.service.grpc.RpcError;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;

/**
 * The Order service's own cart endpoints, as the monolith served them before the split: carts and cart_items in
 * order_db's legacy schema (UUID strings, numeric(12,2) prices, upper-case statuses), prices from the pricing
 * service at the moment an item is added, totals without tax or shipping (the monolith added those at checkout).
 * Every change bumps the cart's version inside one transaction that holds the cart's row lock, so two changes to one
 * cart never lose each other and an expected_version guards a change as on the new side.
 */
final class LegacyCarts extends CartServiceService {

    private final Pool pool;
    private final PricingServiceGrpcClient pricing;

    LegacyCarts(Pool pool, PricingServiceGrpcClient pricing) {
        this.pool = pool;
        this.pricing = pricing;
    }

    @Override
    public Future<Cart> createCart(CreateCartRequest request) {
        String currency = request.getCurrencyCode().isEmpty() ? "USD" : request.getCurrencyCode().toUpperCase(Locale.ROOT);
        if (currency.length() != 3) {
            return invalid("currency_code", "must be an ISO 4217 code, was '" + request.getCurrencyCode() + "'");
        }
        String id = UUID.randomUUID().toString();
        return pool.withTransaction(tx -> tx.preparedQuery(
                "INSERT INTO carts (id, customer_id, currency_code, region_code, version) VALUES ($1, $2, $3, $4, 1)")
            .execute(Tuple.of(id, emptyToNull(request.getCustomerId()), currency, emptyToNull(request.getRegion())))
            .compose(done -> load(tx, id)));
    }

    @Override
    public Future<Cart> getCart(GetCartRequest request) {
        return pool.withConnection(c -> load(c, request.getCartId()));
    }

    @Override
    public Future<Cart> addItem(AddItemRequest request) {
        if (request.getQuantity() <= 0) {
            return invalid("quantity", "must be > 0, was " + request.getQuantity());
        }
        if (request.getProductId().isEmpty()) {
            return invalid("product_id", "is required");
        }
        return priceOf(request.getProductId()).compose(price -> change(request.getCartId(),
            request.hasExpectedVersion() ? request.getExpectedVersion() : null,
            tx -> tx.preparedQuery("INSERT INTO cart_items (cart_id, product_id, quantity, unit_price, currency_code) "
                    + "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (cart_id, product_id) "
                    + "DO UPDATE SET quantity = cart_items.quantity + EXCLUDED.quantity")
                .execute(Tuple.of(request.getCartId(), request.getProductId(), request.getQuantity(),
                    decimal(price.getUnitPrice().getAmountMinor()), price.getUnitPrice().getCurrencyCode()))
                .mapEmpty()));
    }

    @Override
    public Future<Cart> updateItem(UpdateItemRequest request) {
        if (request.getQuantity() < 0) {
            return invalid("quantity", "must be >= 0, was " + request.getQuantity());
        }
        Long expected = request.hasExpectedVersion() ? request.getExpectedVersion() : null;
        if (request.getQuantity() == 0) {
            return removeLine(request.getCartId(), request.getProductId(), expected);
        }
        return change(request.getCartId(), expected, tx -> tx.preparedQuery(
                "UPDATE cart_items SET quantity = $3 WHERE cart_id = $1 AND product_id = $2")
            .execute(Tuple.of(request.getCartId(), request.getProductId(), request.getQuantity()))
            .compose(rows -> rows.rowCount() == 0
                ? Future.failedFuture(RpcError.notFound("NO_SUCH_LINE", "product " + request.getProductId()
                        + " is not in the cart"))
                : Future.succeededFuture()));
    }

    @Override
    public Future<Cart> removeItem(RemoveItemRequest request) {
        return removeLine(request.getCartId(), request.getProductId(), request.hasExpectedVersion() ? request.getExpectedVersion() : null);
    }

    @Override
    public Future<Cart> clearCart(ClearCartRequest request) {
        return change(request.getCartId(), request.hasExpectedVersion() ? request.getExpectedVersion() : null,
            tx -> tx.preparedQuery("DELETE FROM cart_items WHERE cart_id = $1").execute(Tuple.of(request.getCartId())).mapEmpty());
    }

    private Future<Cart> removeLine(String cartId, String productId, Long expected) {
        return change(cartId, expected, tx -> tx.preparedQuery("DELETE FROM cart_items WHERE cart_id = $1 AND product_id = $2")
            .execute(Tuple.of(cartId, productId)).mapEmpty());
    }

    /** Locks the cart, checks it is active (and at the expected version), applies the change, bumps the version. */
    private Future<Cart> change(String cartId, Long expectedVersion, Function<SqlClient, Future<Void>> edit) {
        if (cartId.isEmpty()) {
            return invalid("cart_id", "is required");
        }
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT status, version FROM carts WHERE id = $1 FOR UPDATE")
            .execute(Tuple.of(cartId))
            .compose(rows -> {
                if (rows.size() == 0) {
                    return Future.failedFuture(RpcError.notFound("CART_NOT_FOUND", "no cart " + cartId));
                }
                Row row = rows.iterator().next();
                if (!"ACTIVE".equals(row.getString("status"))) {
                    return Future.failedFuture(RpcError.failedPrecondition("CART_NOT_ACTIVE", "carts/" + cartId,
                        "cart " + cartId + " is " + row.getString("status").toLowerCase(Locale.ROOT)));
                }
                if (expectedVersion != null && expectedVersion != row.getInteger("version").longValue()) {
                    // FAILED_PRECONDITION as the Order service always answered (the Checkout Service: ABORTED), the same reason.
                    return Future.failedFuture(RpcError.failedPrecondition("STALE_VERSION", "carts/" + cartId,
                        "cart " + cartId + " is at version " + row.getInteger("version") + ", not " + expectedVersion)
                        .with("current_version", Integer.toString(row.getInteger("version"))));
                }
                return edit.apply(tx);
            })
            .compose(edited -> tx.preparedQuery("UPDATE carts SET version = version + 1, updated_at = $2, last_activity_at = $2 "
                + "WHERE id = $1").execute(Tuple.of(cartId, now())))
            .compose(updated -> load(tx, cartId)));
    }

    private Future<ProductPrice> priceOf(String productId) {
        return pricing.getPrices(GetPricesRequest.newBuilder().addProductIds(productId).build())
            .recover(e -> Future.failedFuture(RpcError.unavailable("DEPENDENCY_UNAVAILABLE", "pricing unavailable: " + e.getMessage())
                .with("neighbour", "pricing")))
            .compose(reply -> reply.getPricesCount() == 0
                ? Future.failedFuture(RpcError.notFound("PRODUCT_NOT_FOUND", "no product " + productId))
                : Future.succeededFuture(reply.getPrices(0)));
    }

    /** The cart as a client sees it, read inside the caller's connection or transaction. */
    static Future<Cart> load(SqlClient client, String cartId) {
        return client.preparedQuery("SELECT * FROM carts WHERE id = $1").execute(Tuple.of(cartId)).compose(carts -> {
            if (carts.size() == 0) {
                return Future.failedFuture(RpcError.notFound("CART_NOT_FOUND", "no cart " + cartId));
            }
            Row cart = carts.iterator().next();
            String currency = cart.getString("currency_code");
            return client.preparedQuery("SELECT product_id, category_id, product_name, quantity, unit_price FROM cart_items "
                    + "WHERE cart_id = $1 ORDER BY id").execute(Tuple.of(cartId))
                .map(items -> {
                    Cart.Builder builder = Cart.newBuilder()
                        .setCartId(cartId)
                        .setCustomerId(nullToEmpty(cart.getString("customer_id")))
                        .setStatus(status(cart.getString("status")))
                        .setVersion(cart.getInteger("version"))
                        .setCurrencyCode(currency)
                        .setRegion(nullToEmpty(cart.getString("region_code")))
                        .setCreatedAt(timestamp(cart.getLocalDateTime("created_at")))
                        .setUpdatedAt(timestamp(cart.getLocalDateTime("updated_at")))
                        .setMergedIntoCartId(nullToEmpty(cart.getString("merged_into_id")));
                    long subtotal = 0;
                    int count = 0;
                    for (Row item : items) {
                        long unit = minor(item.getBigDecimal("unit_price"));
                        int quantity = item.getInteger("quantity");
                        long line = Math.multiplyExact(unit, quantity);
                        subtotal = Math.addExact(subtotal, line);
                        count += quantity;
                        builder.addItems(CartLine.newBuilder()
                            .setProductId(item.getString("product_id"))
                            .setName(nullToEmpty(item.getString("product_name")))
                            .setCategoryId(nullToEmpty(item.getString("category_id")))
                            .setQuantity(quantity)
                            .setUnitPrice(money(unit, currency))
                            .setSubtotal(money(line, currency))
                            .setDiscount(money(0, currency))
                            .setTax(money(0, currency))
                            .setTotal(money(line, currency)));
                    }
                    builder.setTotals(CartTotals.newBuilder()
                        .setSubtotal(money(subtotal, currency))
                        .setDiscount(money(0, currency))
                        .setShipping(money(0, currency))
                        .setTax(money(0, currency))
                        .setGrandTotal(money(subtotal, currency))
                        .setItemCount(count));
                    return builder.build();
                });
        });
    }

    static CartStatus status(String legacy) {
        return switch (legacy) {
            case "ACTIVE" -> CartStatus.CART_STATUS_ACTIVE;
            case "MERGED" -> CartStatus.CART_STATUS_MERGED;
            case "CONVERTED" -> CartStatus.CART_STATUS_CONVERTED;
            case "ABANDONED" -> CartStatus.CART_STATUS_ABANDONED;
            default -> CartStatus.CART_STATUS_UNSPECIFIED;
        };
    }

    static LocalDateTime now() {
        return LocalDateTime.now(ZoneOffset.UTC);
    }

    static Timestamp timestamp(LocalDateTime utc) {
        if (utc == null) {
            return Timestamp.getDefaultInstance();
        }
        var instant = utc.toInstant(ZoneOffset.UTC);
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    /** INVALID_ARGUMENT naming {@code field}; the message is {@code field + " " + problem}. */
    static <T> Future<T> invalid(String field, String problem) {
        return Future.failedFuture(RpcError.invalidField(field, problem));
    }

    /** INVALID_ARGUMENT naming {@code field}, with a message worded apart. */
    static <T> Future<T> invalid(String field, String problem, String message) {
        return Future.failedFuture(RpcError.invalidField(field, problem, message));
    }
}
