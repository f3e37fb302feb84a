package dev.cartwright.checkout.events;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartLine;
import dev.cartwright.cart.store.change.CartChange;
import dev.cartwright.cart.store.change.CartChange.Abandoned;
import dev.cartwright.cart.store.change.CartChange.Applied;
import dev.cartwright.cart.store.change.CartChange.Converted;
import dev.cartwright.cart.store.change.CartChange.Created;
import dev.cartwright.cart.store.change.CartChange.ItemAdded;
import dev.cartwright.cart.store.change.CartChange.ItemRemoved;
import dev.cartwright.cart.store.change.CartChange.ItemUpdated;
import dev.cartwright.proto.common.v1.Money;
import dev.cartwright.proto.events.v1.CartAbandoned;
import dev.cartwright.proto.events.v1.CartConverted;
import dev.cartwright.proto.events.v1.CartCreated;
import dev.cartwright.proto.events.v1.CartItemAdded;
import dev.cartwright.proto.events.v1.CartItemRemoved;
import dev.cartwright.proto.events.v1.CartItemUpdated;
import dev.cartwright.proto.events.v1.EventLine;
import dev.cartwright.service.tracing.EventTraces;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Owns what a cart change looks like on Kafka: which changes become events, and the CloudEvents 1.0 event each
 * becomes (id = stream entry id, source {@value #SOURCE}, type = the change's type, subject = cart id, data = the
 * events.v1 message as protobuf JSON). Pure: the same change always gives the same event, so a re-sent entry carries
 * the same id and consumers can de-duplicate it.
 */
public final class CartEvents {

    public static final String SOURCE = "/checkout/cart";
    public static final String CREATED = CartChange.CREATED;
    public static final String ITEM_ADDED = CartChange.ITEM_ADDED;
    public static final String ITEM_UPDATED = CartChange.ITEM_UPDATED;
    public static final String ITEM_REMOVED = CartChange.ITEM_REMOVED;
    public static final String ABANDONED = CartChange.ABANDONED;
    public static final String CONVERTED = CartChange.CONVERTED;

    /** The change types the product publishes; the others (cleared, promotions, merged) are internal. */
    public static final Set<String> PUBLISHED = Set.of(CREATED, ITEM_ADDED, ITEM_UPDATED, ITEM_REMOVED, ABANDONED, CONVERTED);

    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final URI SOURCE_URI = URI.create(SOURCE);

    private CartEvents() {
    }

    public static boolean isPublished(CartChange change) {
        return change instanceof Created || change instanceof ItemAdded || change instanceof ItemUpdated || change instanceof ItemRemoved
            || change instanceof Abandoned || change instanceof Converted;
    }

    /**
     * The event for a published change. {@code cart} is the cart as the change left it, used only for what the
     * change itself does not say (the lines of an abandoned cart); it may be empty.
     *
     * @throws IllegalArgumentException for a change that is not published
     */
    public static CloudEvent toCloudEvent(Applied change, Optional<Cart> cart) {
        Instant at = change.stamp().at();
        // The frequent types are written directly (same bytes as JsonFormat prints, at a fraction of the cost).
        byte[] data = CartEventJson.of(change, timestamp(at));
        if (data == null) {
            data = json(payload(change, cart));
        }
        CloudEventBuilder event = CloudEventBuilder.v1()
            .withId(change.entryId())
            .withSource(SOURCE_URI)
            .withType(change.type())
            .withSubject(change.cartId())
            .withTime(OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
            .withDataContentType("application/json")
            .withData(data);
        CartChange.Stamp stamp = change.stamp();
        if (!stamp.traceParent().isEmpty()) {
            // The change was made inside a trace: the event continues it (distributed-tracing extension).
            EventTraces.carry(event, Map.of(EventTraces.TRACEPARENT, stamp.traceParent(), EventTraces.TRACESTATE, stamp.traceState()));
        }
        return event.build();
    }

    static Message payload(Applied change, Optional<Cart> cart) {
        CartChange.Stamp stamp = change.stamp();
        Timestamp occurred = timestamp(stamp.at());
        if (change instanceof Created) {
            return CartCreated.newBuilder()
                .setCartId(stamp.cartId()).setCustomerId(stamp.customerId()).setCurrencyCode(stamp.currency())
                .setVersion(stamp.version()).setOccurredAt(occurred).build();
        }
        if (change instanceof ItemAdded added) {
            return CartItemAdded.newBuilder()
                .setCartId(stamp.cartId()).setCustomerId(stamp.customerId()).setProductId(added.productId())
                .setQuantityAdded(added.quantityAdded()).setLineQuantity(added.lineQuantity())
                .setUnitPrice(money(added.unitPriceMinor(), stamp.currency()))
                .setVersion(stamp.version()).setOccurredAt(occurred).build();
        }
        if (change instanceof ItemUpdated updated) {
            return CartItemUpdated.newBuilder()
                .setCartId(stamp.cartId()).setCustomerId(stamp.customerId()).setProductId(updated.productId())
                .setPreviousQuantity(updated.previousQuantity()).setQuantity(updated.quantity())
                .setVersion(stamp.version()).setOccurredAt(occurred).build();
        }
        if (change instanceof ItemRemoved removed) {
            return CartItemRemoved.newBuilder()
                .setCartId(stamp.cartId()).setCustomerId(stamp.customerId()).setProductId(removed.productId())
                .setPreviousQuantity(removed.previousQuantity())
                .setVersion(stamp.version()).setOccurredAt(occurred).build();
        }
        if (change instanceof Abandoned) {
            return abandoned(stamp, occurred, cart);
        }
        if (change instanceof Converted converted) {
            return CartConverted.newBuilder()
                .setCartId(stamp.cartId()).setCustomerId(stamp.customerId())
                .setCheckoutId(converted.checkoutId()).setOrderId(converted.orderId())
                .setVersion(stamp.version()).setOccurredAt(occurred).build();
        }
        throw new IllegalArgumentException("cart change type " + change.type() + " is not published");
    }

    private static Message abandoned(CartChange.Stamp stamp, Timestamp occurred, Optional<Cart> cart) {
        CartAbandoned.Builder event = CartAbandoned.newBuilder()
            .setCartId(stamp.cartId()).setCustomerId(stamp.customerId())
            .setVersion(stamp.version()).setOccurredAt(occurred);
        if (cart.isPresent()) {
            Cart stored = cart.get();
            String currency = stored.currency();
            long subtotal = 0;
            for (CartLine line : stored.lines()) {
                event.addItems(EventLine.newBuilder().setProductId(line.productId()).setQuantity(line.quantity())
                    .setUnitPrice(money(line.unitPriceMinor(), currency)));
                subtotal = Math.addExact(subtotal, line.amountMinor());
            }
            event.setSubtotal(money(subtotal, currency));
            event.setLastActivityAt(timestamp(stored.updatedAt()));
        }
        return event.build();
    }

    private static Money money(long amount, String currency) {
        return Money.newBuilder().setAmountMinor(amount).setCurrencyCode(currency).build();
    }

    private static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }

    private static byte[] json(Message message) {
        try {
            return JSON.print(message).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getDescriptorForType().getFullName(), e);
        }
    }
}
