package dev.cartwright.returns.workflow;

import dev.cartwright.proto.platform.v1.CreateReturnLabelRequest;
import dev.cartwright.proto.platform.v1.ParcelLine;
import dev.cartwright.returns.domain.Eligibility;
import dev.cartwright.returns.domain.IdempotencyKey;
import dev.cartwright.returns.domain.OrderSnapshot;
import dev.cartwright.returns.domain.RefundHistory;
import dev.cartwright.returns.domain.RefundOutcome;
import dev.cartwright.returns.domain.RefundQuote;
import dev.cartwright.returns.domain.RequestedItem;
import dev.cartwright.returns.domain.ReturnAction;
import dev.cartwright.returns.domain.ReturnStateMachine;
import dev.cartwright.returns.domain.ReturnedUnits;
import dev.cartwright.returns.domain.Transition;
import dev.cartwright.returns.events.ReturnEvents;
import dev.cartwright.returns.migration.ReturnMirror;
import dev.cartwright.returns.neighbours.NeighbourFailure;
import dev.cartwright.returns.neighbours.Neighbours;
import dev.cartwright.returns.store.NewReturn;
import dev.cartwright.returns.store.OrderProjection;
import dev.cartwright.returns.store.PageCursor;
import dev.cartwright.returns.store.RefundLedger;
import dev.cartwright.returns.store.ReturnLabel;
import dev.cartwright.returns.store.ReturnRequests;
import dev.cartwright.returns.store.ReturnStores;
import dev.cartwright.returns.store.StoredItem;
import dev.cartwright.returns.store.StoredRefund;
import dev.cartwright.returns.store.StoredReturn;
import dev.cartwright.service.auth.Caller;
import dev.cartwright.service.outbox.Outbox;
import dev.cartwright.service.outbox.OutboxEvent;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Owns the return workflows, one method per operation: who may do it, the rules (eligibility, the state machine,
 * the refund calculator), and the transaction that changes return_db and writes the outbox events together. Remote
 * calls happen outside transactions, each with an idempotency key derived from the return id, so a retried
 * operation repeats nothing it already did.
 */
public final class ReturnWorkflow {

    private final Pool pool;
    private final ReturnMirror mirror;
    private final ReturnRequests requests;
    private final RefundLedger ledger;
    private final OrderProjection projection;
    private final OrderSource orders;
    private final Neighbours neighbours;
    private final Settlements settlements;
    private final Outbox outbox;
    private final ReturnEvents events;
    private final ReturnSettings settings;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final Runnable afterCommit;

    /**
     * @param mirror how a transaction that changes a return runs (mirrored to order_db while dual-write is on) and what
     *               is brought in from order_db before a read
     */
    public ReturnWorkflow(Pool pool, ReturnMirror mirror, ReturnStores stores, OrderSource orders, Neighbours neighbours,
                          Settlements settlements, Outbox outbox, ReturnEvents events, ReturnSettings settings, Clock clock,
                          Supplier<UUID> ids, Runnable afterCommit) {
        this.pool = pool;
        this.mirror = mirror;
        this.requests = stores.requests();
        this.ledger = stores.refunds();
        this.projection = stores.orders();
        this.orders = orders;
        this.neighbours = neighbours;
        this.settlements = settlements;
        this.outbox = outbox;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
        this.ids = ids;
        this.afterCommit = afterCommit;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** Who did it, as the history records it. */
    public static String actor(Caller caller) {
        if (caller.development()) {
            return "developer";
        }
        return caller.isStaff() ? "staff:" + caller.subject() : "customer:" + caller.subject();
    }

    private static void requireStaff(Caller caller, String operation) {
        if (!caller.isStaff()) {
            throw ReturnFailure.denied(operation + " needs the staff role");
        }
    }

    /**
     * The return if the caller may see it. Another customer's return is answered exactly like one that does not
     * exist, so a return id tells a stranger nothing.
     */
    private static StoredReturn visible(Caller caller, String returnId, Optional<StoredReturn> found) {
        return found.filter(r -> caller.mayActFor(r.customerId()))
            .orElseThrow(() -> ReturnFailure.notFound("return " + returnId + " not found"));
    }

    // ---- create, read, list ----------------------------------------------------------------------------------

    /**
     * Creates the return, or answers a retry with the return its idempotency key made (within a day, for the same
     * caller and customer); the same key with a different request is refused.
     */
    public Future<StoredReturn> create(Caller caller, CreateReturn cmd) {
        return orders.resolve(cmd.orderId()).compose(order -> {
            String customerId = owner(caller, cmd, order);
            Optional<IdempotencyKey> key = cmd.idempotencyKey().map(k -> new IdempotencyKey(actor(caller), k, cmd.fingerprint()));
            // Returns of this order made on the Order service count against what may still be returned.
            return mirror.refreshOrder(cmd.orderId()).compose(v -> createOrReplay(caller, cmd, customerId, key));
        });
    }

    /** The customer the return is for; a customer can only return their own orders. */
    private static String owner(Caller caller, CreateReturn cmd, OrderSnapshot order) {
        String orderCustomer = order.customerId();
        if (caller.development() || caller.isStaff()) {
            if (cmd.customerId().isPresent() && !cmd.customerId().get().equals(orderCustomer)) {
                throw ReturnFailure.denied("order " + order.orderId() + " does not belong to customer " + cmd.customerId().get());
            }
            return orderCustomer;
        }
        if (caller.subject().isEmpty()) {
            throw ReturnFailure.denied("SIGN_IN_REQUIRED", "sign in to request a return");
        }
        if (cmd.customerId().filter(c -> !c.equals(caller.subject())).isPresent()) {
            throw ReturnFailure.denied("a customer can only return their own orders");
        }
        if (!caller.subject().equals(orderCustomer)) {
            // Answered like an order that does not exist: an order id tells a stranger nothing.
            throw ReturnFailure.notFound("ORDER_NOT_FOUND", "order " + order.orderId() + " not found");
        }
        return orderCustomer;
    }

    private Future<StoredReturn> createOrReplay(Caller caller, CreateReturn cmd, String customerId, Optional<IdempotencyKey> key) {
        Instant now = now();
        Instant keptSince = now.minus(IdempotencyKey.KEPT_FOR);
        String returnId = ids.get().toString();
        return mirror.write(returnId, c -> projection.find(c, cmd.orderId(), true).compose(locked -> {
            // Locked: two requests for one order decide their quantities one after the other, and a retry finds its first try.
            OrderSnapshot order = locked.orElseThrow(() -> ReturnFailure.precondition("ORDER_NOT_DELIVERED",
                "order " + cmd.orderId() + " is not delivered"));
            Future<Optional<String>> earlier = key.isEmpty() ? Future.succeededFuture(Optional.empty())
                : requests.forgetKey(c, customerId, key.get(), keptSince).compose(v -> madeWith(c, customerId, key.get(), keptSince));
            return earlier.compose(found -> found.isPresent() ? Future.succeededFuture(found.get())
                : insertNew(c, returnId, caller, cmd, order, customerId, key, now).compose(created -> created.isPresent()
                    ? Future.succeededFuture(created.get())
                    // Another request with this key (for another order) committed first.
                    : madeWith(c, customerId, key.orElseThrow(), keptSince).map(made -> made.orElseThrow(
                        () -> ReturnFailure.aborted("idempotency_key: used by a concurrent request; try again")))));
        })).compose(made -> {
            afterCommit.run();
            return load(caller, made);
        });
    }

    /** The return this key made, if the same request made it; another request under the key is refused. */
    private Future<Optional<String>> madeWith(SqlConnection c, String customerId, IdempotencyKey key, Instant keptSince) {
        return requests.findByIdempotencyKey(c, customerId, key.scope(), key.key(), keptSince).map(found -> found.map(made -> {
            if (!key.sameRequestAs(made.fingerprint())) {
                throw ReturnFailure.invalid("idempotency_key", "key reused with different parameters");
            }
            return made.returnId();
        }));
    }

    /** Checks eligibility and inserts the return with its estimate and event; empty when its key was taken meanwhile. */
    private Future<Optional<String>> insertNew(SqlConnection c, String returnId, Caller caller, CreateReturn cmd, OrderSnapshot order,
                                               String customerId, Optional<IdempotencyKey> key, Instant now) {
        List<RequestedItem> requested = cmd.items().stream().map(i -> new RequestedItem(i.orderItemId(), i.quantity(), i.reason()))
            .toList();
        return requests.claimedUnits(c, order.orderId()).compose(claimed -> {
            Eligibility eligibility = settings.eligibility().check(order, requested, claimed, now);
            if (eligibility instanceof Eligibility.NotEligible no) {
                throw no.problem() == Eligibility.Problem.BAD_INPUT ? ReturnFailure.invalid(no.field(), no.message())
                    : ReturnFailure.precondition("NOT_ELIGIBLE", no.field() + ": " + no.message());
            }
            List<NewReturn.NewItem> items = new ArrayList<>();
            for (CreateReturn.Item i : cmd.items()) {
                var line = order.line(i.orderItemId()).orElseThrow();
                items.add(new NewReturn.NewItem(i.orderItemId(), line.productId(), line.categoryId(), i.quantity(), i.reason().wireName(),
                    i.note(), i.exchangeProductId()));
            }
            NewReturn r = new NewReturn(returnId, order.orderId(), customerId, cmd.resolution(), cmd.note(), key, order.currency(), now,
                items);
            return requests.insertReturn(c, r, actor(caller)).compose(inserted -> !inserted ? Future.succeededFuture(Optional.empty())
                : ledger.refundHistory(c, order.orderId())
                    .compose(history -> requests.load(c, returnId, false).compose(stored -> {
                        long estimate = estimate(order, stored.orElseThrow(), history, false);
                        return requests.setRefundEstimate(c, returnId, estimate)
                            .compose(v -> outbox.append(c, List.of(events.requested(stored.get(), estimate, now))));
                    }))
                    .map(Optional.of(returnId)));
        });
    }

    /** What the return would refund: units received once they are, units asked for before. */
    private long estimate(OrderSnapshot order, StoredReturn r, RefundHistory history, boolean received) {
        RefundOutcome outcome = settings.calculator().quote(order.paid(), units(r, received), history);
        return outcome instanceof RefundOutcome.Quoted q ? q.quote().total() : 0;
    }

    private static List<ReturnedUnits> units(StoredReturn r, boolean received) {
        List<ReturnedUnits> units = new ArrayList<>();
        for (StoredItem i : r.items()) {
            int q = received ? i.quantityReceived() : i.quantity();
            if (q > 0) {
                units.add(new ReturnedUnits(i.orderItemId(), q, i.reason()));
            }
        }
        return units;
    }

    /** The return, brought in from order_db first if the Order service holds it newer (or only there). */
    public Future<StoredReturn> get(Caller caller, String returnId) {
        return mirror.refresh(returnId).compose(v -> load(caller, returnId));
    }

    private Future<StoredReturn> load(Caller caller, String returnId) {
        return requests.read(pool, returnId).map(found -> visible(caller, returnId, found));
    }

    /** Newest first; a customer sees only their own returns. */
    public Future<ReturnPage> list(Caller caller, Optional<String> customerId, Optional<String> orderId, int pageSize,
                                   Optional<PageCursor> after) {
        Optional<String> customer = customerId;
        if (!caller.development() && !caller.isStaff()) {
            if (caller.subject().isEmpty()) {
                throw ReturnFailure.denied("SIGN_IN_REQUIRED", "sign in to list returns");
            }
            if (customerId.isPresent() && !customerId.get().equals(caller.subject())) {
                throw ReturnFailure.denied("a customer can only list their own returns");
            }
            customer = Optional.of(caller.subject());
        }
        if (customer.isEmpty() && orderId.isEmpty()) {
            throw ReturnFailure.invalid("customer_id", "give customer_id or order_id");
        }
        Future<Void> refreshed = customer.isPresent() ? mirror.refreshCustomer(customer.get()) : mirror.refreshOrder(orderId.get());
        Optional<String> listed = customer;
        return refreshed.compose(v -> requests.readPage(pool, listed, orderId, after, pageSize + 1)).map(rows -> {
            if (rows.size() <= pageSize) {
                return new ReturnPage(rows, Optional.empty());
            }
            List<StoredReturn> page = rows.subList(0, pageSize);
            StoredReturn last = page.get(page.size() - 1);
            return new ReturnPage(page, Optional.of(new PageCursor(last.createdAt(), last.returnId())));
        });
    }

    // ---- transitions -----------------------------------------------------------------------------------------

    /**
     * Runs one transition in one transaction: lock the return, check the expected version and the state machine,
     * move it (version-guarded), record the history, let {@code more} change what else belongs to the step and name
     * its events, and write those to the outbox.
     */
    private Future<StoredReturn> transition(Caller caller, String returnId, OptionalLong expectedVersion, ReturnAction action,
                                            String why, Optional<String> rejectionReason,
                                            BiFunction<SqlConnection, StoredReturn, Future<List<OutboxEvent>>> more) {
        Instant now = now();
        return mirror.refresh(returnId).compose(fresh -> mirror.write(returnId, c -> requests.load(c, returnId, true).compose(found -> {
            StoredReturn r = visible(caller, returnId, found);
            if (expectedVersion.isPresent() && expectedVersion.getAsLong() != r.version()) {
                throw ReturnFailure.precondition("VERSION_MISMATCH", "return " + returnId + " is at version " + r.version() + ", not "
                    + expectedVersion.getAsLong() + " (it is " + r.status().wireName() + ")");
            }
            Transition t = ReturnStateMachine.apply(r.status(), action);
            if (t instanceof Transition.Refused refused) {
                throw ReturnFailure.precondition("TRANSITION_NOT_ALLOWED", refused.message());
            }
            Transition.Moved moved = (Transition.Moved) t;
            return requests.updateStatus(c, returnId, r.version(), moved.to(), rejectionReason, now).compose(updated -> {
                if (!updated) {
                    throw ReturnFailure.aborted("return " + returnId + " changed concurrently; read it again");
                }
                return requests.insertHistory(c, returnId, Optional.of(r.status()), moved.to(), actor(caller), why, now);
            }).compose(v -> more.apply(c, r)).compose(evts -> outbox.append(c, evts));
        }))).compose(v -> {
            afterCommit.run();
            return requests.read(pool, returnId).map(Optional::orElseThrow);
        });
    }

    public Future<StoredReturn> approve(Caller caller, String returnId, String note, OptionalLong expectedVersion) {
        requireStaff(caller, "ApproveReturn");
        Instant now = now();
        // Check first, so no label is made for a return that cannot be approved; the label call is idempotent on the return.
        return mirror.refresh(returnId).compose(fresh -> requests.read(pool, returnId)).compose(found -> {
            StoredReturn r = found.orElseThrow(() -> ReturnFailure.notFound("return " + returnId + " not found"));
            if (ReturnStateMachine.apply(r.status(), ReturnAction.APPROVE) instanceof Transition.Refused refused) {
                throw ReturnFailure.precondition("TRANSITION_NOT_ALLOWED", refused.message());
            }
            if (expectedVersion.isPresent() && expectedVersion.getAsLong() != r.version()) {
                throw ReturnFailure.precondition("VERSION_MISMATCH", "return " + returnId + " is at version " + r.version() + ", not "
                        + expectedVersion.getAsLong());
            }
            CreateReturnLabelRequest.Builder request = CreateReturnLabelRequest.newBuilder()
                .setIdempotencyKey(returnId + ":label").setReturnId(returnId).setOrderId(r.orderId());
            r.items().forEach(i -> request.addLines(ParcelLine.newBuilder().setProductId(i.productId()).setQuantity(i.quantity())));
            return neighbours.createReturnLabel(request.build())
                .recover(e -> Future.failedFuture(unavailable("the shipping service could not make a return label", e)));
        }).compose(label -> {
            ReturnLabel stored = new ReturnLabel(label.getCarrier(), label.getTrackingNumber(), label.getLabelUrl());
            return transition(caller, returnId, expectedVersion, ReturnAction.APPROVE, note, Optional.empty(),
                (c, r) -> requests.insertLabel(c, returnId, stored, now).map(v -> List.of(events.approved(r, actor(caller), stored, now))));
        });
    }

    public Future<StoredReturn> reject(Caller caller, String returnId, String reason, OptionalLong expectedVersion) {
        requireStaff(caller, "RejectReturn");
        Instant now = now();
        return transition(caller, returnId, expectedVersion, ReturnAction.REJECT, reason, Optional.of(reason),
            (c, r) -> Future.succeededFuture(List.of(events.rejected(r, actor(caller), reason, now))));
    }

    public Future<StoredReturn> cancel(Caller caller, String returnId, String reason) {
        return transition(caller, returnId, OptionalLong.empty(), ReturnAction.CANCEL, reason, Optional.empty(),
            (c, r) -> Future.succeededFuture(List.of()));
    }

    public Future<StoredReturn> receive(Caller caller, String returnId, List<ReceivedLine> lines, OptionalLong expectedVersion) {
        requireStaff(caller, "ReceiveItems");
        Instant now = now();
        return transition(caller, returnId, expectedVersion, ReturnAction.RECEIVE_ITEMS, "items received", Optional.empty(), (c, r) -> {
            Map<String, ReceivedLine> byItem = new HashMap<>();
            for (int i = 0; i < lines.size(); i++) {
                ReceivedLine line = lines.get(i);
                Optional<StoredItem> item = r.item(line.orderItemId());
                if (item.isEmpty()) {
                    throw ReturnFailure.invalid("items[" + i + "].order_item_id", "return " + returnId + " has no item "
                            + line.orderItemId());
                }
                if (line.quantityReceived() > item.get().quantity()) {
                    throw ReturnFailure.invalid("items[" + i + "].quantity_received", "at most " + item.get().quantity()
                        + " units of item " + line.orderItemId() + " were to come back");
                }
                if (byItem.put(line.orderItemId(), line) != null) {
                    throw ReturnFailure.invalid("items[" + i + "].order_item_id", "item " + line.orderItemId() + " appears more than once");
                }
            }
            Future<Void> recorded = Future.succeededFuture();
            for (ReceivedLine line : byItem.values()) {
                recorded = recorded.compose(v -> requests.recordReceived(c, returnId, line.orderItemId(), line.quantityReceived(),
                    line.condition(), line.passedInspection(), now));
            }
            return recorded.compose(v -> requests.load(c, returnId, false)).map(after -> List.of(events.itemsReceived(
                    after.orElseThrow(), now)));
        }).onSuccess(r -> settlements.restockDue(50));
    }

    // ---- refunds ---------------------------------------------------------------------------------------------

    /** The idempotency key of a return's settlement, e.g. {@code <return_id>:refund}. */
    public static String settlementKey(StoredReturn r) {
        return r.returnId() + ":" + r.resolution().wireName();
    }

    /**
     * Creates the settlement of a return once (insert-or-return-existing under the return's lock) and makes one
     * attempt at it when no other attempt holds it. A retried or concurrent call gets the same settlement; the
     * neighbour is called with the same idempotency key whoever calls, so nothing is ever paid twice.
     */
    public Future<StoredReturn> processRefund(Caller caller, String returnId) {
        requireStaff(caller, "ProcessRefund");
        Instant now = now();
        Instant lease = now.plus(settings.attemptLease());
        return mirror.refresh(returnId).compose(fresh -> mirror.write(returnId, c -> requests.load(c, returnId, true).compose(found -> {
            StoredReturn r = found.orElseThrow(() -> ReturnFailure.notFound("return " + returnId + " not found"));
            if (r.refund().isPresent()) {
                return ledger.claimIfDue(c, r.refund().get().refundId(), now, lease);
            }
            if (ReturnStateMachine.apply(r.status(), ReturnAction.REFUND) instanceof Transition.Refused refused) {
                throw ReturnFailure.precondition("TRANSITION_NOT_ALLOWED", refused.message());
            }
            return createSettlement(c, r, now, lease).map(Optional::of);
        }))).compose(attempt -> attempt.isEmpty() ? Future.succeededFuture()
            : settlements.settle(attempt.get(), actor(caller)).recover(e -> Future.succeededFuture()))
            .compose(v -> {
                afterCommit.run();
                return requests.read(pool, returnId).map(Optional::orElseThrow);
            });
    }

    private Future<StoredRefund> createSettlement(SqlConnection c, StoredReturn r, Instant now, Instant lease) {
        // The order's row is locked too: refunds of one order are computed one after the other against its history.
        return projection.find(c, r.orderId(), true).compose(order -> ledger.refundHistory(c, r.orderId()).compose(history -> {
            OrderSnapshot o = order.orElseThrow(() -> ReturnFailure.precondition("ORDER_NOT_KNOWN",
                "order " + r.orderId() + " is not known"));
            RefundOutcome outcome = settings.calculator().quote(o.paid(), units(r, true), history);
            if (outcome instanceof RefundOutcome.Refused refused) {
                throw ReturnFailure.precondition("NOT_REFUNDABLE",
                    "cannot refund item " + refused.orderItemId() + ": " + refused.message());
            }
            RefundQuote quote = ((RefundOutcome.Quoted) outcome).quote();
            RefundLedger.NewRefund fresh = new RefundLedger.NewRefund(ids.get().toString(), r.returnId(), r.orderId(), r.resolution(),
                quote.total(), quote.shipping(), r.currency(), settlementKey(r), now, lease);
            return ledger.insertRefundOrGetExisting(c, fresh).compose(inserted -> {
                StoredRefund refund = inserted.refund();
                if (!inserted.created()) {
                    return Future.succeededFuture(refund);
                }
                return ledger.recordLineRefunds(c, r.returnId(), quote.lines())
                    .compose(v -> outbox.append(c, List.of(events.refundInitiated(r, refund, now))))
                    .map(refund);
            });
        }));
    }

    private static Throwable unavailable(String what, Throwable e) {
        if (e instanceof NeighbourFailure f && !f.retryable()) {
            return ReturnFailure.precondition("NEIGHBOUR_REFUSED", what + ": " + f.getMessage());
        }
        return ReturnFailure.unavailable(what + " (" + e.getMessage() + "); try again");
    }
}
