package dev.cartwright.checkout.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.JsonFormat;
import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartLine;
import dev.cartwright.cart.CartStatus;
import dev.cartwright.proto.events.v1.CartAbandoned;
import dev.cartwright.proto.events.v1.CartConverted;
import dev.cartwright.proto.events.v1.CartCreated;
import dev.cartwright.proto.events.v1.CartItemAdded;
import dev.cartwright.proto.events.v1.CartItemRemoved;
import dev.cartwright.proto.events.v1.CartItemUpdated;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CartEventsTest {

    private static final long AT = 1_764_000_000_123L;

    private static CartChange change(String id, String type, Map<String, String> extra) {
        Map<String, String> fields = new HashMap<>(Map.of("cart_id", "cart1", "version", "4", "type", type, "customer_id", "123",
            "currency", "USD", "at", Long.toString(AT), "product_id", "456", "quantity", "3", "delta", "2", "unit_price", "999"));
        fields.putAll(extra);
        return new CartChange(id, fields);
    }

    private static String data(CloudEvent event) {
        return new String(event.getData().toBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void anItemAddedBecomesACloudEventWithTheEntryIdAndProtobufJson() throws Exception {
        CloudEvent event = CartEvents.toCloudEvent(change("1700-0", "cart.item.added", Map.of()), Optional.empty());
        assertThat(event.getId()).isEqualTo("1700-0");
        assertThat(event.getType()).isEqualTo("cart.item.added");
        assertThat(event.getSource().toString()).isEqualTo("/checkout/cart");
        assertThat(event.getSubject()).isEqualTo("cart1");
        assertThat(event.getDataContentType()).isEqualTo("application/json");
        assertThat(event.getTime().toInstant()).isEqualTo(Instant.ofEpochMilli(AT));
        CartItemAdded.Builder added = CartItemAdded.newBuilder();
        JsonFormat.parser().merge(data(event), added);
        assertThat(added.getCartId()).isEqualTo("cart1");
        assertThat(added.getCustomerId()).isEqualTo("123");
        assertThat(added.getProductId()).isEqualTo("456");
        assertThat(added.getQuantityAdded()).isEqualTo(2);
        assertThat(added.getLineQuantity()).isEqualTo(3);
        assertThat(added.getUnitPrice().getAmountMinor()).isEqualTo(999);
        assertThat(added.getUnitPrice().getCurrencyCode()).isEqualTo("USD");
        assertThat(added.getVersion()).isEqualTo(4);
        assertThat(added.getOccurredAt().getSeconds()).isEqualTo(AT / 1000);
    }

    @Test
    void eachPublishedTypeCarriesItsOwnFields() throws Exception {
        CartCreated.Builder created = CartCreated.newBuilder();
        JsonFormat.parser().merge(data(CartEvents.toCloudEvent(change("1-0", "cart.created", Map.of()), Optional.empty())), created);
        assertThat(created.getCurrencyCode()).isEqualTo("USD");
        assertThat(created.getVersion()).isEqualTo(4);

        CartItemUpdated.Builder updated = CartItemUpdated.newBuilder();
        JsonFormat.parser().merge(data(CartEvents.toCloudEvent(change("2-0", "cart.item.updated", Map.of()), Optional.empty())), updated);
        assertThat(updated.getPreviousQuantity()).isEqualTo(2);
        assertThat(updated.getQuantity()).isEqualTo(3);

        CartItemRemoved.Builder removed = CartItemRemoved.newBuilder();
        JsonFormat.parser().merge(data(CartEvents.toCloudEvent(change("3-0", "cart.item.removed", Map.of()), Optional.empty())), removed);
        assertThat(removed.getPreviousQuantity()).isEqualTo(2);

        CartConverted.Builder converted = CartConverted.newBuilder();
        JsonFormat.parser().merge(data(CartEvents.toCloudEvent(change("4-0", "cart.converted", Map.of("order_id", "ord-9",
            "checkout_id", "chk-3")), Optional.empty())), converted);
        assertThat(converted.getOrderId()).isEqualTo("ord-9");
        assertThat(converted.getCheckoutId()).isEqualTo("chk-3");
    }

    @Test
    void anAbandonedCartCarriesItsLinesAndSubtotalFromTheStoredCart() throws Exception {
        Instant created = Instant.parse("2026-01-01T00:00:00Z");
        Instant lastActivity = Instant.parse("2026-01-02T00:00:00Z");
        Cart cart = new Cart("cart1", "123", CartStatus.ABANDONED, "USD", "US-CA",
            List.of(new CartLine("456", "c9", "Backpack", 2, 999, created), new CartLine("123", "c1", "Shirt", 1, 1500, created)),
            List.of(), 5, created, lastActivity, "");
        CartAbandoned.Builder abandoned = CartAbandoned.newBuilder();
        JsonFormat.parser().merge(data(CartEvents.toCloudEvent(change("5-0", "cart.abandoned", Map.of()), Optional.of(cart))), abandoned);
        assertThat(abandoned.getItemsList()).hasSize(2);
        assertThat(abandoned.getSubtotal().getAmountMinor()).isEqualTo(2 * 999 + 1500);
        assertThat(abandoned.getLastActivityAt().getSeconds()).isEqualTo(lastActivity.getEpochSecond());
    }

    @Test
    void internalChangesAreNotPublished() {
        for (String type : List.of("cart.cleared", "cart.promotion.applied", "cart.promotion.removed", "cart.merged")) {
            CartChange c = change("9-0", type, Map.of());
            assertThat(CartEvents.isPublished(c)).as(type).isFalse();
            assertThatThrownBy(() -> CartEvents.toCloudEvent(c, Optional.empty())).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(CartEvents.PUBLISHED).containsExactlyInAnyOrder("cart.created", "cart.item.added", "cart.item.updated",
            "cart.item.removed", "cart.abandoned", "cart.converted");
    }

    @Test
    void theSameEntryAlwaysGivesTheSameEvent() {
        CartChange c = change("77-1", "cart.item.added", Map.of());
        CloudEvent first = CartEvents.toCloudEvent(c, Optional.empty());
        CloudEvent second = CartEvents.toCloudEvent(c, Optional.empty());
        assertThat(second.getId()).isEqualTo(first.getId());
        assertThat(data(second)).isEqualTo(data(first));
    }

    @Test
    void aNonNumericFieldIsReportedWithTheEntry() {
        CartChange c = change("8-0", "cart.item.added", Map.of("version", "seven"));
        assertThatThrownBy(() -> CartEvents.toCloudEvent(c, Optional.empty())).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("8-0").hasMessageContaining("version");
    }
}
