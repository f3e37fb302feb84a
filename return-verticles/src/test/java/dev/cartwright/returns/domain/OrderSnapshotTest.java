package dev.cartwright.returns.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which orders the projection refuses to take, and the reason it names. */
class OrderSnapshotTest {

    private static OrderLine line(String id, int quantity, long total) {
        return new OrderLine(id, "p-" + id, "c1", quantity, 1000, 0, 0, total);
    }

    private static OrderSnapshot order(List<OrderLine> lines, long shipping, long grandTotal) {
        return new OrderSnapshot("o-1", "cust-1", OrderSnapshot.DELIVERED, "EUR", lines, shipping, grandTotal, "pay-1",
            Optional.of(Instant.parse("2026-01-01T00:00:00Z")));
    }

    @Test
    void aSoundOrderHasNoDefect() {
        assertThat(order(List.of(line("1", 2, 2000), line("2", 1, 1000)), 499, 3499).defect()).isEmpty();
    }

    @Test
    void eachDefectIsNamedByItsField() {
        assertThat(order(List.of(line("1", 0, 0)), 0, 0).defect()).hasValue("items[0].quantity must be at least 1, was 0");
        assertThat(order(List.of(line("1", 1, 1000)), 0, -1).defect()).hasValue("grand_total must not be negative, was -1");
        assertThat(order(List.of(line("1", 1, 1000)), -5, 1000).defect()).hasValue("shipping must not be negative, was -5");
        assertThat(order(List.of(line("1", 1, 1000), line("1", 1, 1000)), 0, 2000).defect())
            .hasValue("items[1].order_item_id 1 appears more than once");
        assertThat(order(List.of(line("1", 1, -1)), 0, 0).defect()).hasValue("items[0].total must not be negative, was -1");
        assertThat(order(List.of(line(" ", 1, 1000)), 0, 1000).defect()).hasValue("items[0].order_item_id is empty");
        assertThat(order(List.of(), 0, 0).defect()).hasValue("items: the order has no lines");
        assertThat(new OrderSnapshot("o-1", "", "delivered", "EUR", List.of(line("1", 1, 1)), 0, 1, "", Optional.empty()).defect())
            .hasValue("customer_id is empty");
    }
}
