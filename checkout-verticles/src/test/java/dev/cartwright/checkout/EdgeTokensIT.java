package dev.cartwright.checkout;

import static dev.cartwright.checkout.CheckoutFlows.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.checkout.CheckoutHarness.Reply;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.Checkout;
import dev.cartwright.proto.checkout.v1.CheckoutServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.ClearCartRequest;
import dev.cartwright.proto.checkout.v1.ConfirmCheckoutRequest;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.proto.checkout.v1.GetCheckoutRequest;
import dev.cartwright.proto.checkout.v1.RemoveItemRequest;
import dev.cartwright.proto.checkout.v1.StartCheckoutRequest;
import dev.cartwright.proto.checkout.v1.UpdateItemRequest;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Checkout Service's real endpoint in jwt mode, attacked with tokens that must not work: expired, for another
 * audience, from another issuer, without an expiry, {@code alg: none}, signed with the wrong key, and a valid token of
 * another customer. Every cart and checkout RPC against Alice's cart and checkout, over gRPC and HTTP/JSON, has zero
 * successes, and her cart and checkout are exactly as they were.
 */
@ExtendWith(RealServices.class)
class EdgeTokensIT {

    private static final String KEY = "edge-" + UUID.randomUUID() + "-" + UUID.randomUUID();
    private static final String ISSUER = "https://id.cartwright.test";
    private static final String AUDIENCE = "cartwright-api";
    private static CheckoutHarness harness;
    private static CheckoutFlows flows;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        harness = CheckoutHarness.start(postgres, redis, kafka, Map.of("CARTWRIGHT_AUTH_MODE", "jwt", "CARTWRIGHT_JWT_KEY", KEY,
            "CARTWRIGHT_JWT_ISSUER", ISSUER, "CARTWRIGHT_JWT_AUDIENCE", AUDIENCE,
            "CARTWRIGHT_CHECKOUT_EVENTS_TOPIC", kafka.createTopic("checkout_events")));
        flows = new CheckoutFlows(harness, kafka);
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    private static JsonObject claims(String subject) {
        long now = Instant.now().getEpochSecond();
        return new JsonObject().put("sub", subject).put("iss", ISSUER).put("aud", AUDIENCE).put("iat", now).put("exp", now + 600);
    }

    @Test
    void noBadTokenAndNoOtherCustomersTokenGetsOneCallThrough() throws Exception {
        String alice = CheckoutFlows.uniqueCustomer("alice");
        String aliceToken = hs256(KEY, claims(alice));
        Cart cart = flows.cartWith(alice, aliceToken, Map.of("456", 1, "457", 2));
        Checkout checkout = ok(flows.start(cart.getCartId(), aliceToken));
        Cart before = ok(harness.callNow(CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId(cart.getCartId()).build(),
            aliceToken));

        long now = Instant.now().getEpochSecond();
        JsonObject asAlice = claims(alice);
        JsonObject asStaff = claims("support-9").put("roles", new JsonArray().add("staff"));
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("expired", hs256(KEY, asAlice.copy().put("iat", now - 7200).put("exp", now - 3600)));
        tokens.put("wrong audience", hs256(KEY, asStaff.copy().put("aud", "another-api")));
        tokens.put("wrong issuer", hs256(KEY, asStaff.copy().put("iss", "https://issuer.example")));
        tokens.put("no exp", hs256(KEY, without(asStaff, "exp")));
        tokens.put("no aud", hs256(KEY, without(asStaff, "aud")));
        tokens.put("alg none", unsigned(asStaff));
        tokens.put("wrong key", hs256("not-the-key-but-just-as-long-" + UUID.randomUUID(), asStaff));
        tokens.put("another customer", hs256(KEY, claims(CheckoutFlows.uniqueCustomer("bob"))));

        List<String> successes = new ArrayList<>();
        for (Map.Entry<String, String> token : tokens.entrySet()) {
            for (Map.Entry<String, Function<String, Reply<?>>> call : calls(alice, cart.getCartId(), checkout.getCheckoutId()).entrySet()) {
                Reply<?> reply = call.getValue().apply(token.getValue());
                if (reply.ok()) {
                    successes.add(token.getKey() + ": " + call.getKey());
                }
                if (!token.getKey().equals("another customer")) {
                    assertThat(reply.status()).as("%s: %s", token.getKey(), call.getKey()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
                }
            }
            for (String path : List.of("/v1/carts/" + cart.getCartId(), "/v1/checkouts/" + checkout.getCheckoutId())) {
                int status = httpJson(HttpMethod.GET, path, null, token.getValue());
                assertThat(status).as("%s: GET %s", token.getKey(), path).isIn(401, 404);
            }
            int cleared = httpJson(HttpMethod.POST, "/v1/carts/" + cart.getCartId() + "/clear", "{}", token.getValue());
            assertThat(cleared).as("%s: clear over HTTP/JSON", token.getKey()).isIn(401, 404);
        }

        assertThat(successes).isEmpty();
        Cart after = ok(harness.callNow(CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId(cart.getCartId()).build(),
            aliceToken));
        assertThat(after.getVersion()).isEqualTo(before.getVersion());
        assertThat(after.getItemsList()).isEqualTo(before.getItemsList());
        assertThat(flows.checkoutsOfCart(cart.getCartId())).isEqualTo(1);
        Checkout still = ok(harness.callNow(CheckoutServiceGrpcClient.GetCheckout,
            GetCheckoutRequest.newBuilder().setCheckoutId(checkout.getCheckoutId()).build(), aliceToken));
        assertThat(still.getStatus()).isEqualTo(checkout.getStatus());
        assertThat(still.getVersion()).isEqualTo(checkout.getVersion());
    }

    /** Every cart and checkout RPC aimed at Alice's cart and checkout, by name, for a token. */
    private static Map<String, Function<String, Reply<?>>> calls(String alice, String cartId, String checkoutId) {
        Map<String, Function<String, Reply<?>>> calls = new LinkedHashMap<>();
        calls.put("GetCart", t -> harness.callNow(CartServiceGrpcClient.GetCart,
            GetCartRequest.newBuilder().setCartId(cartId).build(), t));
        calls.put("AddItem", t -> harness.callNow(CartServiceGrpcClient.AddItem,
            AddItemRequest.newBuilder().setCartId(cartId).setProductId("458").setQuantity(3).build(), t));
        calls.put("UpdateItem", t -> harness.callNow(CartServiceGrpcClient.UpdateItem,
            UpdateItemRequest.newBuilder().setCartId(cartId).setProductId("456").setQuantity(9).build(), t));
        calls.put("RemoveItem", t -> harness.callNow(CartServiceGrpcClient.RemoveItem,
            RemoveItemRequest.newBuilder().setCartId(cartId).setProductId("457").build(), t));
        calls.put("ClearCart", t -> harness.callNow(CartServiceGrpcClient.ClearCart,
            ClearCartRequest.newBuilder().setCartId(cartId).build(), t));
        calls.put("CreateCart for Alice", t -> harness.callNow(CartServiceGrpcClient.CreateCart,
            CreateCartRequest.newBuilder().setCustomerId(alice).build(), t));
        calls.put("StartCheckout", t -> harness.callNow(CheckoutServiceGrpcClient.StartCheckout,
            StartCheckoutRequest.newBuilder().setCartId(cartId).build(), t));
        calls.put("GetCheckout", t -> harness.callNow(CheckoutServiceGrpcClient.GetCheckout,
            GetCheckoutRequest.newBuilder().setCheckoutId(checkoutId).build(), t));
        calls.put("ConfirmCheckout", t -> harness.callNow(CheckoutServiceGrpcClient.ConfirmCheckout,
            ConfirmCheckoutRequest.newBuilder().setCheckoutId(checkoutId).setPaymentMethodId("pm-visa").build(), t));
        return calls;
    }

    private static int httpJson(HttpMethod method, String path, String body, String token) throws Exception {
        HttpClient http = harness.clientVertx.createHttpClient();
        RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(harness.service.grpcPort())
            .setURI(path).putHeader("authorization", "Bearer " + token).putHeader("content-type", "application/json");
        try {
            return harness.exchange(() -> http.request(options).compose(request -> (body == null ? request.send() : request.send(body))
                .compose(response -> response.body().map(ignored -> response.statusCode()))));
        } finally {
            CheckoutHarness.await(http.close());
        }
    }

    private static JsonObject without(JsonObject claims, String name) {
        JsonObject copy = claims.copy();
        copy.remove(name);
        return copy;
    }

    private static String hs256(String secret, JsonObject claims) {
        String signingInput = part(new JsonObject().put("alg", "HS256").put("typ", "JWT")) + "." + part(claims);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String unsigned(JsonObject claims) {
        return part(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + part(claims) + ".";
    }

    private static String part(JsonObject json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
    }
}
