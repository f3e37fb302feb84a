package dev.cartwright.returns.workflow;

import dev.cartwright.proto.platform.v1.CreateExchangeOrderRequest;
import dev.cartwright.proto.platform.v1.OrderItem;
import dev.cartwright.proto.platform.v1.PaymentRefund;
import dev.cartwright.proto.platform.v1.PaymentRefundStatus;
import dev.cartwright.proto.platform.v1.RefundPaymentRequest;
import dev.cartwright.proto.platform.v1.RestockRequest;
import dev.cartwright.proto.platform.v1.StockLine;
import dev.cartwright.returns.domain.Resolution;
import dev.cartwright.returns.domain.ReturnAction;
import dev.cartwright.returns.domain.ReturnStateMachine;
import dev.cartwright.returns.domain.ReturnStatus;
import dev.cartwright.returns.domain.Transition;
import dev.cartwright.returns.events.ReturnEvents;
import dev.cartwright.returns.migration.ReturnMirror;
import dev.cartwright.returns.neighbours.NeighbourFailure;
import dev.cartwright.returns.neighbours.Neighbours;
import dev.cartwright.returns.store.OrderProjection;
import dev.cartwright.returns.store.RefundLedger;
import dev.cartwright.returns.store.RestockQueue;
import dev.cartwright.returns.store.ReturnRequests;
import dev.cartwright.returns.store.ReturnStores;
import dev.cartwright.returns.store.StoredItem;
import dev.cartwright.returns.store.StoredRefund;
import dev.cartwright.returns.store.StoredReturn;
import dev.cartwright.service.outbox.Outbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the remote half of settling a return and restocking its items: one attempt at the neighbour call (payment
 * RefundPayment, order CreateExchangeOrder, or none for store credit; warehouse Restock), each with its idempotency
 * key, and then, in one transaction, the outcome: the refund completed and the return moved items_received →
 * refunded → completed with refund.completed in the outbox; or the failure recorded (last_error, attempts) with the
 * next attempt backed off. A refund that was completed by a concurrent attempt is left as it is. A money refund is
 * given up on only on a definite answer: when its attempts run out on lost answers (timeouts, resets), the payment is
 * asked by the refund's key first; paid means completed, unknown to it means failed, and no answer keeps it pending.
 */
public final class Settlements {

    private static final Logger LOG = LoggerFactory.getLogger(Settlements.class);

    /** The actor of the steps the service takes by itself. */
    public static final String SYSTEM = "system";

    private final Pool pool;
    private final ReturnMirror mirror;
    private final ReturnRequests requests;
    private final RefundLedger ledger;
    private final RestockQueue restocks;
    private final OrderProjection projection;
    private final Neighbours neighbours;
    private final Outbox outbox;
    private final ReturnEvents events;
    private final ReturnSettings settings;
    private final Clock clock;
    private final Runnable afterCommit;
    private final MeterRegistry registry;
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public Settlements(Pool pool, ReturnMirror mirror, ReturnStores stores, Neighbours neighbours, Outbox outbox,
                       ReturnEvents events, ReturnSettings settings, Clock clock, Runnable afterCommit,
                       MeterRegistry registry) {
        this.pool = pool;
        this.mirror = mirror;
        this.requests = stores.requests();
        this.ledger = stores.refunds();
        this.restocks = stores.restocks();
        this.projection = stores.orders();
        this.neighbours = neighbours;
        this.outbox = outbox;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
        this.afterCommit = afterCommit;
        this.registry = registry;
    }

    /** Attempts that ended with the neighbour's confirmation / with a failure, since start. */
    public long succeededAttempts() {
        return succeeded.get();
    }

    public long failedAttempts() {
        return failed.get();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** What the neighbour gave back: the payment's refund id or our store-credit id, or the exchange order. */
    private record Settled(String paymentRefundId, String exchangeOrderId) {
    }

    /** One attempt at a refund the caller has claimed (it is pending and its lease is ours). */
    public Future<Void> settle(StoredRefund refund, String actor) {
        return requests.read(pool, refund.returnId())
            .compose(r -> remote(refund, r.orElseThrow()))
            .compose(settled -> complete(refund, settled, actor), failure -> recordFailure(refund, failure, actor))
            .onComplete(ar -> afterCommit.run());
    }

    private Future<Settled> remote(StoredRefund refund, StoredReturn r) {
        return switch (refund.kind()) {
            case STORE_CREDIT -> Future.succeededFuture(new Settled("credit-" + refund.refundId(), ""));
            case REFUND -> refund.amount() == 0 ? Future.succeededFuture(new Settled("", ""))
                : projection.find(pool, refund.orderId(), false).compose(order -> neighbours.refundPayment(RefundPaymentRequest
                    .newBuilder()
                    .setIdempotencyKey(refund.idempotencyKey())
                    .setOrderId(refund.orderId())
                    .setPaymentReference(order.map(o -> o.paymentReference()).orElse(""))
                    .setAmount(ReturnEvents.money(refund.amount(), refund.currency()))
                    .setReason("return " + refund.returnId())
                    .build()))
                .compose(paid -> paid.getStatus() == PaymentRefundStatus.PAYMENT_REFUND_STATUS_SUCCEEDED
                    ? Future.succeededFuture(new Settled(paid.getRefundId(), ""))
                    : Future.failedFuture(new NeighbourFailure("payment", io.vertx.grpc.common.GrpcStatus.FAILED_PRECONDITION, false,
                        "refund refused: " + paid.getFailureReason(), null)));
            case EXCHANGE -> projection.find(pool, refund.orderId(), false).compose(order -> {
                CreateExchangeOrderRequest.Builder request = CreateExchangeOrderRequest.newBuilder()
                    .setIdempotencyKey(refund.idempotencyKey())
                    .setOriginalOrderId(r.orderId())
                    .setReturnId(r.returnId())
                    .setCustomerId(r.customerId());
                for (StoredItem i : r.items()) {
                    if (i.quantityReceived() == 0) {
                        continue;
                    }
                    String product = i.exchangeProductId().isEmpty() ? i.productId() : i.exchangeProductId();
                    long unit = order.flatMap(o -> o.line(i.orderItemId())).map(l -> l.unitPrice()).orElse(0L);
                    request.addItems(OrderItem.newBuilder().setProductId(product).setCategoryId(i.categoryId())
                        .setQuantity(i.quantityReceived()).setUnitPrice(ReturnEvents.money(unit, r.currency())));
                }
                return neighbours.createExchangeOrder(request.build()).map(o -> new Settled("", o.getOrderId()));
            });
        };
    }

    private Future<Void> complete(StoredRefund refund, Settled settled, String actor) {
        Instant now = now();
        return mirror.write(refund.returnId(), c -> requests.load(c, refund.returnId(), true).compose(locked -> {
            StoredReturn r = locked.orElseThrow();
            return ledger.completeRefund(c, refund.refundId(), settled.paymentRefundId(), settled.exchangeOrderId(), now).compose(done -> {
                if (!done) {
                    return Future.succeededFuture(false);
                }
                return finish(c, r, actor, now)
                    .compose(v -> outbox.append(c, List.of(events.refundCompleted(r, refund,
                        settled.paymentRefundId().isEmpty() ? settled.exchangeOrderId() : settled.paymentRefundId(), now))))
                    .map(true);
            });
        })).onSuccess(completedHere -> {
            succeeded.incrementAndGet();
            if (completedHere) {
                // Counted by the attempt that completed it only, so a concurrent retry does not count it twice.
                Counter.builder("cartwright.returns.refunded.minor_units")
                    .description("Money refunded (and store credit issued), in minor units of its currency, by kind")
                    .tag("currency", refund.currency()).tag("kind", refund.kind().wireName()).register(registry)
                    .increment(refund.amount());
            }
            LOG.info("return={} refund={} kind={} amount={} settled", refund.returnId(), refund.refundId(), refund.kind().wireName(),
                refund.amount());
        }).mapEmpty();
    }

    /** items_received → refunded → completed, each step in the history. */
    private Future<Void> finish(SqlConnection c, StoredReturn r, String actor, Instant now) {
        if (!(ReturnStateMachine.apply(r.status(), ReturnAction.REFUND) instanceof Transition.Moved refunded)) {
            LOG.warn("return={} is {} while its refund completed; status left as it is", r.returnId(), r.status().wireName());
            return Future.succeededFuture();
        }
        Transition completed = ReturnStateMachine.apply(refunded.to(), ReturnAction.COMPLETE);
        ReturnStatus last = ((Transition.Moved) completed).to();
        return requests.updateStatus(c, r.returnId(), r.version(), refunded.to(), Optional.empty(), now)
            .compose(v -> requests.insertHistory(c, r.returnId(), Optional.of(r.status()), refunded.to(), actor, "refund completed", now))
            .compose(v -> requests.updateStatus(c, r.returnId(), r.version() + 1, last, Optional.empty(), now))
            .compose(v -> requests.insertHistory(c, r.returnId(), Optional.of(refunded.to()), last, SYSTEM, "settled", now));
    }

    private Future<Void> recordFailure(StoredRefund refund, Throwable failure, String actor) {
        int attempts = refund.attempts() + 1;
        boolean retryable = !(failure instanceof NeighbourFailure f) || f.retryable();
        boolean givingUp = !retryable || attempts >= settings.maxAttempts();
        String error = String.valueOf(failure.getMessage());
        if (givingUp && retryable && refund.kind() == Resolution.REFUND && refund.amount() > 0) {
            // The last attempt got no answer rather than a no: the payment may have paid it (commit, then the answer
            // lost). Ask it by the refund's key before giving up, so a paid refund is never recorded as failed.
            return neighbours.findRefund(refund.idempotencyKey()).transform(asked -> {
                if (asked.failed()) {
                    return record(refund, error + "; outcome unknown, kept pending (payment could not be asked: "
                        + asked.cause().getMessage() + ")", attempts, false);
                }
                Optional<PaymentRefund> paid = asked.result()
                    .filter(p -> p.getStatus() == PaymentRefundStatus.PAYMENT_REFUND_STATUS_SUCCEEDED);
                if (paid.isPresent()) {
                    LOG.warn("return={} refund={} attempt {} got no answer, but payment has refund {} under its key; completing it",
                        refund.returnId(), refund.refundId(), attempts, paid.get().getRefundId());
                    return complete(refund, new Settled(paid.get().getRefundId(), ""), actor);
                }
                return record(refund, error + asked.result().map(p -> "; payment refused it: " + p.getFailureReason())
                    .orElse("; payment has no refund under its key"), attempts, true);
            });
        }
        return record(refund, error, attempts, givingUp);
    }

    private Future<Void> record(StoredRefund refund, String error, int attempts, boolean givingUp) {
        failed.incrementAndGet();
        Instant next = now().plus(settings.backoff(attempts));
        if (givingUp) {
            LOG.error("return={} refund={} failed for good after {} attempts: {}", refund.returnId(), refund.refundId(), attempts, error);
        } else {
            LOG.warn("return={} refund={} attempt {} failed, next at {}: {}", refund.returnId(), refund.refundId(), attempts, next, error);
        }
        return mirror.write(refund.returnId(), c -> ledger.recordRefundFailure(c, refund.refundId(), error, next, givingUp));
    }

    /** Refunds given up on, oldest first: what staff have to look at. */
    public Future<List<StoredRefund>> failedRefunds(int limit) {
        return ledger.failedRefunds(pool, limit);
    }

    /**
     * Drives a refund that was given up on once more, for staff: it becomes pending with a fresh count of attempts
     * and one attempt is made now (later ones by the retry worker). Refused when the return has no failed refund, or
     * when the order's other refunds since would make it pay out more than the order paid (or its shipping twice).
     */
    public Future<StoredReturn> retryFailed(String returnId, String actor) {
        Instant lease = now().plus(settings.attemptLease());
        return mirror.write(returnId, c -> requests.load(c, returnId, true).compose(found -> {
            StoredReturn r = found.orElseThrow(() -> ReturnFailure.notFound("return " + returnId + " not found"));
            StoredRefund failed = r.refund().filter(f -> StoredRefund.FAILED.equals(f.status()))
                .orElseThrow(() -> ReturnFailure.precondition("NO_FAILED_REFUND", "return " + returnId + " has no failed refund"
                    + r.refund().map(f -> " (its refund is " + f.status() + ")").orElse(" (it has no refund)")));
            // The order's row is locked: refunds of one order are weighed one after the other.
            return projection.find(c, r.orderId(), true).compose(order -> ledger.refundHistory(c, r.orderId()).compose(history -> {
                if (failed.shipping() > 0 && history.shippingRefunded()) {
                    throw ReturnFailure.precondition("NOT_REFUNDABLE",
                        "refund " + failed.refundId() + " includes the shipping, which another refund "
                        + "of order " + r.orderId() + " has paid back since");
                }
                long paid = order.map(o -> o.grandTotal()).orElse(Long.MAX_VALUE);
                if (history.amountRefunded() + failed.amount() > paid) {
                    throw ReturnFailure.precondition("NOT_REFUNDABLE",
                        "refund " + failed.refundId() + " of " + failed.amount() + " would exceed what "
                        + "order " + r.orderId() + " paid (" + paid + "), " + history.amountRefunded() + " of it refunded already");
                }
                return ledger.reopenFailedRefund(c, failed.refundId(), lease);
            }).map(reopened -> reopened.orElseThrow(() -> ReturnFailure.aborted("refund of return " + returnId
                + " changed concurrently; read it again"))));
        })).compose(refund -> {
            LOG.warn("return={} refund={} retried by {} after it had failed: {}", returnId, refund.refundId(), actor, refund.lastError());
            return settle(refund, actor).recover(e -> Future.succeededFuture());
        }).compose(v -> requests.read(pool, returnId).map(Optional::orElseThrow));
    }

    /** One attempt at putting a received line back on the shelf. */
    public Future<Void> restock(RestockQueue.DueRestock due) {
        RestockRequest request = RestockRequest.newBuilder()
            .setIdempotencyKey(due.returnId() + ":restock:" + due.orderItemId())
            .addLines(StockLine.newBuilder().setProductId(due.productId()).setQuantity(due.quantity()))
            .setReason("return " + due.returnId())
            .build();
        return neighbours.restock(request).compose(done -> {
            Instant now = now();
            return pool.withTransaction(c -> requests.load(c, due.returnId(), true)
                .compose(v -> restocks.completeRestock(c, due.returnId(), due.orderItemId()))
                .compose(first -> first ? outbox.append(c, List.of(events.itemRestocked(due.returnId(), due.orderId(), due.productId(),
                    due.quantity(), due.condition(), now))) : Future.succeededFuture()))
                .onSuccess(v -> LOG.info("return={} item={} restocked {} of {}", due.returnId(), due.orderItemId(), due.quantity(),
                    due.productId()));
        }, failure -> {
            Instant next = now().plus(settings.backoff(due.attempts() + 1));
            LOG.warn("return={} item={} restock attempt {} failed, next at {}: {}", due.returnId(), due.orderItemId(), due.attempts() + 1,
                next, failure.getMessage());
            return pool.withTransaction(c -> restocks.recordRestockFailure(c, due.returnId(), due.orderItemId(),
                String.valueOf(failure.getMessage()), next));
        }).onComplete(ar -> afterCommit.run());
    }

    /** The due restocks of one return, taken now (used right after items are received). */
    public Future<Void> restockDue(int limit) {
        Instant now = now();
        return pool.withTransaction(c -> restocks.claimDueRestocks(c, now, now.plus(settings.attemptLease()), limit))
            .compose(due -> {
                List<Future<Void>> attempts = new ArrayList<>();
                due.forEach(d -> attempts.add(restock(d)));
                return Future.join(attempts).mapEmpty();
            });
    }
}
