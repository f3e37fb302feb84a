package dev.cartwright.checkout.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.checkout.domain.CheckoutTotals;
import dev.cartwright.checkout.domain.ConfirmedOrder;
import dev.cartwright.checkout.domain.FrozenLine;
import dev.cartwright.checkout.domain.PlacedOrder;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.checkout.v1.OrderLine;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CheckoutContractTest {

    private static final Instant CREATED = Instant.parse("2026-12-03T10:15:30.123456789Z");

    private static final CheckoutTotals TOTALS = new CheckoutTotals(5000, 500, 495, 855, 5850, false, 3);

    private static final List<FrozenLine> LINES = List.of(
        new FrozenLine("sku-1", "Mug", "kitchen", 2, 1500, 3000, 300, 0, 513, 3213),
        new FrozenLine("sku-2", "Tea", "food", 1, 2000, 2000, 200, 0, 342, 2142));

    @Test
    void theReplyCarriesTheOrderServicesIdsAndTheCheckoutsLinesAndTotals() {
        PlacedOrder placed = new PlacedOrder("ord-9", "created", Optional.of(CREATED),
            List.of(new PlacedOrder.Item("item-1", "sku-1"), new PlacedOrder.Item("item-1b", "sku-1")), "{}");

        Order order = CheckoutContract.order(ConfirmedOrder.of("chk-1", Optional.of("cust-1"), LINES, TOTALS, "EUR",
            Optional.of("auth-1"), placed, Instant.EPOCH));

        assertThat(order.getOrderId()).isEqualTo("ord-9");
        assertThat(order.getCustomerId()).isEqualTo("cust-1");
        assertThat(order.getPaymentAuthorizationId()).isEqualTo("auth-1");
        assertThat(CheckoutContract.instant(order.getCreatedAt())).isEqualTo(CREATED);
        assertThat(order.getItemsList()).extracting(OrderLine::getOrderItemId).containsExactly("item-1", "");
        assertThat(order.getItems(0).getTotal().getAmountMinor()).isEqualTo(3213);
        assertThat(order.getTotals().getGrandTotal().getAmountMinor()).isEqualTo(5850);
        assertThat(order.getTotals().getGrandTotal().getCurrencyCode()).isEqualTo("EUR");
    }

    @Test
    void aGuestsOrderWithoutACreationTimeIsCreatedWhenConfirmed() {
        PlacedOrder placed = new PlacedOrder("ord-9", "created", Optional.empty(), List.of(), "{}");

        Order order = CheckoutContract.order(ConfirmedOrder.of("chk-1", Optional.empty(), LINES, TOTALS, "EUR", Optional.empty(), placed,
            CREATED));

        assertThat(order.getCustomerId()).isEmpty();
        assertThat(order.getPaymentAuthorizationId()).isEmpty();
        assertThat(CheckoutContract.instant(order.getCreatedAt())).isEqualTo(CREATED);
    }

    /** The stored reply is read back as the very message that was sent: a repeated ConfirmCheckout answers the same. */
    @Test
    void theStoredFormReadsBackAsTheSameMessage() {
        PlacedOrder placed = new PlacedOrder("ord-9", "created", Optional.of(CREATED), List.of(new PlacedOrder.Item("item-2", "sku-2")),
            "{}");
        ConfirmedOrder confirmed = ConfirmedOrder.of("chk-1", Optional.of("cust-1"), LINES, TOTALS, "EUR", Optional.of("auth-1"), placed,
            Instant.EPOCH);

        Optional<ConfirmedOrder> read = CheckoutContract.parseOrderJson(CheckoutContract.orderJson(confirmed));

        assertThat(read).isPresent();
        assertThat(CheckoutContract.order(read.get())).isEqualTo(CheckoutContract.order(confirmed));
    }

    @Test
    void anUnreadableStoredFormIsNoOrder() {
        assertThat(CheckoutContract.parseOrderJson("{\"orderId\": [1, 2]")).isEmpty();
    }
}
