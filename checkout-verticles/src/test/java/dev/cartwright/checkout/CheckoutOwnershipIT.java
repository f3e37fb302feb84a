package dev.cartwright.checkout;

import static dev.cartwright.checkout.CheckoutFlows.address;
import static dev.cartwright.checkout.CheckoutFlows.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.checkout.CheckoutHarness.Reply;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.Checkout;
import dev.cartwright.proto.checkout.v1.CheckoutServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.ConfirmCheckoutRequest;
import dev.cartwright.proto.checkout.v1.GetCheckoutRequest;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.checkout.v1.OrderPreview;
import dev.cartwright.proto.checkout.v1.PreviewOrderRequest;
import dev.cartwright.proto.checkout.v1.StartCheckoutRequest;
import dev.cartwright.proto.checkout.v1.UpdateAddressRequest;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.grpc.common.GrpcStatus;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With JWT authentication on, a customer's checkout exists only for that customer (and staff): to anyone else every
 * CheckoutService call on it is NOT_FOUND and changes nothing, and nobody can start a checkout of someone else's cart.
 */
@ExtendWith(RealServices.class)
class CheckoutOwnershipIT {

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
            "CARTWRIGHT_CHECKOUT_EVENTS_TOPIC", kafka.createTopic("checkout_events")));
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

    @Test
    void someoneElsesCheckoutIsNotFoundAndCannotBeChangedOrConfirmed() {
        String alice = "alice-" + UUID.randomUUID().toString().substring(0, 8);
        String aliceToken = token(alice);
        String bobToken = token("bob-" + UUID.randomUUID().toString().substring(0, 8));
        Cart cart = flows.cartWith(alice, aliceToken, Map.of("456", 1));

        Reply<Checkout> bobStarts = harness.callNow(CheckoutServiceGrpcClient.StartCheckout,
            StartCheckoutRequest.newBuilder().setCartId(cart.getCartId()).build(), bobToken);
        assertThat(bobStarts.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(flows.checkoutsOfCart(cart.getCartId())).isZero();

        Checkout checkout = ok(flows.start(cart.getCartId(), aliceToken));
        String id = checkout.getCheckoutId();

        Reply<Checkout> bobReads = harness.callNow(CheckoutServiceGrpcClient.GetCheckout,
            GetCheckoutRequest.newBuilder().setCheckoutId(id).build(), bobToken);
        assertThat(bobReads.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        Reply<Checkout> guestReads = harness.callNow(CheckoutServiceGrpcClient.GetCheckout,
            GetCheckoutRequest.newBuilder().setCheckoutId(id).build(), null);
        assertThat(guestReads.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        Reply<Checkout> bobMoves = harness.callNow(CheckoutServiceGrpcClient.UpdateShippingAddress,
            UpdateAddressRequest.newBuilder().setCheckoutId(id).setAddress(address("DE")).build(), bobToken);
        assertThat(bobMoves.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        Reply<OrderPreview> bobPreviews = harness.callNow(CheckoutServiceGrpcClient.PreviewOrder,
            PreviewOrderRequest.newBuilder().setCheckoutId(id).build(), bobToken);
        assertThat(bobPreviews.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        Reply<Order> bobConfirms = harness.callNow(CheckoutServiceGrpcClient.ConfirmCheckout,
            ConfirmCheckoutRequest.newBuilder().setCheckoutId(id).setPaymentMethodId("stolen-card").build(), bobToken);
        assertThat(bobConfirms.status()).isEqualTo(GrpcStatus.NOT_FOUND);

        Reply<Checkout> aliceReads = harness.callNow(CheckoutServiceGrpcClient.GetCheckout,
            GetCheckoutRequest.newBuilder().setCheckoutId(id).build(), aliceToken);
        assertThat(aliceReads.status()).isEqualTo(GrpcStatus.OK);
        assertThat(aliceReads.body().getVersion()).isEqualTo(checkout.getVersion());
        assertThat(aliceReads.body().hasShippingAddress()).isFalse();
        Reply<Checkout> staffReads = harness.callNow(CheckoutServiceGrpcClient.GetCheckout,
            GetCheckoutRequest.newBuilder().setCheckoutId(id).build(), token("support-1", "staff"));
        assertThat(staffReads.status()).isEqualTo(GrpcStatus.OK);

        Reply<Order> aliceConfirms = harness.callNow(CheckoutServiceGrpcClient.ConfirmCheckout,
            ConfirmCheckoutRequest.newBuilder().setCheckoutId(id).setPaymentMethodId("pm-visa").build(), aliceToken);
        assertThat(aliceConfirms.status()).as(aliceConfirms.message()).isEqualTo(GrpcStatus.OK);
        assertThat(aliceConfirms.body().getCustomerId()).isEqualTo(alice);
    }
}
