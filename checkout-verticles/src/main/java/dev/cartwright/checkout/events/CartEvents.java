package dev.cartwright.checkout.events;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartLine;
import dev.cartwright.proto.common.v1.Money;
import dev.cartwright.proto.events.v1.CartAbandoned;
import dev.cartwright.proto.events.v1.CartConverted;
import dev.cartwright.proto.events.v1.CartCreated;
import dev.cartwright.proto.events.v1.CartItemAdded;
import dev.cartwright.proto.events.v1.CartItemRemoved;
import dev.cartwright.proto.events.v1.CartItemUpdated;
import dev.cartwright.proto.events.v1.EventLine;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;

/**
 * Owns what a cart change looks like on Kafka: which stream entry types become events, and the CloudEvents 1.0
 * event each becomes (id = stream entry id, source {@value #SOURCE}, type = the entry type, subject = cart id,
 * data = the events.v1 message as protobuf JSON). Pure: the same entry always gives the same event, so a
 * re-sent entry carries the same id and consumers can de-duplicate it.
 */
public final class CartEvents {

    public static final String SOURCE = "/checkout/cart";
    public static final String CREATED = "cart.created";
    public static final String ITEM_ADDED = "cart.item.added";
    public static final String ITEM_UPDATED = "cart.item.updated";
    public static final String ITEM_REMOVED = "cart.item.removed";
    public static final String ABANDONED = "cart.abandoned";
    public static final String CONVERTED = "cart.converted";

    /** The entry types the product publishes; the others (cleared, promotions, merged) are internal. */
    public static final Set<String> PUBLISHED = Set.of(CREATED, ITEM_ADDED, ITEM_UPDATED, ITEM_REMOVED, ABANDONED, CONVERTED);

    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final URI SOURCE_URI = URI.create(SOURCE);

    private CartEvents() {
    }

    public static boolean isPublished(CartChange change) {
        return PUBLISHED.contains(change.type());
    }

    /**
     * The event for a published change. {@code cart} is the cart's stored state, used only for what the stream
     * entry does not carry (the lines of an abandoned cart); it may be empty.
     */
    public static CloudEvent toCloudEvent(CartChange change, Optional<Cart> cart) {
        Instant at = Instant.ofEpochMilli(change.longField("at"));
        // The frequent types are written directly (same bytes as JsonFormat prints, at a fraction of the cost).
        byte[] data = CartEventJson.of(change, timestamp(at));
        if (data == null) {
            data = json(payload(change, at, cart));
        }
        return CloudEventBuilder.v1()
            .withId(change.entryId())
            .withSource(SOURCE_URI)
            .withType(change.type())
            .withSubject(change.cartId())
            .withTime(OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
            .withDataContentType("application/json")
            .withData(data)
            .build();
    }

    static Message payload(CartChange c, Instant at, Optional<Cart> cart) {
        Timestamp occurred = timestamp(at);
        String currency = c.field("currency");
        return switch (c.type()) {
            case CREATED -> CartCreated.newBuilder()
                .setCartId(c.cartId()).setCustomerId(c.field("customer_id")).setCurrencyCode(currency)
                .setVersion(c.longField("version")).setOccurredAt(occurred).build();
            case ITEM_ADDED -> CartItemAdded.newBuilder()
                .setCartId(c.cartId()).setCustomerId(c.field("customer_id")).setProductId(c.field("product_id"))
                .setQuantityAdded(c.intField("delta")).setLineQuantity(c.intField("quantity"))
                .setUnitPrice(money(c.longField("unit_price"), currency))
                .setVersion(c.longField("version")).setOccurredAt(occurred).build();
            case ITEM_UPDATED -> CartItemUpdated.newBuilder()
                .setCartId(c.cartId()).setCustomerId(c.field("customer_id")).setProductId(c.field("product_id"))
                .setPreviousQuantity(c.intField("delta")).setQuantity(c.intField("quantity"))
                .setVersion(c.longField("version")).setOccurredAt(occurred).build();
            case ITEM_REMOVED -> CartItemRemoved.newBuilder()
                .setCartId(c.cartId()).setCustomerId(c.field("customer_id")).setProductId(c.field("product_id"))
                .setPreviousQuantity(c.intField("delta"))
                .setVersion(c.longField("version")).setOccurredAt(occurred).build();
            case ABANDONED -> abandoned(c, occurred, cart);
            case CONVERTED -> CartConverted.newBuilder()
                .setCartId(c.cartId()).setCustomerId(c.field("customer_id"))
                .setCheckoutId(c.field("checkout_id")).setOrderId(c.field("order_id"))
                .setVersion(c.longField("version")).setOccurredAt(occurred).build();
            default -> throw new IllegalArgumentException("cart change type " + c.type() + " is not published");
        };
    }

    private static Message abandoned(CartChange c, Timestamp occurred, Optional<Cart> cart) {
        CartAbandoned.Builder event = CartAbandoned.newBuilder()
            .setCartId(c.cartId()).setCustomerId(c.field("customer_id"))
            .setVersion(c.longField("version")).setOccurredAt(occurred);
        String currency = c.field("currency");
        if (cart.isPresent()) {
            Cart stored = cart.get();
            currency = stored.currency();
            long subtotal = 0;
            for (CartLine line : stored.lines()) {
                event.addItems(EventLine.newBuilder().setProductId(line.productId()).setQuantity(line.quantity())
                    .setUnitPrice(money(line.unitPriceMinor(), currency)));
                subtotal = Math.addExact(subtotal, line.amountMinor());
            }
            event.setSubtotal(money(subtotal, currency));
            event.setLastActivityAt(timestamp(stored.updatedAt()));
        }
        if (c.fields().containsKey("last_activity_at")) {
            event.setLastActivityAt(timestamp(Instant.ofEpochMilli(c.longField("last_activity_at"))));
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
