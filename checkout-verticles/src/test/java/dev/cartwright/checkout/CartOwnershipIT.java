package dev.cartwright.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.checkout.CheckoutHarness.Reply;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.ClearCartRequest;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
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
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With JWT authentication on, a customer's cart exists only for that customer (and staff): to anyone else it is
 * NOT_FOUND and cannot be changed; guest carts answer to their id.
 */
@ExtendWith(RealServices.class)
class CartOwnershipIT {

    private static final String KEY = "it-secret-" + UUID.randomUUID();
    private static final String ISSUER = "https://id.cartwright.test";
    private static final String AUDIENCE = "cartwright-api";
    private static CheckoutHarness harness;
    private static JWTAuth tokens;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        harness = CheckoutHarness.start(postgres, redis, kafka, Map.of("CARTWRIGHT_AUTH_MODE", "jwt", "CARTWRIGHT_JWT_KEY", KEY,
            "CARTWRIGHT_JWT_ISSUER", ISSUER, "CARTWRIGHT_JWT_AUDIENCE", AUDIENCE));
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
        return tokens.generateToken(new JsonObject().put("sub", subject).put("roles", new JsonArray(java.util.List.of((Object[]) roles))),
            new JWTOptions().setAlgorithm("HS256").setExpiresInMinutes(10).setIssuer(ISSUER)
                .setAudience(java.util.List.of(AUDIENCE)));
    }

    @Test
    void someoneElsesCartIsNotFoundAndCannotBeChanged() {
        String alice = "alice-" + UUID.randomUUID().toString().substring(0, 8);
        String bob = "bob-" + UUID.randomUUID().toString().substring(0, 8);
        String aliceToken = token(alice);
        String bobToken = token(bob);
        Reply<Cart> created = harness.callNow(CartServiceGrpcClient.CreateCart,
            CreateCartRequest.newBuilder().setCustomerId(alice).build(), aliceToken);
        assertThat(created.status()).isEqualTo(GrpcStatus.OK);
        String cartId = created.body().getCartId();
        Reply<Cart> added = harness.callNow(CartServiceGrpcClient.AddItem,
            AddItemRequest.newBuilder().setCartId(cartId).setProductId("456").setQuantity(1).build(), aliceToken);
        assertThat(added.status()).isEqualTo(GrpcStatus.OK);

        Reply<Cart> bobReads = harness.callNow(CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId(cartId).build(),
            bobToken);
        assertThat(bobReads.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        Reply<Cart> bobAdds = harness.callNow(CartServiceGrpcClient.AddItem,
            AddItemRequest.newBuilder().setCartId(cartId).setProductId("456").setQuantity(5).build(), bobToken);
        assertThat(bobAdds.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        Reply<Cart> bobClears = harness.callNow(CartServiceGrpcClient.ClearCart, ClearCartRequest.newBuilder().setCartId(cartId).build(),
            bobToken);
        assertThat(bobClears.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        Reply<Cart> guestReads = harness.callNow(CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId(cartId).build(),
            null);
        assertThat(guestReads.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        Reply<Cart> bobCreatesForAlice = harness.callNow(CartServiceGrpcClient.CreateCart,
            CreateCartRequest.newBuilder().setCustomerId(alice).build(), bobToken);
        assertThat(bobCreatesForAlice.status()).isEqualTo(GrpcStatus.PERMISSION_DENIED);

        Reply<Cart> aliceReads = harness.callNow(CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId(cartId).build(),
            aliceToken);
        assertThat(aliceReads.status()).isEqualTo(GrpcStatus.OK);
        assertThat(aliceReads.body().getVersion()).isEqualTo(added.body().getVersion());
        assertThat(aliceReads.body().getItems(0).getQuantity()).isEqualTo(1);

        Reply<Cart> staffReads = harness.callNow(CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId(cartId).build(),
            token("support-1", "staff"));
        assertThat(staffReads.status()).isEqualTo(GrpcStatus.OK);
    }

    @Test
    void twoGuestsSendingTheSameCreateKeyGetTwoCarts() {
        // Failed before keys were scoped to the caller: the second guest was handed the first guest's cart.
        CreateCartRequest create = CreateCartRequest.newBuilder().setIdempotencyKey("create-1").build();
        Reply<Cart> first = harness.callNow(CartServiceGrpcClient.CreateCart, create, null);
        Reply<Cart> second = harness.callNow(CartServiceGrpcClient.CreateCart, create, null);
        assertThat(first.status()).isEqualTo(GrpcStatus.OK);
        assertThat(second.status()).isEqualTo(GrpcStatus.OK);
        assertThat(second.body().getCartId()).isNotEqualTo(first.body().getCartId());
    }

    @Test
    void aKeyBelongsToItsCallerSoTheSameKeyFromSomeoneElseIsAnotherRequest() {
        String alice = "alice-" + UUID.randomUUID().toString().substring(0, 8);
        String aliceToken = token(alice);
        String cartId = harness.callNow(CartServiceGrpcClient.CreateCart, CreateCartRequest.newBuilder().setCustomerId(alice).build(),
            aliceToken).body().getCartId();
        AddItemRequest add = AddItemRequest.newBuilder().setCartId(cartId).setProductId("456").setQuantity(1)
            .setIdempotencyKey("add-1").build();

        Reply<Cart> byAlice = harness.callNow(CartServiceGrpcClient.AddItem, add, aliceToken);
        Reply<Cart> retriedByAlice = harness.callNow(CartServiceGrpcClient.AddItem, add, aliceToken);
        Reply<Cart> byStaff = harness.callNow(CartServiceGrpcClient.AddItem, add, token("support-2", "staff"));

        assertThat(retriedByAlice.body().getVersion()).isEqualTo(byAlice.body().getVersion());
        assertThat(byStaff.status()).isEqualTo(GrpcStatus.OK);
        assertThat(byStaff.body().getVersion()).isEqualTo(byAlice.body().getVersion() + 1);
        assertThat(byStaff.body().getItems(0).getQuantity()).isEqualTo(2);
    }

    @Test
    void aGuestCartAnswersToItsIdAndABadTokenIsUnauthenticated() {
        Reply<Cart> guest = harness.callNow(CartServiceGrpcClient.CreateCart, CreateCartRequest.getDefaultInstance(), null);
        assertThat(guest.status()).isEqualTo(GrpcStatus.OK);
        String cartId = guest.body().getCartId();
        Reply<Cart> someone = harness.callNow(CartServiceGrpcClient.AddItem,
            AddItemRequest.newBuilder().setCartId(cartId).setProductId("456").setQuantity(1).build(), token("carol"));
        assertThat(someone.status()).isEqualTo(GrpcStatus.OK);
        Reply<Cart> forged = harness.callNow(CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId(cartId).build(),
            "not-a-token");
        assertThat(forged.status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
    }
}
