package dev.cartwright.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.checkout.CheckoutHarness.Reply;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.ApplyPromotionRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CartStatus;
import dev.cartwright.proto.checkout.v1.CheckoutServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.ClearCartRequest;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.proto.checkout.v1.MergeCartsRequest;
import dev.cartwright.proto.checkout.v1.RemoveItemRequest;
import dev.cartwright.proto.checkout.v1.RemovePromotionRequest;
import dev.cartwright.proto.checkout.v1.StartCheckoutRequest;
import dev.cartwright.proto.checkout.v1.UpdateItemRequest;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every CartService RPC against the real stack, through the generated Vert.x gRPC client (and once over HTTP/JSON):
 * the happy paths, concurrent changes to one cart, idempotent retries, stale versions and bad input.
 */
@ExtendWith(RealServices.class)
class CartServiceIT {

    private static CheckoutHarness harness;
    private static RedisInfo redis;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        harness = CheckoutHarness.start(postgres, redis, kafka, Map.of());
        CartServiceIT.redis = redis;
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    private static String uniqueCustomer() {
        return "c-" + UUID.randomUUID().toString().substring(0, 12);
    }

    private static Cart ok(Reply<Cart> reply) {
        assertThat(reply.status()).as("status of the call (%s)", reply.message()).isEqualTo(GrpcStatus.OK);
        return reply.body();
    }

    private static Cart newCart(String customerId) {
        return ok(harness.callNow(CartServiceGrpcClient.CreateCart, CreateCartRequest.newBuilder().setCustomerId(customerId).build()));
    }

    private static Reply<Cart> add(String cartId, String productId, int quantity) {
        return harness.callNow(CartServiceGrpcClient.AddItem,
            AddItemRequest.newBuilder().setCartId(cartId).setProductId(productId).setQuantity(quantity).build());
    }

    private static Cart get(String cartId) {
        return ok(harness.callNow(CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId(cartId).build()));
    }

    @Test
    void everyCartRpcWorksThroughTheGeneratedClient() {
        String customer = uniqueCustomer();
        Cart created = newCart(customer);
        assertThat(created.getCustomerId()).isEqualTo(customer);
        assertThat(created.getStatus()).isEqualTo(CartStatus.CART_STATUS_ACTIVE);
        assertThat(created.getCurrencyCode()).isEqualTo("USD");
        String cartId = created.getCartId();
        assertThat(newCart(customer).getCartId()).as("a customer has one active cart").isEqualTo(cartId);

        long price456 = harness.sim.pricing().priceOf("456");
        Cart added = ok(add(cartId, "456", 2));
        assertThat(added.getItemsList()).hasSize(1);
        assertThat(added.getItems(0).getQuantity()).isEqualTo(2);
        assertThat(added.getItems(0).getUnitPrice().getAmountMinor()).isEqualTo(price456);
        assertThat(added.getItems(0).getName()).isNotEmpty();
        assertThat(added.getTotals().getSubtotal().getAmountMinor()).isEqualTo(2 * price456);
        assertThat(added.getTotals().getItemCount()).isEqualTo(2);
        assertThat(added.getVersion()).isEqualTo(created.getVersion() + 1);

        ok(add(cartId, "123", 1));
        Cart updated = ok(harness.callNow(CartServiceGrpcClient.UpdateItem,
            UpdateItemRequest.newBuilder().setCartId(cartId).setProductId("456").setQuantity(5).build()));
        assertThat(updated.getItemsList()).filteredOn(l -> l.getProductId().equals("456")).singleElement()
            .satisfies(l -> assertThat(l.getQuantity()).isEqualTo(5));

        Cart removed = ok(harness.callNow(CartServiceGrpcClient.RemoveItem,
            RemoveItemRequest.newBuilder().setCartId(cartId).setProductId("123").build()));
        assertThat(removed.getItemsList()).extracting(l -> l.getProductId()).containsExactly("456");

        Cart promoted = ok(harness.callNow(CartServiceGrpcClient.ApplyPromotion,
            ApplyPromotionRequest.newBuilder().setCartId(cartId).setCode("save10").build()));
        assertThat(promoted.getPromotionsList()).singleElement().satisfies(p -> {
            assertThat(p.getCode()).isEqualTo("SAVE10");
            assertThat(p.getActive()).isTrue();
            assertThat(p.getDiscount().getAmountMinor()).isEqualTo(Math.round(5 * price456 * 0.10));
        });
        assertThat(promoted.getTotals().getDiscount().getAmountMinor()).isPositive();

        Reply<Cart> expired = harness.callNow(CartServiceGrpcClient.ApplyPromotion,
            ApplyPromotionRequest.newBuilder().setCartId(cartId).setCode("EXPIRED2020").build());
        assertThat(expired.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(expired.message()).contains("EXPIRED");
        assertThat(expired.details().errorInfo().getReason()).isEqualTo("PROMOTION_REJECTED");
        assertThat(expired.details().errorInfo().getMetadataMap()).containsKey("rejection");
        assertThat(expired.details().preconditionViolations()).singleElement()
            .satisfies(v -> assertThat(v.getSubject()).isEqualTo("promotions/EXPIRED2020"));

        Cart unpromoted = ok(harness.callNow(CartServiceGrpcClient.RemovePromotion,
            RemovePromotionRequest.newBuilder().setCartId(cartId).setCode("SAVE10").build()));
        assertThat(unpromoted.getPromotionsList()).isEmpty();
        assertThat(unpromoted.getTotals().getDiscount().getAmountMinor()).isZero();

        Cart cleared = ok(harness.callNow(CartServiceGrpcClient.ClearCart, ClearCartRequest.newBuilder().setCartId(cartId).build()));
        assertThat(cleared.getItemsList()).isEmpty();
        assertThat(cleared.getTotals().getGrandTotal().getAmountMinor()).isZero();
        assertThat(get(cartId).getVersion()).isEqualTo(cleared.getVersion());

        // A guest cart folds into the customer's cart at login.
        Cart guest = newCart("");
        assertThat(guest.getCustomerId()).isEmpty();
        ok(add(guest.getCartId(), "456", 3));
        Cart merged = ok(harness.callNow(CartServiceGrpcClient.MergeCarts,
            MergeCartsRequest.newBuilder().setSourceCartId(guest.getCartId()).setCustomerId(customer).build()));
        assertThat(merged.getCartId()).isEqualTo(cartId);
        assertThat(merged.getItemsList()).singleElement().satisfies(l -> assertThat(l.getQuantity()).isEqualTo(3));
        Cart source = get(guest.getCartId());
        assertThat(source.getStatus()).isEqualTo(CartStatus.CART_STATUS_MERGED);
        assertThat(source.getMergedIntoCartId()).isEqualTo(cartId);
        Cart mergedAgain = ok(harness.callNow(CartServiceGrpcClient.MergeCarts,
            MergeCartsRequest.newBuilder().setSourceCartId(guest.getCartId()).setCustomerId(customer).build()));
        assertThat(mergedAgain.getItemsList()).singleElement().satisfies(l -> assertThat(l.getQuantity()).isEqualTo(3));
    }

    @Test
    void productsTheShopCannotSellAreRefusedAndNothingIsWritten() {
        Cart cart = newCart(uniqueCustomer());
        Reply<Cart> unknown = add(cart.getCartId(), "99999999", 1);
        assertThat(unknown.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(unknown.details().errorInfo().getReason()).isEqualTo("PRODUCT_NOT_FOUND");
        Reply<Cart> unsellable = add(cart.getCartId(), "997", 1);
        assertThat(unsellable.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(unsellable.message()).contains("not sellable");
        assertThat(unsellable.details().errorInfo().getReason()).isEqualTo("PRODUCT_NOT_SELLABLE");
        Reply<Cart> noStock = add(cart.getCartId(), "499", 1);
        assertThat(noStock.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(noStock.message()).contains("out of stock");
        assertThat(noStock.details().errorInfo().getReason()).isEqualTo("OUT_OF_STOCK");
        assertThat(noStock.details().preconditionViolations()).singleElement()
            .satisfies(v -> assertThat(v.getSubject()).isEqualTo("products/499"));
        Reply<Cart> noCart = add("no-such-cart", "456", 1);
        assertThat(noCart.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(noCart.details().errorInfo().getReason()).isEqualTo("CART_NOT_FOUND");
        assertThat(get(cart.getCartId()).getVersion()).isEqualTo(cart.getVersion());
    }

    @Test
    void twoHundredConcurrentAddsToOneCartLoseNoUpdate() {
        Cart cart = newCart(uniqueCustomer());
        List<Future<Reply<Cart>>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(harness.call(CartServiceGrpcClient.AddItem,
                AddItemRequest.newBuilder().setCartId(cart.getCartId()).setProductId("456").setQuantity(1).build(), null));
        }
        CheckoutHarness.await(Future.all(new ArrayList<>(calls)));
        List<Long> versions = new ArrayList<>();
        for (Future<Reply<Cart>> call : calls) {
            versions.add(ok(call.result()).getVersion());
        }
        assertThat(versions).doesNotHaveDuplicates().hasSize(200);
        Cart after = get(cart.getCartId());
        assertThat(after.getItems(0).getQuantity()).isEqualTo(200);
        assertThat(after.getVersion()).isEqualTo(cart.getVersion() + 200);
    }

    @Test
    void aRetriedRequestWithTheSameIdempotencyKeyAppliesOnce() {
        Cart cart = newCart(uniqueCustomer());
        AddItemRequest request = AddItemRequest.newBuilder().setCartId(cart.getCartId()).setProductId("456").setQuantity(2)
            .setIdempotencyKey("retry-" + UUID.randomUUID()).build();
        Cart first = ok(harness.callNow(CartServiceGrpcClient.AddItem, request));
        Cart second = ok(harness.callNow(CartServiceGrpcClient.AddItem, request));
        assertThat(second.getVersion()).isEqualTo(first.getVersion());
        assertThat(second.getItems(0).getQuantity()).isEqualTo(2);
        assertThat(get(cart.getCartId()).getItems(0).getQuantity()).isEqualTo(2);
    }

    @Test
    void theSameKeyWithAnotherRequestIsRefusedAndChangesNothing() {
        // Failed before keys carried a fingerprint: the second request was answered with the first one's cart.
        Cart cart = newCart(uniqueCustomer());
        String key = "reused-" + UUID.randomUUID();
        Cart first = ok(harness.callNow(CartServiceGrpcClient.AddItem, AddItemRequest.newBuilder().setCartId(cart.getCartId())
            .setProductId("456").setQuantity(2).setIdempotencyKey(key).build()));

        Reply<Cart> other = harness.callNow(CartServiceGrpcClient.AddItem, AddItemRequest.newBuilder().setCartId(cart.getCartId())
            .setProductId("123").setQuantity(1).setIdempotencyKey(key).build());
        Reply<Cart> otherRpc = harness.callNow(CartServiceGrpcClient.ClearCart, ClearCartRequest.newBuilder()
            .setCartId(cart.getCartId()).setIdempotencyKey(key).build());

        assertThat(other.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(other.message()).contains("key reused with different parameters");
        assertThat(otherRpc.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        Cart now = get(cart.getCartId());
        assertThat(now.getVersion()).isEqualTo(first.getVersion());
        assertThat(now.getItemsList()).extracting(l -> l.getProductId() + "x" + l.getQuantity()).containsExactly("456x2");
    }

    @Test
    void aClientKeyIsNeverStoredAsOneOfTheServicesOwnKeys() {
        // Failed before client keys were scoped: an AddItem sent with the key "<checkout>:convert" was remembered under
        // exactly the key the saga's MarkConverted uses, which would then have been answered with the AddItem's reply.
        Cart cart = newCart(uniqueCustomer());
        String sagaKey = "chk-" + UUID.randomUUID() + ":convert";
        ok(harness.callNow(CartServiceGrpcClient.AddItem, AddItemRequest.newBuilder().setCartId(cart.getCartId())
            .setProductId("123").setQuantity(1).setIdempotencyKey(sagaKey).build()));

        Redis client = Redis.createClient(harness.clientVertx, redis.url());
        try {
            Response stored = CheckoutHarness.await(client.send(Request.cmd(Command.EXISTS)
                .arg(redis.keyPrefix() + "{cart:" + cart.getCartId() + "}:idem:" + sagaKey)));
            assertThat(stored.toInteger()).isZero();
        } finally {
            CheckoutHarness.await(client.close());
        }
    }

    @Test
    void aStaleExpectedVersionIsAbortedAndChangesNothing() {
        Cart cart = newCart(uniqueCustomer());
        Cart added = ok(add(cart.getCartId(), "456", 1));
        Reply<Cart> stale = harness.callNow(CartServiceGrpcClient.AddItem, AddItemRequest.newBuilder().setCartId(cart.getCartId())
            .setProductId("456").setQuantity(1).setExpectedVersion(cart.getVersion()).build());
        assertThat(stale.status()).isEqualTo(GrpcStatus.ABORTED);
        assertThat(stale.message()).contains("stale version").contains("expected " + cart.getVersion())
            .contains("current " + added.getVersion());
        Cart current = ok(harness.callNow(CartServiceGrpcClient.AddItem, AddItemRequest.newBuilder().setCartId(cart.getCartId())
            .setProductId("456").setQuantity(1).setExpectedVersion(added.getVersion()).build()));
        assertThat(current.getItems(0).getQuantity()).isEqualTo(2);
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndTheCartStaysAsItWas() {
        Cart cart = newCart(uniqueCustomer());
        Cart before = ok(add(cart.getCartId(), "456", 1));
        record Case(AddItemRequest request, String field) {
        }
        List<Case> cases = List.of(
            new Case(AddItemRequest.newBuilder().setCartId(cart.getCartId()).setProductId("456").setQuantity(0).build(), "quantity"),
            new Case(AddItemRequest.newBuilder().setCartId(cart.getCartId()).setProductId("456").setQuantity(1000).build(), "quantity"),
            new Case(AddItemRequest.newBuilder().setCartId(cart.getCartId()).setProductId("45 6").setQuantity(1).build(), "product_id"),
            new Case(AddItemRequest.newBuilder().setCartId(cart.getCartId()).setProductId("").setQuantity(1).build(), "product_id"),
            new Case(AddItemRequest.newBuilder().setCartId("").setProductId("456").setQuantity(1).build(), "cart_id"),
            new Case(AddItemRequest.newBuilder().setCartId(cart.getCartId()).setProductId("456").setQuantity(1)
                .setIdempotencyKey("no spaces please").build(), "idempotency_key"),
            new Case(AddItemRequest.newBuilder().setCartId(cart.getCartId()).setProductId("456").setQuantity(1)
                .setExpectedVersion(0).build(), "expected_version"));
        for (Case c : cases) {
            Reply<Cart> reply = harness.callNow(CartServiceGrpcClient.AddItem, c.request());
            assertThat(reply.status()).as("%s", c.request()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
            assertThat(reply.message()).as("message names the field").startsWith(c.field());
            assertThat(reply.details().fieldViolations()).as("BadRequest names the field").containsExactly(c.field());
        }
        Reply<Cart> badCode = harness.callNow(CartServiceGrpcClient.ApplyPromotion,
            ApplyPromotionRequest.newBuilder().setCartId(cart.getCartId()).setCode("TOO-LONG-" + "X".repeat(40)).build());
        assertThat(badCode.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(badCode.message()).startsWith("code");
        Reply<Cart> badCurrency = harness.callNow(CartServiceGrpcClient.CreateCart,
            CreateCartRequest.newBuilder().setCustomerId(uniqueCustomer()).setCurrencyCode("EURO").build());
        assertThat(badCurrency.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(badCurrency.message()).startsWith("currency_code");
        Cart after = get(cart.getCartId());
        assertThat(after.getVersion()).isEqualTo(before.getVersion());
        assertThat(after.getItems(0).getQuantity()).isEqualTo(1);
    }

    @Test
    void theWriteBehindStoresEachCartsNewestVersionInPostgres() throws Exception {
        Cart cart = newCart(uniqueCustomer());
        ok(add(cart.getCartId(), "456", 2));
        Cart last = ok(add(cart.getCartId(), "123", 1));
        long stored = -1;
        int storedLines = -1;
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        try (java.sql.Connection db = harness.postgres.connect(harness.schema)) {
            while (stored < last.getVersion() && System.nanoTime() < deadline) {
                try (java.sql.PreparedStatement q = db.prepareStatement(
                    "SELECT c.version, (SELECT count(*) FROM cart_items i WHERE i.cart_id = c.cart_id) FROM carts c WHERE c.cart_id = ?")) {
                    q.setString(1, cart.getCartId());
                    try (java.sql.ResultSet rs = q.executeQuery()) {
                        if (rs.next()) {
                            stored = rs.getLong(1);
                            storedLines = rs.getInt(2);
                        }
                    }
                }
                if (stored < last.getVersion()) {
                    Thread.sleep(100);
                }
            }
        }
        assertThat(stored).isEqualTo(last.getVersion());
        assertThat(storedLines).isEqualTo(2);
    }

    @Test
    void checkoutOfACartThatDoesNotExistIsNotFound() {
        Reply<?> reply = harness.callNow(CheckoutServiceGrpcClient.StartCheckout,
            StartCheckoutRequest.newBuilder().setCartId("no-such-cart").build());
        assertThat(reply.status()).isEqualTo(GrpcStatus.NOT_FOUND);
    }

    @Test
    void theSameMethodsAnswerOverHttpJson() {
        HttpClient http = harness.clientVertx.createHttpClient();
        try {
            RequestOptions create = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                .setPort(harness.service.grpcPort()).setURI("/v1/carts");
            JsonObject created = harness.exchange(() -> http.request(create)
                .compose(req -> req.send(Buffer.buffer("{\"customer_id\":\"" + uniqueCustomer() + "\"}")))
                .compose(resp -> {
                    assertThat(resp.statusCode()).isEqualTo(200);
                    return resp.body();
                })
                .map(Buffer::toJsonObject));
            String cartId = created.getString("cartId");
            assertThat(cartId).isNotBlank();
            RequestOptions addItem = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                .setPort(harness.service.grpcPort()).setURI("/v1/carts/" + cartId + "/items")
                .putHeader("content-type", "application/json");
            JsonObject added = harness.exchange(() -> http.request(addItem)
                .compose(req -> req.send(Buffer.buffer("{\"product_id\":\"456\",\"quantity\":2}")))
                .compose(resp -> resp.body())
                .map(Buffer::toJsonObject));
            assertThat(added.getJsonArray("items").getJsonObject(0).getInteger("quantity")).isEqualTo(2);
            assertThat(get(cartId).getItems(0).getQuantity()).isEqualTo(2);
        } finally {
            CheckoutHarness.await(http.close());
        }
    }
}
