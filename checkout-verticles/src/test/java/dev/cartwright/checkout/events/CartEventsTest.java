package dev.cartwright.checkout.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.JsonFormat;
import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartLine;
import dev.cartwright.cart.CartStatus;
import dev.cartwright.cart.store.change.CartChange.Abandoned;
import dev.cartwright.cart.store.change.CartChange.Applied;
import dev.cartwright.cart.store.change.CartChange.Cleared;
import dev.cartwright.cart.store.change.CartChange.Converted;
import dev.cartwright.cart.store.change.CartChange.Created;
import dev.cartwright.cart.store.change.CartChange.Gone;
import dev.cartwright.cart.store.change.CartChange.ItemAdded;
import dev.cartwright.cart.store.change.CartChange.ItemRemoved;
import dev.cartwright.cart.store.change.CartChange.ItemUpdated;
import dev.cartwright.cart.store.change.CartChange.Merged;
import dev.cartwright.cart.store.change.CartChange.OtherKind;
import dev.cartwright.cart.store.change.CartChange.PromotionApplied;
import dev.cartwright.cart.store.change.CartChange.PromotionRemoved;
import dev.cartwright.cart.store.change.CartChange.Stamp;
import dev.cartwright.cart.store.change.CartChange.Unreadable;
import dev.cartwright.proto.events.v1.CartAbandoned;
import dev.cartwright.proto.events.v1.CartConverted;
import dev.cartwright.proto.events.v1.CartCreated;
import dev.cartwright.proto.events.v1.CartItemAdded;
import dev.cartwright.proto.events.v1.CartItemRemoved;
import dev.cartwright.proto.events.v1.CartItemUpdated;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CartEventsTest {

    private static final long AT = 1_764_000_000_123L;

    private static Stamp stamp(String entryId) {
        return new Stamp(entryId, "cart1", 4, "123", "USD", Instant.ofEpochMilli(AT), Optional.empty());
    }

    private static String data(CloudEvent event) {
        return new String(event.getData().toBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void anItemAddedBecomesACloudEventWithTheEntryIdAndProtobufJson() throws Exception {
        CloudEvent event = CartEvents.toCloudEvent(new ItemAdded(stamp("1700-0"), "456", 3, 2, 999), Optional.empty());
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
        JsonFormat.parser().merge(data(CartEvents.toCloudEvent(new Created(stamp("1-0")), Optional.empty())), created);
        assertThat(created.getCurrencyCode()).isEqualTo("USD");
        assertThat(created.getVersion()).isEqualTo(4);

        CartItemUpdated.Builder updated = CartItemUpdated.newBuilder();
        JsonFormat.parser().merge(data(CartEvents.toCloudEvent(new ItemUpdated(stamp("2-0"), "456", 3, 2, 999), Optional.empty())),
            updated);
        assertThat(updated.getPreviousQuantity()).isEqualTo(2);
        assertThat(updated.getQuantity()).isEqualTo(3);

        CartItemRemoved.Builder removed = CartItemRemoved.newBuilder();
        JsonFormat.parser().merge(data(CartEvents.toCloudEvent(new ItemRemoved(stamp("3-0"), "456", 2, 999), Optional.empty())), removed);
        assertThat(removed.getPreviousQuantity()).isEqualTo(2);

        CartConverted.Builder converted = CartConverted.newBuilder();
        JsonFormat.parser().merge(data(CartEvents.toCloudEvent(new Converted(stamp("4-0"), "ord-9", "chk-3"), Optional.empty())),
            converted);
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
        JsonFormat.parser().merge(data(CartEvents.toCloudEvent(new Abandoned(stamp("5-0")), Optional.of(cart))), abandoned);
        assertThat(abandoned.getItemsList()).hasSize(2);
        assertThat(abandoned.getSubtotal().getAmountMinor()).isEqualTo(2 * 999 + 1500);
        assertThat(abandoned.getLastActivityAt().getSeconds()).isEqualTo(lastActivity.getEpochSecond());
    }

    @Test
    void internalChangesAreNotPublished() {
        List<Applied> internal = List.of(new Cleared(stamp("9-0"), 2), new PromotionApplied(stamp("9-1"), "SAVE"),
            new PromotionRemoved(stamp("9-2"), "SAVE"), new Merged(stamp("9-3"), "cart2", 3), new OtherKind(stamp("9-4"), "cart.noted"));
        for (Applied change : internal) {
            assertThat(CartEvents.isPublished(change)).as(change.type()).isFalse();
            assertThatThrownBy(() -> CartEvents.toCloudEvent(change, Optional.empty())).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(CartEvents.isPublished(new Gone("9-5"))).isFalse();
        assertThat(CartEvents.isPublished(new Unreadable("9-6", "cart1", "field version is not a number", Optional.empty()))).isFalse();
        assertThat(CartEvents.PUBLISHED).containsExactlyInAnyOrder("cart.created", "cart.item.added", "cart.item.updated",
            "cart.item.removed", "cart.abandoned", "cart.converted");
        for (Applied change : List.of(new Created(stamp("1-0")), new ItemAdded(stamp("1-1"), "p", 1, 1, 1),
            new ItemUpdated(stamp("1-2"), "p", 2, 1, 1), new ItemRemoved(stamp("1-3"), "p", 2, 1), new Abandoned(stamp("1-4")),
            new Converted(stamp("1-5"), "o", "c"))) {
            assertThat(CartEvents.isPublished(change)).as(change.type()).isTrue();
            assertThat(CartEvents.PUBLISHED).contains(change.type());
        }
    }

    @Test
    void theSameChangeAlwaysGivesTheSameEvent() {
        ItemAdded c = new ItemAdded(stamp("77-1"), "456", 3, 2, 999);
        CloudEvent first = CartEvents.toCloudEvent(c, Optional.empty());
        CloudEvent second = CartEvents.toCloudEvent(c, Optional.empty());
        assertThat(second.getId()).isEqualTo(first.getId());
        assertThat(data(second)).isEqualTo(data(first));
    }
}
