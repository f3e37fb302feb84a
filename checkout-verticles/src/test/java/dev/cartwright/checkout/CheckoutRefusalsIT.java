package dev.cartwright.checkout;

import static dev.cartwright.checkout.CheckoutFlows.address;
import static dev.cartwright.checkout.CheckoutFlows.ok;
import static dev.cartwright.checkout.CheckoutFlows.uniqueCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.checkout.CheckoutHarness.Reply;
import dev.cartwright.order.migration.MigrationDatabases;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CartStatus;
import dev.cartwright.proto.checkout.v1.Checkout;
import dev.cartwright.proto.checkout.v1.CheckoutServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CheckoutStatus;
import dev.cartwright.proto.checkout.v1.ConfirmCheckoutRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.checkout.v1.UpdateAddressRequest;
import dev.cartwright.proto.platform.v1.ReservationStatus;
import dev.cartwright.sim.SimService;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.Migrations;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The checkout refusals no other integration test provokes, each through the real service (PostgreSQL, Redis, Kafka,
 * the simulators and order_db linked) and read back from grpc-status-details-bin as a client receives it:
 * CART_NOT_ACTIVE, CART_CHECKOUT_UNDERWAY, CHECKOUT_EXPIRED, SHIPPING_ADDRESS_REQUIRED, NO_SHIPPING_METHOD,
 * ORDER_REFUSED, CHECKOUT_FAILED and ORDER_SERVICE_QUOTE_INCOMPLETE, each a FAILED_PRECONDITION whose
 * PreconditionFailure names the resource.
 */
@ExtendWith(RealServices.class)
class CheckoutRefusalsIT {

    private static CheckoutHarness harness;
    private static CheckoutFlows flows;
    private static PostgresInfo pg;
    private static String legacySchema;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        pg = postgres;
        legacySchema = postgres.freshSchema("refusals_legacy");
        Migrations.apply(postgres, legacySchema, MigrationDatabases.LEGACY_MIGRATIONS);
        harness = CheckoutHarness.start(postgres, redis, kafka, Map.of(
            "CARTWRIGHT_CHECKOUT_EVENTS_TOPIC", kafka.createTopic("checkout_events"),
            "CARTWRIGHT_LEGACY_DB", postgres.database(),
            "CARTWRIGHT_LEGACY_SCHEMA", legacySchema));
        flows = new CheckoutFlows(harness, kafka);
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @AfterEach
    void wellBehavedNeighbours() {
        harness.sim.resetKnobs();
    }

    @Test
    void aConvertedCartCannotStartAnotherCheckout() {
        Cart cart = flows.cartWith(uniqueCustomer("converted"), Map.of("456", 1));
        String id = flows.started(cart.getCartId()).getCheckoutId();
        flows.withAddress(id, address("US"));
        ok(flows.confirm(id, "pm-visa"));
        assertThat(ok(harness.callNow(CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId(cart.getCartId()).build()))
            .getStatus()).isEqualTo(CartStatus.CART_STATUS_CONVERTED);

        Reply<Checkout> refused = flows.start(cart.getCartId(), null);

        assertRefused(refused, "CART_NOT_ACTIVE", "carts/" + cart.getCartId());
    }

    @Test
    void aCartWhoseCheckoutIsBeingConfirmedCannotStartAnother() {
        Cart cart = flows.cartWith(uniqueCustomer("underway"), Map.of("456", 1));
        String id = flows.started(cart.getCartId()).getCheckoutId();
        flows.withAddress(id, address("US"));
        // Slow payment and order answers (below the neighbour timeout) keep the confirmation under way for a few seconds.
        harness.sim.knobs(SimService.PAYMENT).latencyMs(1500);
        harness.sim.knobs(SimService.ORDER).latencyMs(1500);
        Future<Reply<Order>> confirming = harness.call(CheckoutServiceGrpcClient.ConfirmCheckout, ConfirmCheckoutRequest.newBuilder()
            .setCheckoutId(id).setPaymentMethodId("pm-visa").build(), null);
        awaitStatus(id, CheckoutStatus.CHECKOUT_STATUS_CONFIRMING);

        Reply<Checkout> refused = flows.start(cart.getCartId(), null);

        assertRefused(refused, "CART_CHECKOUT_UNDERWAY", "carts/" + cart.getCartId());
        assertThat(ok(CheckoutHarness.await(confirming)).getCheckoutId()).as("the confirmation under way finished").isEqualTo(id);
        assertThat(flows.checkoutsOfCart(cart.getCartId())).as("the refused start left no checkout").isEqualTo(1);
    }

    @Test
    void aCheckoutReplacedByANewerOneOfItsCartCannotBeConfirmed() {
        Cart cart = flows.cartWith(uniqueCustomer("replaced"), Map.of("456", 1));
        String first = flows.started(cart.getCartId()).getCheckoutId();
        ok(harness.callNow(CartServiceGrpcClient.AddItem, AddItemRequest.newBuilder().setCartId(cart.getCartId()).setProductId("123")
            .setQuantity(1).build()));
        String second = flows.started(cart.getCartId()).getCheckoutId();
        assertThat(second).isNotEqualTo(first);

        Reply<Order> refused = flows.confirm(first, "pm-visa");

        assertRefused(refused, "CHECKOUT_EXPIRED", "checkouts/" + first);
        assertThat(flows.get(second).getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_OPEN);
    }

    @Test
    void aConfirmationWithNoAddressToShipToIsRefusedAndChangesNothing() {
        Cart unknown = flows.cartWith("missing-" + UUID.randomUUID().toString().substring(0, 8), Map.of("456", 1));
        String forUnknown = flows.started(unknown.getCartId()).getCheckoutId();
        Cart guest = flows.cartWith("", Map.of("456", 1));
        String forGuest = flows.started(guest.getCartId()).getCheckoutId();

        Reply<Order> unknownCustomer = flows.confirm(forUnknown, "pm-visa");
        Reply<Order> guestWithoutAddress = flows.confirm(forGuest, "pm-visa");

        assertRefused(unknownCustomer, "SHIPPING_ADDRESS_REQUIRED", "checkouts/" + forUnknown);
        assertRefused(guestWithoutAddress, "SHIPPING_ADDRESS_REQUIRED", "checkouts/" + forGuest);
        assertThat(flows.get(forUnknown).getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_OPEN);
        assertThat(flows.get(forGuest).getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_OPEN);
    }

    @Test
    void anAddressNothingShipsToIsRefusedAndTheCheckoutKeepsItsOwn() {
        Cart cart = flows.cartWith(uniqueCustomer("antarctica"), Map.of("456", 1));
        String id = flows.started(cart.getCartId()).getCheckoutId();
        Checkout addressed = flows.withAddress(id, address("US"));

        Reply<Checkout> refused = harness.callNow(CheckoutServiceGrpcClient.UpdateShippingAddress, UpdateAddressRequest.newBuilder()
            .setCheckoutId(id).setAddress(address("AQ")).build());

        assertRefused(refused, "NO_SHIPPING_METHOD", "checkouts/" + id);
        Checkout unchanged = flows.get(id);
        assertThat(unchanged.getVersion()).isEqualTo(addressed.getVersion());
        assertThat(unchanged.getShippingAddress().getCountryCode()).isEqualTo("US");
    }

    @Test
    void anOrderTheOrderServiceRefusesFailsTheCheckoutAtCreateOrderAndUndoesTheRest() {
        Cart cart = flows.cartWith(uniqueCustomer("declined-order"), Map.of("456", 1));
        Checkout started = flows.started(cart.getCartId());
        String id = started.getCheckoutId();
        flows.withAddress(id, address("US"));
        harness.sim.knobs(SimService.ORDER).declineAll(true);

        Reply<Order> refused = flows.confirm(id, "pm-visa");

        assertRefused(refused, "ORDER_REFUSED", "checkouts/" + id);
        assertThat(refused.details().errorInfo().getMetadataMap()).containsEntry("step", "create_order");
        assertThat(flows.get(id).getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_FAILED);
        assertThat(harness.sim.order().orderByIdempotencyKey(id)).isEmpty();
        assertThat(harness.sim.warehouse().reservation(started.getReservationId()).orElseThrow().getStatus())
            .isEqualTo(ReservationStatus.RESERVATION_STATUS_RELEASED);
        assertRefused(flows.confirm(id, "pm-visa"), "ORDER_REFUSED", "checkouts/" + id);
    }

    @Test
    void aCheckoutTheOrderServiceFailedAnswersCheckoutFailedWithoutAStep() throws SQLException {
        String id = "legacy-failed-" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection connection = pg.connect(legacySchema); PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO checkouts (id, cart_id, customer_id, cart_version, status, currency_code, subtotal, shipping_cost, tax_total,"
                + " grand_total, line_items, failure_reason, version) VALUES (?, 'legacy-cart', 'legacy-customer', 4, 'FAILED', 'USD',"
                + " 20.00, 5.00, 1.50, 26.50, '[]'::jsonb, 'payment gateway error', 3)")) {
            insert.setString(1, id);
            insert.executeUpdate();
        }

        Reply<Order> refused = flows.confirm(id, "pm-visa");

        assertRefused(refused, "CHECKOUT_FAILED", "checkouts/" + id);
        assertThat(refused.message()).startsWith("payment gateway error");
        assertThat(refused.details().errorInfo().getMetadataMap()).doesNotContainKey("step");
        assertThat(flows.get(id).getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_FAILED);
    }

    @Test
    void aCheckoutTheOrderServiceStartedWithoutAShippingQuoteIsRefusedNotRepriced() throws SQLException {
        String id = "legacy-unquoted-" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection connection = pg.connect(legacySchema); PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO checkouts (id, cart_id, customer_id, cart_version, status, currency_code, subtotal, shipping_cost, tax_total,"
                + " grand_total, line_items, version) VALUES (?, 'legacy-cart', 'legacy-customer', 4, 'PENDING', 'USD',"
                + " 20.00, 0, 0, 20.00, '[]'::jsonb, 3)")) {
            insert.setString(1, id);
            insert.executeUpdate();
        }

        Reply<Order> refused = flows.confirm(id, "pm-visa");

        assertRefused(refused, "ORDER_SERVICE_QUOTE_INCOMPLETE", "checkouts/" + id);
        assertThat(refused.message()).contains("quoted no shipping");
        assertThat(flows.get(id).getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_OPEN);
        assertThat(harness.sim.payment().authorizationByKey(id + ":authorize")).as("nothing charged").isEmpty();
    }

    private static void assertRefused(Reply<?> reply, String reason, String subject) {
        assertThat(reply.status()).as("status (%s)", reply.message()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(reply.details()).as("grpc-status-details-bin").isNotNull();
        assertThat(reply.details().errorInfo().getReason()).as("reason (%s)", reply.message()).isEqualTo(reason);
        assertThat(reply.details().preconditionViolations()).singleElement().satisfies(violation -> {
            assertThat(violation.getType()).isEqualTo(reason);
            assertThat(violation.getSubject()).isEqualTo(subject);
        });
    }

    private static void awaitStatus(String checkoutId, CheckoutStatus status) {
        CheckoutStatus seen = null;
        for (int i = 0; i < 200 && seen != status; i++) {
            seen = flows.get(checkoutId).getStatus();
            if (seen != status) {
                try {
                    Thread.sleep(25);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        assertThat(seen).as("status of %s", checkoutId).isEqualTo(status);
    }
}
