package dev.cartwright.returns.api;

import dev.cartwright.proto.returns.v1.Refund;
import dev.cartwright.proto.returns.v1.RefundStatus;
import dev.cartwright.proto.returns.v1.ReturnItem;
import dev.cartwright.proto.returns.v1.ReturnRequest;
import dev.cartwright.proto.returns.v1.ReturnShipping;
import dev.cartwright.proto.returns.v1.ReturnStatus;
import dev.cartwright.proto.returns.v1.StatusChange;
import dev.cartwright.returns.events.ReturnEvents;
import dev.cartwright.returns.store.StoredItem;
import dev.cartwright.returns.store.StoredRefund;
import dev.cartwright.returns.store.StoredReturn;

/** Owns turning stored returns into return.v1 messages. */
final class ReturnMessages {

    private ReturnMessages() {
    }

    static ReturnRequest toProto(StoredReturn r) {
        ReturnRequest.Builder b = ReturnRequest.newBuilder()
            .setReturnId(r.returnId())
            .setOrderId(r.orderId())
            .setCustomerId(r.customerId())
            .setStatus(status(r.status()))
            .setResolution(r.resolution().wireName())
            .setRejectionReason(r.rejectionReason())
            .setVersion(r.version())
            .setCreatedAt(ReturnEvents.timestamp(r.createdAt()))
            .setUpdatedAt(ReturnEvents.timestamp(r.updatedAt()));
        long refundTotal = r.refundEstimate();
        for (StoredItem i : r.items()) {
            ReturnItem.Builder item = ReturnItem.newBuilder()
                .setOrderItemId(i.orderItemId())
                .setProductId(i.productId())
                .setQuantity(i.quantity())
                .setReason(i.reason().wireName())
                .setNote(i.note())
                .setQuantityReceived(i.quantityReceived())
                .setCondition(i.condition())
                .setRestocked("done".equals(i.restockStatus()))
                .setExchangeProductId(i.exchangeProductId());
            if (i.refundAmount().isPresent()) {
                item.setRefundAmount(ReturnEvents.money(i.refundAmount().getAsLong(), r.currency()));
            }
            b.addItems(item);
        }
        if (r.refund().isPresent()) {
            StoredRefund f = r.refund().get();
            refundTotal = f.amount();
            Refund.Builder refund = Refund.newBuilder()
                .setRefundId(f.refundId())
                .setKind(f.kind().wireName())
                .setStatus(switch (f.status()) {
                    case StoredRefund.COMPLETED -> RefundStatus.REFUND_STATUS_COMPLETED;
                    case StoredRefund.FAILED -> RefundStatus.REFUND_STATUS_FAILED;
                    default -> RefundStatus.REFUND_STATUS_PENDING;
                })
                .setAmount(ReturnEvents.money(f.amount(), f.currency()))
                .setPaymentRefundId(f.paymentRefundId())
                .setIdempotencyKey(f.idempotencyKey())
                .setLastError(f.lastError())
                .setAttempts(f.attempts())
                .setCreatedAt(ReturnEvents.timestamp(f.createdAt()))
                .setExchangeOrderId(f.exchangeOrderId());
            f.completedAt().ifPresent(t -> refund.setCompletedAt(ReturnEvents.timestamp(t)));
            b.addRefunds(refund);
        }
        b.setRefundAmount(ReturnEvents.money(refundTotal, r.currency()));
        r.label().ifPresent(l -> b.setShipping(ReturnShipping.newBuilder().setCarrier(l.carrier()).setTrackingNumber(l.trackingNumber())
            .setLabelUrl(l.labelUrl())));
        r.history().forEach(h -> {
            StatusChange.Builder change = StatusChange.newBuilder().setToStatus(status(h.to())).setActor(h.actor()).setReason(h.reason())
                .setAt(ReturnEvents.timestamp(h.at()));
            h.from().ifPresent(f -> change.setFromStatus(status(f)));
            b.addHistory(change);
        });
        return b.build();
    }

    static ReturnStatus status(dev.cartwright.returns.domain.ReturnStatus s) {
        return switch (s) {
            case REQUESTED -> ReturnStatus.RETURN_STATUS_REQUESTED;
            case APPROVED -> ReturnStatus.RETURN_STATUS_APPROVED;
            case REJECTED -> ReturnStatus.RETURN_STATUS_REJECTED;
            case ITEMS_RECEIVED -> ReturnStatus.RETURN_STATUS_ITEMS_RECEIVED;
            case REFUNDED -> ReturnStatus.RETURN_STATUS_REFUNDED;
            case COMPLETED -> ReturnStatus.RETURN_STATUS_COMPLETED;
            case CANCELLED -> ReturnStatus.RETURN_STATUS_CANCELLED;
        };
    }
}
