package dev.cartwright.returns.events;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.cartwright.proto.common.v1.Money;
import dev.cartwright.proto.events.v1.EventReturnItem;
import dev.cartwright.proto.events.v1.ItemRestocked;
import dev.cartwright.proto.events.v1.RefundCompleted;
import dev.cartwright.proto.events.v1.RefundInitiated;
import dev.cartwright.proto.events.v1.ReturnApproved;
import dev.cartwright.proto.events.v1.ReturnItemsReceived;
import dev.cartwright.proto.events.v1.ReturnRejected;
import dev.cartwright.proto.events.v1.ReturnRequested;
import dev.cartwright.returns.store.ReturnLabel;
import dev.cartwright.returns.store.StoredItem;
import dev.cartwright.returns.store.StoredRefund;
import dev.cartwright.returns.store.StoredReturn;
import dev.cartwright.service.outbox.OutboxEvent;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Owns the integration events of the Return Service: their types (the CloudEvents {@code type}) and their events.v1
 * payloads printed as protobuf JSON, ready for the outbox. All are keyed by the return id.
 */
public final class ReturnEvents {

    public static final String RETURN_REQUESTED = "return.requested";
    public static final String RETURN_APPROVED = "return.approved";
    public static final String RETURN_REJECTED = "return.rejected";
    public static final String RETURN_ITEMS_RECEIVED = "return.items_received";
    public static final String REFUND_INITIATED = "refund.initiated";
    public static final String REFUND_COMPLETED = "refund.completed";
    public static final String ITEM_RESTOCKED = "item.restocked";

    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

    private final Supplier<UUID> eventIds;

    public ReturnEvents(Supplier<UUID> eventIds) {
        this.eventIds = eventIds;
    }

    public OutboxEvent requested(StoredReturn r, long refundEstimate, Instant at) {
        ReturnRequested.Builder b = ReturnRequested.newBuilder().setReturnId(r.returnId()).setOrderId(r.orderId())
            .setCustomerId(r.customerId()).setResolution(r.resolution().wireName()).setRefundAmount(money(refundEstimate, r.currency()))
            .setOccurredAt(timestamp(at));
        for (StoredItem i : r.items()) {
            b.addItems(EventReturnItem.newBuilder().setOrderItemId(i.orderItemId()).setProductId(i.productId()).setQuantity(i.quantity())
                .setReason(i.reason().wireName()));
        }
        return event(r.returnId(), RETURN_REQUESTED, b.build(), at);
    }

    public OutboxEvent approved(StoredReturn r, String approvedBy, ReturnLabel label, Instant at) {
        return event(r.returnId(), RETURN_APPROVED, ReturnApproved.newBuilder().setReturnId(r.returnId()).setOrderId(r.orderId())
            .setCustomerId(r.customerId()).setApprovedBy(approvedBy).setCarrier(label.carrier()).setTrackingNumber(label.trackingNumber())
            .setOccurredAt(timestamp(at)).build(), at);
    }

    public OutboxEvent rejected(StoredReturn r, String rejectedBy, String reason, Instant at) {
        return event(r.returnId(), RETURN_REJECTED, ReturnRejected.newBuilder().setReturnId(r.returnId()).setOrderId(r.orderId())
            .setCustomerId(r.customerId()).setRejectedBy(rejectedBy).setReason(reason).setOccurredAt(timestamp(at)).build(), at);
    }

    /** Built from the return as it is after the items were recorded. */
    public OutboxEvent itemsReceived(StoredReturn r, Instant at) {
        ReturnItemsReceived.Builder b = ReturnItemsReceived.newBuilder().setReturnId(r.returnId()).setOrderId(r.orderId())
            .setOccurredAt(timestamp(at));
        for (StoredItem i : r.items()) {
            b.addItems(ReturnItemsReceived.Received.newBuilder().setOrderItemId(i.orderItemId()).setProductId(i.productId())
                .setQuantityReceived(i.quantityReceived()).setCondition(i.condition()).setPassedInspection(i.passedInspection()));
        }
        return event(r.returnId(), RETURN_ITEMS_RECEIVED, b.build(), at);
    }

    public OutboxEvent refundInitiated(StoredReturn r, StoredRefund f, Instant at) {
        return event(r.returnId(), REFUND_INITIATED, RefundInitiated.newBuilder().setRefundId(f.refundId()).setReturnId(r.returnId())
            .setOrderId(r.orderId()).setCustomerId(r.customerId()).setKind(f.kind().wireName()).setAmount(money(f.amount(), f.currency()))
            .setIdempotencyKey(f.idempotencyKey()).setOccurredAt(timestamp(at)).build(), at);
    }

    public OutboxEvent refundCompleted(StoredReturn r, StoredRefund f, String paymentRefundId, Instant at) {
        return event(r.returnId(), REFUND_COMPLETED, RefundCompleted.newBuilder().setRefundId(f.refundId()).setReturnId(r.returnId())
            .setOrderId(r.orderId()).setCustomerId(r.customerId()).setKind(f.kind().wireName()).setAmount(money(f.amount(), f.currency()))
            .setPaymentRefundId(paymentRefundId).setOccurredAt(timestamp(at)).build(), at);
    }

    public OutboxEvent itemRestocked(String returnId, String orderId, String productId, int quantity, String condition, Instant at) {
        return event(returnId, ITEM_RESTOCKED, ItemRestocked.newBuilder().setReturnId(returnId).setOrderId(orderId).setProductId(productId)
            .setQuantity(quantity).setCondition(condition).setOccurredAt(timestamp(at)).build(), at);
    }

    private OutboxEvent event(String returnId, String type, Message payload, Instant at) {
        return new OutboxEvent(eventIds.get(), returnId, type, json(payload), at.atOffset(ZoneOffset.UTC));
    }

    public static String json(Message payload) {
        try {
            return JSON.print(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + payload.getDescriptorForType().getFullName(), e);
        }
    }

    public static Money money(long minor, String currency) {
        return Money.newBuilder().setAmountMinor(minor).setCurrencyCode(currency).build();
    }

    /** A protobuf timestamp as an instant, to the microsecond PostgreSQL keeps. */
    public static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).truncatedTo(ChronoUnit.MICROS);
    }

    public static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }
}
