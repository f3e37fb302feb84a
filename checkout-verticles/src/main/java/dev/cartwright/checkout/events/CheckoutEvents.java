package dev.cartwright.checkout.events;

import dev.cartwright.checkout.domain.FrozenLine;
import dev.cartwright.checkout.domain.Checkout;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.cartwright.proto.common.v1.Money;
import dev.cartwright.proto.events.v1.CheckoutCompleted;
import dev.cartwright.proto.events.v1.CheckoutFailed;
import dev.cartwright.proto.events.v1.CheckoutStarted;
import dev.cartwright.proto.events.v1.EventLine;
import dev.cartwright.service.outbox.OutboxEvent;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Owns the checkout events as the outbox stores them: one events.v1 payload per event, printed as protobuf JSON, keyed
 * by the checkout id (so one checkout's events stay in order on Kafka), with a fresh event id consumers de-duplicate
 * on. The relay publishes them as CloudEvents of these types to the checkout events topic.
 */
public final class CheckoutEvents {

    public static final String STARTED = "checkout.started";
    public static final String COMPLETED = "checkout.completed";
    public static final String FAILED = "checkout.failed";
    /** The CloudEvents source of every checkout event. */
    public static final URI SOURCE = URI.create("/checkout/checkout");

    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

    private final Supplier<UUID> eventIds;

    public CheckoutEvents(Supplier<UUID> eventIds) {
        this.eventIds = eventIds;
    }

    public OutboxEvent started(Checkout.Open c, Instant at) {
        CheckoutStarted.Builder payload = CheckoutStarted.newBuilder()
            .setCheckoutId(c.checkoutId()).setCartId(c.cartId()).setCustomerId(c.customerId().orElse("")).setCartVersion(c.cartVersion())
            .setGrandTotal(money(c.totals().grandTotal(), c.currency())).setReservationId(c.reservationId())
            .setOccurredAt(timestamp(at));
        for (FrozenLine l : c.lines()) {
            payload.addItems(EventLine.newBuilder().setProductId(l.productId()).setQuantity(l.quantity())
                .setUnitPrice(money(l.unitPrice(), c.currency())));
        }
        return event(c.checkoutId(), STARTED, payload.build(), at);
    }

    public OutboxEvent completed(Checkout.Completed c, Instant at) {
        return event(c.checkoutId(), COMPLETED, CheckoutCompleted.newBuilder()
            .setCheckoutId(c.checkoutId()).setCartId(c.cartId()).setCustomerId(c.customerId().orElse("")).setOrderId(c.orderId())
            .setPaymentAuthorizationId(c.authorizationId().orElse("")).setGrandTotal(money(c.totals().grandTotal(), c.currency()))
            .setOccurredAt(timestamp(at)).build(), at);
    }

    public OutboxEvent failed(Checkout.Failed c, Instant at) {
        return event(c.checkoutId(), FAILED, CheckoutFailed.newBuilder()
            .setCheckoutId(c.checkoutId()).setCartId(c.cartId()).setCustomerId(c.customerId().orElse(""))
            .setFailedStep(c.failure().step().orElse("")).setReason(c.failure().reason())
            .addAllCompensatedSteps(c.failure().compensated()).setOccurredAt(timestamp(at)).build(), at);
    }

    private OutboxEvent event(String checkoutId, String type, Message payload, Instant at) {
        return new OutboxEvent(eventIds.get(), checkoutId, type, json(payload), at.atOffset(ZoneOffset.UTC));
    }

    static String json(Message payload) {
        try {
            return JSON.print(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + payload.getDescriptorForType().getFullName(), e);
        }
    }

    static Money money(long minor, String currency) {
        return Money.newBuilder().setAmountMinor(minor).setCurrencyCode(currency).build();
    }

    static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }
}
