package dev.cartwright.checkout;

import static dev.cartwright.checkout.CheckoutFlows.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.checkout.CheckoutHarness.Reply;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.Checkout;
import dev.cartwright.proto.checkout.v1.CheckoutServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CheckoutStatus;
import dev.cartwright.proto.checkout.v1.ConfirmCheckoutRequest;
import dev.cartwright.proto.checkout.v1.GetCheckoutRequest;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.checkout.v1.SelectShippingMethodRequest;
import dev.cartwright.proto.checkout.v1.StartCheckoutRequest;
import dev.cartwright.proto.checkout.v1.UpdateAddressRequest;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.grpc.common.GrpcStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * StartCheckout's and ConfirmCheckout's idempotency keys belong to one request of one caller: the same key with the
 * same request answers as the first time, the same key with another request is INVALID_ARGUMENT on idempotency_key
 * and changes nothing, and another caller's identical key is another caller's request. Keys are kept in
 * checkout_request_keys for a day, counted by a gauge. JWT authentication is on, so callers can be told apart.
 */
@ExtendWith(RealServices.class)
class CheckoutIdempotencyIT {

    private static final String KEY = "it-secret-" + UUID.randomUUID();
    private static final String ISSUER = "https://id.cartwright.test";
    private static final String AUDIENCE = "cartwright-api";
    private static CheckoutHarness harness;
    private static CheckoutFlows flows;
    private static JWTAuth tokens;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        harness = CheckoutHarness.start(postgres, redis, kafka, Map.of("CARTWRIGHT_AUTH_MODE", "jwt", "CARTWRIGHT_JWT_KEY", KEY,
            "CARTWRIGHT_JWT_ISSUER", ISSUER, "CARTWRIGHT_JWT_AUDIENCE", AUDIENCE,
            "CARTWRIGHT_CHECKOUT_EVENTS_TOPIC", kafka.createTopic("checkout_events"),
            "CARTWRIGHT_SAGA_RECOVERY_EVERY", "1s"));
        flows = new CheckoutFlows(harness, kafka);
        tokens = JWTAuth.create(harness.clientVertx, new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(KEY)));
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    private static String token(String subject, String... roles) {
        return tokens.generateToken(new JsonObject().put("sub", subject).put("roles", new JsonArray(List.of((Object[]) roles))),
            new JWTOptions().setAlgorithm("HS256").setExpiresInMinutes(10).setIssuer(ISSUER)
                .setAudience(List.of(AUDIENCE)));
    }

    private static String someone(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Reply<Checkout> start(String cartId, String key, String token) {
        return harness.callNow(CheckoutServiceGrpcClient.StartCheckout,
            StartCheckoutRequest.newBuilder().setCartId(cartId).setIdempotencyKey(key).build(), token);
    }

    private static Reply<Order> confirm(String checkoutId, String paymentMethodId, String key, String token) {
        return harness.callNow(CheckoutServiceGrpcClient.ConfirmCheckout, ConfirmCheckoutRequest.newBuilder().setCheckoutId(checkoutId)
            .setPaymentMethodId(paymentMethodId).setIdempotencyKey(key).build(), token);
    }

    /** The refusal of a reused key, with the details the cart and return keys carry. */
    private static void assertKeyReused(Reply<?> reply) {
        assertThat(reply.status()).as("answer to a reused key (%s)", reply.message()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(reply.message()).isEqualTo("idempotency_key reused with different parameters");
        assertThat(reply.details().errorInfo().getReason()).isEqualTo("INVALID_FIELD");
        assertThat(reply.details().errorInfo().getMetadataMap()).containsEntry("field", "idempotency_key");
        assertThat(reply.details().fieldViolations()).containsExactly("idempotency_key");
    }

    @Test
    void aStartKeyAnswersItsOwnRequestAgainAndRefusesAnotherCart() {
        String staff = token(someone("support"), "staff");
        Cart alices = flows.cartWith(someone("alice"), staff, Map.of("456", 1));
        Cart bobs = flows.cartWith(someone("bob"), staff, Map.of("456", 2));
        String key = "start-" + UUID.randomUUID();

        Checkout first = ok(start(alices.getCartId(), key, staff));
        Checkout again = ok(start(alices.getCartId(), key, staff));
        assertThat(again.getCheckoutId()).isEqualTo(first.getCheckoutId());
        assertThat(flows.checkoutsOfCart(alices.getCartId())).isEqualTo(1);

        // Failed before keys were fingerprinted: the same key started a checkout of another cart.
        Reply<Checkout> otherCart = start(bobs.getCartId(), key, staff);
        assertKeyReused(otherCart);
        assertThat(flows.checkoutsOfCart(bobs.getCartId())).isZero();

        // The key still answers its own request.
        assertThat(ok(start(alices.getCartId(), key, staff)).getCheckoutId()).isEqualTo(first.getCheckoutId());
        assertThat(keyRows(first.getCheckoutId())).isEqualTo(1);
    }

    @Test
    void theSameStartKeyFromAnotherCallerIsTheirOwnRequest() {
        String alice = someone("alice");
        String bob = someone("bob");
        String aliceToken = token(alice);
        String bobToken = token(bob);
        Cart alicesCart = flows.cartWith(alice, aliceToken, Map.of("456", 1));
        Cart bobsCart = flows.cartWith(bob, bobToken, Map.of("456", 1));
        String key = "start-" + UUID.randomUUID();

        Checkout alices = ok(start(alicesCart.getCartId(), key, aliceToken));
        Checkout bobs = ok(start(bobsCart.getCartId(), key, bobToken));
        assertThat(bobs.getCheckoutId()).isNotEqualTo(alices.getCheckoutId());
        assertThat(bobs.getCustomerId()).isEqualTo(bob);
        assertThat(bobs.getCartId()).isEqualTo(bobsCart.getCartId());

        // Guests cannot be told apart: their keys are scoped to the cart they name, so two guests never meet.
        Cart guestOne = flows.cartWith("", null, Map.of("456", 1));
        Cart guestTwo = flows.cartWith("", null, Map.of("456", 3));
        Checkout first = ok(start(guestOne.getCartId(), key, null));
        Checkout second = ok(start(guestTwo.getCartId(), key, null));
        assertThat(second.getCheckoutId()).isNotEqualTo(first.getCheckoutId());
        assertThat(second.getCartId()).isEqualTo(guestTwo.getCartId());
        assertThat(ok(start(guestOne.getCartId(), key, null)).getCheckoutId()).isEqualTo(first.getCheckoutId());
    }

    @Test
    void aConfirmKeyAnswersItsOwnRequestAgainAndRefusesAnotherPaymentOrCheckout() {
        String alice = someone("alice");
        String aliceToken = token(alice);
        Checkout checkout = ok(start(flows.cartWith(alice, aliceToken, Map.of("456", 1)).getCartId(), "", aliceToken));
        String key = "confirm-" + UUID.randomUUID();
        int ordersBefore = harness.sim.order().orderCount();
        int authorizationsBefore = harness.sim.payment().authorizationCount();

        Order order = ok(confirm(checkout.getCheckoutId(), "pm-visa", key, aliceToken));
        Order again = ok(confirm(checkout.getCheckoutId(), "pm-visa", key, aliceToken));
        assertThat(again.getOrderId()).isEqualTo(order.getOrderId());

        // Failed before ConfirmCheckout kept its keys: the same key with another card was answered with the order.
        assertKeyReused(confirm(checkout.getCheckoutId(), "pm-amex", key, aliceToken));

        // The same key for the customer's next checkout confirms nothing.
        Checkout next = ok(start(flows.cartWith(alice, aliceToken, Map.of("1001", 1)).getCartId(), "", aliceToken));
        assertKeyReused(confirm(next.getCheckoutId(), "pm-visa", key, aliceToken));
        Checkout untouched = ok(harness.callNow(CheckoutServiceGrpcClient.GetCheckout,
            GetCheckoutRequest.newBuilder().setCheckoutId(next.getCheckoutId()).build(), aliceToken));
        assertThat(untouched.getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_OPEN);
        assertThat(untouched.getVersion()).isEqualTo(next.getVersion());
        assertThat(harness.sim.order().orderCount()).isEqualTo(ordersBefore + 1);
        assertThat(harness.sim.payment().authorizationCount()).isEqualTo(authorizationsBefore + 1);

        // Another customer's identical key is theirs.
        String bob = someone("bob");
        String bobToken = token(bob);
        Checkout bobs = ok(start(flows.cartWith(bob, bobToken, Map.of("456", 1)).getCartId(), "", bobToken));
        Order bobsOrder = ok(confirm(bobs.getCheckoutId(), "pm-visa", key, bobToken));
        assertThat(bobsOrder.getOrderId()).isNotEqualTo(order.getOrderId());
        assertThat(bobsOrder.getCustomerId()).isEqualTo(bob);
    }

    @Test
    void anEditKeyAnswersItsOwnRequestAgainAndRefusesAnotherAddressOrMethod() {
        String alice = someone("alice");
        String aliceToken = token(alice);
        Checkout checkout = ok(start(flows.cartWith(alice, aliceToken, Map.of("456", 1)).getCartId(), "", aliceToken));
        String key = "edit-" + UUID.randomUUID();

        Checkout shipped = ok(shipTo(checkout.getCheckoutId(), CheckoutFlows.address("US"), key, aliceToken));
        Checkout again = ok(shipTo(checkout.getCheckoutId(), CheckoutFlows.address("US"), key, aliceToken));
        assertThat(again.getVersion()).isEqualTo(shipped.getVersion());

        // Failed before the edit keys were fingerprinted: the same key with another address answered with the
        // checkout as the first address left it, as if the second address had been stored.
        assertKeyReused(shipTo(checkout.getCheckoutId(), CheckoutFlows.address("US").toBuilder().setLine1("9 Other Rd").build(),
            key, aliceToken));
        assertKeyReused(harness.callNow(CheckoutServiceGrpcClient.UpdateBillingAddress, UpdateAddressRequest.newBuilder()
            .setCheckoutId(checkout.getCheckoutId()).setAddress(CheckoutFlows.address("US")).setIdempotencyKey(key).build(),
            aliceToken));
        assertKeyReused(harness.callNow(CheckoutServiceGrpcClient.SelectShippingMethod, SelectShippingMethodRequest.newBuilder()
            .setCheckoutId(checkout.getCheckoutId()).setShippingMethodId(shipped.getAvailableShippingMethods(0).getShippingMethodId())
            .setIdempotencyKey(key).build(), aliceToken));
        Checkout untouched = ok(harness.callNow(CheckoutServiceGrpcClient.GetCheckout,
            GetCheckoutRequest.newBuilder().setCheckoutId(checkout.getCheckoutId()).build(), aliceToken));
        assertThat(untouched.getVersion()).isEqualTo(shipped.getVersion());
        assertThat(untouched.getShippingAddress().getLine1()).isEqualTo("1 Market St");

        // A new key is a new request.
        Checkout moved = ok(shipTo(checkout.getCheckoutId(), CheckoutFlows.address("US").toBuilder().setLine1("9 Other Rd").build(),
            "edit-" + UUID.randomUUID(), aliceToken));
        assertThat(moved.getVersion()).isGreaterThan(shipped.getVersion());
        assertThat(moved.getShippingAddress().getLine1()).isEqualTo("9 Other Rd");
    }

    private static Reply<Checkout> shipTo(String checkoutId, dev.cartwright.proto.common.v1.Address address, String key,
                                          String token) {
        return harness.callNow(CheckoutServiceGrpcClient.UpdateShippingAddress, UpdateAddressRequest.newBuilder()
            .setCheckoutId(checkoutId).setAddress(address).setIdempotencyKey(key).build(), token);
    }

    @Test
    void keysAreKeptForADayAndCounted() {
        String alice = someone("alice");
        String aliceToken = token(alice);
        Checkout checkout = ok(start(flows.cartWith(alice, aliceToken, Map.of("456", 1)).getCartId(), "start-" + UUID.randomUUID(),
            aliceToken));
        assertThat(keyRows(checkout.getCheckoutId())).isEqualTo(1);

        update("UPDATE checkout_request_keys SET created_at = now() - interval '25 hours' WHERE checkout_id = ?",
            checkout.getCheckoutId());
        waitUntil("a key older than a day is forgotten", () -> keyRows(checkout.getCheckoutId()) == 0);
        waitUntil("the gauge counts the keys kept", () -> {
            Gauge gauge = harness.runtime.registry().find("cartwright.checkout.idempotency.keys").gauge();
            return gauge != null && (long) gauge.value() == allKeyRows();
        });
    }

    // ---- checkout_db ---------------------------------------------------------------------------------------------

    private static long keyRows(String checkoutId) {
        return count("SELECT count(*) FROM checkout_request_keys WHERE checkout_id = '" + checkoutId.replace("'", "''") + "'");
    }

    private static long allKeyRows() {
        return count("SELECT count(*) FROM checkout_request_keys");
    }

    private static long count(String sql) {
        try (Connection c = harness.postgres.connect(harness.schema); PreparedStatement statement = c.prepareStatement(sql);
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(String sql, String parameter) {
        try (Connection c = harness.postgres.connect(harness.schema); PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setString(1, parameter);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void waitUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 60 s");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
