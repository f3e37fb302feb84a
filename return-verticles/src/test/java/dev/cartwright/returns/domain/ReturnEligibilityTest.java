package dev.cartwright.returns.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReturnEligibilityTest {

    private static final Instant DELIVERED = Instant.parse("2026-03-01T10:00:00Z");

    private final ReturnEligibility rules = new ReturnEligibility(
        new ReturnWindow(Duration.ofDays(30), Map.of("c3", Duration.ofDays(14), "c5", Duration.ofDays(60))));

    private final OrderSnapshot order = new OrderSnapshot("o1", "cust-1", "delivered", "USD", List.of(
        new OrderLine("1", "p1", "c1", 2, 1000, 0, 0, 2000),
        new OrderLine("2", "p2", "c3", 1, 500, 0, 0, 500),
        new OrderLine("3", "p3", "c5", 1, 700, 0, 0, 700)), 0, 3200, "pay-1", Optional.of(DELIVERED));

    private Eligibility check(List<RequestedItem> items, Map<String, Integer> claimed, Instant now) {
        return rules.check(order, items, claimed, now);
    }

    @Test
    void aDeliveredOrderWithinTheWindowIsEligible() {
        assertThat(check(List.of(new RequestedItem("1", 2, ReturnReason.DEFECTIVE)), Map.of(), DELIVERED.plus(Duration.ofDays(30))))
            .isEqualTo(new Eligibility.Eligible());
    }

    @Test
    void anOrderNotYetDeliveredIsNot() {
        OrderSnapshot shipped = new OrderSnapshot("o1", "cust-1", "shipped", "USD", order.lines(), 0, 3200, "", Optional.empty());
        Eligibility e = rules.check(shipped, List.of(new RequestedItem("1", 1, ReturnReason.OTHER)), Map.of(), DELIVERED);
        assertThat(e).isInstanceOfSatisfying(Eligibility.NotEligible.class, n -> {
            assertThat(n.problem()).isEqualTo(Eligibility.Problem.NOT_ALLOWED);
            assertThat(n.field()).isEqualTo("order_id");
            assertThat(n.message()).contains("shipped");
        });
    }

    @Test
    void theWindowFollowsTheCategory() {
        Instant day20 = DELIVERED.plus(Duration.ofDays(20));
        assertThat(check(List.of(new RequestedItem("2", 1, ReturnReason.OTHER)), Map.of(), day20))
            .isInstanceOfSatisfying(Eligibility.NotEligible.class, n -> assertThat(n.field()).isEqualTo("items[0]"));
        assertThat(check(List.of(new RequestedItem("1", 1, ReturnReason.OTHER)), Map.of(), day20)).isEqualTo(new Eligibility.Eligible());
        Instant day45 = DELIVERED.plus(Duration.ofDays(45));
        assertThat(check(List.of(new RequestedItem("3", 1, ReturnReason.OTHER)), Map.of(), day45)).isEqualTo(new Eligibility.Eligible());
        assertThat(check(List.of(new RequestedItem("1", 1, ReturnReason.OTHER)), Map.of(), day45))
            .isInstanceOf(Eligibility.NotEligible.class);
    }

    @Test
    void unitsAlreadyClaimedCannotBeReturnedAgain() {
        Eligibility e = check(List.of(new RequestedItem("1", 2, ReturnReason.OTHER)), Map.of("1", 1), DELIVERED);
        assertThat(e).isInstanceOfSatisfying(Eligibility.NotEligible.class, n -> {
            assertThat(n.problem()).isEqualTo(Eligibility.Problem.NOT_ALLOWED);
            assertThat(n.field()).isEqualTo("items[0].quantity");
            assertThat(n.message()).startsWith("only 1 of 2 units");
        });
        assertThat(check(List.of(new RequestedItem("1", 1, ReturnReason.OTHER)), Map.of("1", 1), DELIVERED))
            .isEqualTo(new Eligibility.Eligible());
    }

    @Test
    void badItemsNameTheField() {
        assertThat(check(List.of(new RequestedItem("1", 1, ReturnReason.OTHER), new RequestedItem("9", 1, ReturnReason.OTHER)),
            Map.of(), DELIVERED))
            .isEqualTo(new Eligibility.NotEligible(Eligibility.Problem.BAD_INPUT, "items[1].order_item_id", "order o1 has no item 9"));
        assertThat(check(List.of(new RequestedItem("1", 3, ReturnReason.OTHER)), Map.of(), DELIVERED))
            .isInstanceOfSatisfying(Eligibility.NotEligible.class, n -> assertThat(n.field()).isEqualTo("items[0].quantity"));
        assertThat(check(List.of(new RequestedItem("1", 1, ReturnReason.OTHER), new RequestedItem("1", 1, ReturnReason.OTHER)),
            Map.of(), DELIVERED))
            .isInstanceOfSatisfying(Eligibility.NotEligible.class, n -> assertThat(n.field()).isEqualTo("items[1].order_item_id"));
    }

    @Test
    void reasonsAndResolutionsParseFromTheirPlainWords() {
        assertThat(ReturnReason.fromWireName("defective")).contains(ReturnReason.DEFECTIVE);
        assertThat(ReturnReason.fromWireName("broken")).isEmpty();
        assertThat(ReturnReason.CHANGED_MIND.carriesRestockingFee()).isTrue();
        assertThat(ReturnReason.WRONG_ITEM.shopsFault()).isTrue();
        assertThat(ReturnReason.OTHER.shopsFault()).isFalse();
        assertThat(Resolution.fromWireName("")).contains(Resolution.REFUND);
        assertThat(Resolution.fromWireName("store_credit")).contains(Resolution.STORE_CREDIT);
        assertThat(Resolution.fromWireName("cash")).isEmpty();
    }
}
