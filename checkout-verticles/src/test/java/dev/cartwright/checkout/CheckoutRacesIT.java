package dev.cartwright.checkout;

import static dev.cartwright.checkout.CheckoutFlows.uniqueCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.checkout.CheckoutHarness.Reply;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.Checkout;
import dev.cartwright.proto.checkout.v1.CheckoutServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.ConfirmCheckoutRequest;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.checkout.v1.StartCheckoutRequest;
import dev.cartwright.proto.platform.v1.AuthorizationStatus;
import dev.cartwright.proto.platform.v1.PaymentAuthorization;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One live checkout per cart, under races: twenty StartCheckout calls on one cart, each followed as soon as it answers
 * by a ConfirmCheckout of the checkout it got (twenty confirmations overlapping the starts still running), with and
 * without idempotency keys, end in exactly one order and one authorization for the cart.
 */
@ExtendWith(RealServices.class)
class CheckoutRacesIT {

    private static final int CALLS = 20;
    private static final Set<GrpcStatus> ANSWERS = EnumSet.of(GrpcStatus.OK, GrpcStatus.FAILED_PRECONDITION, GrpcStatus.ABORTED,
        GrpcStatus.UNAVAILABLE);

    private static CheckoutHarness harness;
    private static CheckoutFlows flows;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        harness = CheckoutHarness.start(postgres, redis, kafka, Map.of("CARTWRIGHT_CHECKOUT_EVENTS_TOPIC",
            kafka.createTopic("checkout_events"), "CARTWRIGHT_CHECKOUT_CONFIRM_WAIT", "30s"));
        flows = new CheckoutFlows(harness, kafka);
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void twentyStartsAndTwentyConfirmationsWithoutKeysMakeOneOrderAndOneAuthorization() {
        race("nokey", i -> "");
    }

    @Test
    void twentyStartsAndTwentyConfirmationsWithTheirOwnKeysMakeOneOrderAndOneAuthorization() {
        race("ownkey", i -> "start-" + i);
    }

    @Test
    void twentyStartsAndTwentyConfirmationsWithOneSharedKeyMakeOneOrderAndOneAuthorization() {
        race("samekey", i -> "the-start");
    }

    private interface Keys {
        String key(int call);
    }

    private static void race(String prefix, Keys keys) {
        Cart cart = flows.cartWith(uniqueCustomer(prefix), Map.of("456", 1));
        List<Future<Reply<Checkout>>> starts = new ArrayList<>();
        List<Future<Reply<Order>>> confirms = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            Future<Reply<Checkout>> start = harness.call(CheckoutServiceGrpcClient.StartCheckout, StartCheckoutRequest.newBuilder()
                .setCartId(cart.getCartId()).setIdempotencyKey(keys.key(i)).build(), null);
            starts.add(start);
            confirms.add(start.compose(reply -> !reply.ok() ? Future.succeededFuture(null)
                : harness.call(CheckoutServiceGrpcClient.ConfirmCheckout, ConfirmCheckoutRequest.newBuilder()
                    .setCheckoutId(reply.body().getCheckoutId()).setPaymentMethodId("pm-visa").build(), null)));
        }
        CheckoutHarness.await(Future.join(confirms));

        for (Future<Reply<Checkout>> start : starts) {
            assertThat(start.result().status()).as("start answered %s", start.result().message()).isIn(ANSWERS);
        }
        List<Reply<Order>> answered = confirms.stream().map(Future::result).filter(r -> r != null).toList();
        assertThat(answered).as("confirmations sent").isNotEmpty();
        for (Reply<Order> reply : answered) {
            assertThat(reply.status()).as("confirm answered %s", reply.message()).isIn(ANSWERS);
        }
        Set<String> orderIds = answered.stream().filter(Reply::ok).map(r -> r.body().getOrderId()).collect(Collectors.toSet());
        assertThat(orderIds).as("orders answered").hasSize(1);

        List<String> checkouts = checkoutsOf(cart.getCartId());
        List<String> ordered = checkouts.stream().filter(id -> harness.sim.order().orderByIdempotencyKey(id).isPresent()).toList();
        assertThat(ordered).as("checkouts of the cart that became an order").hasSize(1);
        assertThat(harness.sim.order().orderByIdempotencyKey(ordered.get(0)).orElseThrow().getOrderId()).isIn(orderIds);
        List<PaymentAuthorization> held = checkouts.stream()
            .map(id -> harness.sim.payment().authorizationByKey(id + ":authorize"))
            .flatMap(Optional::stream)
            .filter(a -> a.getStatus() != AuthorizationStatus.AUTHORIZATION_STATUS_DECLINED)
            .toList();
        assertThat(held).as("authorizations made for the cart's checkouts").hasSize(1);
        assertThat(held.get(0).getStatus()).isEqualTo(AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED);
        assertThat(live(cart.getCartId())).as("checkouts of the cart still open or confirming").isZero();
    }

    private static List<String> checkoutsOf(String cartId) {
        List<String> ids = new ArrayList<>();
        query("SELECT checkout_id FROM checkouts WHERE cart_id = ?", cartId, rs -> ids.add(rs.getString(1)));
        return ids;
    }

    private static int live(String cartId) {
        int[] n = new int[1];
        query("SELECT count(*) FROM checkouts WHERE cart_id = ? AND status IN ('open', 'confirming')", cartId, rs -> n[0] = rs.getInt(1));
        return n[0];
    }

    private interface RowHandler {
        void row(ResultSet rs) throws SQLException;
    }

    private static void query(String sql, String parameter, RowHandler handler) {
        try (Connection c = harness.postgres.connect(harness.schema); PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setString(1, parameter);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    handler.row(rs);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
