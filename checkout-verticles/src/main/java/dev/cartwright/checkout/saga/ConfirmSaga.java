package dev.cartwright.checkout.saga;

import dev.cartwright.checkout.domain.CheckoutProblem;
import dev.cartwright.checkout.domain.CheckoutState;
import dev.cartwright.checkout.domain.SagaPlan;
import dev.cartwright.checkout.domain.SagaStep;
import dev.cartwright.checkout.domain.ShippingOption;
import dev.cartwright.checkout.domain.StepFailure;
import dev.cartwright.checkout.store.CheckoutStore;
import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartCommand;
import dev.cartwright.cart.CartStatus;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.cart.store.CartStore;
import dev.cartwright.checkout.domain.Authorization;
import dev.cartwright.checkout.domain.Checkout;
import dev.cartwright.checkout.domain.CheckoutFailure;
import dev.cartwright.checkout.domain.ConfirmedOrder;
import dev.cartwright.checkout.domain.OrderDraft;
import dev.cartwright.checkout.domain.PlacedOrder;
import dev.cartwright.checkout.events.CheckoutEvents;
import dev.cartwright.checkout.neighbours.Neighbours;
import dev.cartwright.checkout.neighbours.OrderReceipts;
import dev.cartwright.checkout.store.CheckoutStore.StepRecord;
import dev.cartwright.checkout.store.CheckoutStore.StepRow;
import dev.cartwright.service.call.CallFailure;
import dev.cartwright.service.call.CallOutcome;
import dev.cartwright.service.outbox.OutboxEvent;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the confirm saga of one checkout: each step of {@link SagaStep#CONFIRM} in order, recorded in
 * {@code checkout_saga_steps} before it runs ('started') and after ('succeeded' or 'failed'), with the checkout row
 * updated in the same transaction; what a failure leads to is {@link SagaPlan}'s decision. Every outbound call carries
 * the idempotency key {@link SagaStep#idempotencyKey} derives from the checkout id, so a run resumed after a crash
 * re-sends exactly what the first run sent and no neighbour acts twice.
 *
 * <p>Only the runner that holds the checkout writes: every write is guarded by the checkout's version as the runner
 * claimed it. Whoever takes over a lapsed saga bumps the version, so a runner that was only slow (not dead) finds
 * its next write refused and stops ({@link Superseded}); it never acts on a stale view.
 */
public final class ConfirmSaga {

    private static final Logger LOG = LoggerFactory.getLogger(ConfirmSaga.class);
    /** How a step row whose call got no definite answer starts its detail; a resumed run treats that step as in doubt. */
    static final String UNKNOWN_OUTCOME = "outcome unknown: ";

    /** This runner lost the checkout to another (its guard no longer holds); it wrote nothing more. */
    static final class Superseded extends RuntimeException {
        Superseded(String checkoutId) {
            super("checkout " + checkoutId + " is run by another request now", null, false, false);
        }
    }

    /** A run stopped on purpose after a given step, as a crash there would (fault drills and recovery tests). */
    static final class Halted extends RuntimeException {
        Halted(String checkoutId, SagaStep step) {
            super("saga of checkout " + checkoutId + " halted after " + step.wireName(), null, false, false);
        }
    }

    /** What one step did. */
    private sealed interface StepOutcome {
        record Done(Checkout.Confirming after, String detail) implements StepOutcome {
        }

        record Failed(StepFailure failure) implements StepOutcome {
        }
    }

    /** The state of one run: the checkout as this runner last wrote it (its version is the fence) and what succeeded. */
    private static final class Run {
        Checkout.Underway c;
        final EnumSet<SagaStep> succeeded = EnumSet.of(SagaStep.RESERVE_STOCK);
        /** Steps an attempt of this run left with an unknown outcome, not yet resolved by a definite answer. */
        final EnumSet<SagaStep> inDoubt = EnumSet.noneOf(SagaStep.class);
        final Optional<SagaStep> haltAfter;
        /** The order create_order placed, once known. */
        Optional<PlacedOrder> order = Optional.empty();

        Run(Checkout.Underway c, Optional<SagaStep> haltAfter) {
            this.c = c;
            this.haltAfter = haltAfter;
        }

        /** The checkout while the saga runs forward. */
        Checkout.Confirming confirming() {
            return (Checkout.Confirming) c;
        }

        /** The checkout while the saga undoes. */
        Checkout.Compensating compensating() {
            return (Checkout.Compensating) c;
        }
    }

    private final CheckoutStore store;
    private final CartStore carts;
    private final Neighbours neighbours;
    private final CheckoutPricing pricing;
    private final CheckoutEvents events;
    private final SagaSettings settings;
    private final SagaMetrics metrics;
    private final Clock clock;
    private final Runnable wakeRelay;

    public ConfirmSaga(CheckoutStore store, CartStore carts, Neighbours neighbours, CheckoutPricing pricing, CheckoutEvents events,
                       SagaSettings settings, SagaMetrics metrics, Clock clock, Runnable wakeRelay) {
        this.store = store;
        this.carts = carts;
        this.neighbours = neighbours;
        this.pricing = pricing;
        this.events = events;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.wakeRelay = wakeRelay;
    }

    public SagaSettings settings() {
        return settings;
    }

    /**
     * Runs (or resumes) the saga of a checkout this caller holds: CONFIRMING at {@code claimed.version()}. Succeeds with
     * the order; fails with {@link CheckoutProblem} saying how it ended otherwise (FAILED_PRECONDITION or UNAVAILABLE
     * for a failed checkout, UNAVAILABLE for a reopened or parked one), or with {@link Superseded}.
     */
    public Future<ConfirmedOrder> run(Checkout.Underway claimed) {
        return resume(claimed, Optional.empty());
    }

    /**
     * Runs the saga of a claimed checkout only up to and including {@code lastStep}, then stops writing as a process
     * that died right after that step would, leaving it CONFIRMING with its lease held until it lapses. Not part of
     * the service: only the tests' fault drills (SagaDrills, in this package) reach it.
     */
    Future<Void> runUntil(Checkout.Underway claimed, SagaStep lastStep) {
        return resume(claimed, Optional.of(lastStep)).transform(ar -> {
            if (ar.failed() && ar.cause() instanceof Halted) {
                return Future.succeededFuture();
            }
            return Future.failedFuture(ar.failed() ? ar.cause()
                : new IllegalStateException("saga finished before reaching " + lastStep.wireName()));
        });
    }

    private Future<ConfirmedOrder> resume(Checkout.Underway claimed, Optional<SagaStep> haltAfter) {
        return store.steps(claimed.checkoutId(), claimed.run().number()).compose(rows -> {
            Run run = new Run(claimed, haltAfter);
            for (StepRow row : rows) {
                if ("failed".equals(row.status()) && row.detail().startsWith(UNKNOWN_OUTCOME)) {
                    SagaStep.byWireName(row.step()).ifPresent(run.inDoubt::add);
                }
                if (!"succeeded".equals(row.status())) {
                    continue;
                }
                Optional<SagaStep> step = SagaStep.byWireName(row.step());
                step.ifPresent(run.succeeded::add);
                if (step.orElse(null) == SagaStep.CREATE_ORDER && !row.detail().isEmpty()) {
                    run.order = OrderReceipts.read(row.detail());
                    if (run.order.isEmpty()) {
                        LOG.warn("event=unreadable_order_detail checkout={}", claimed.checkoutId());
                    }
                }
            }
            run.inDoubt.removeAll(run.succeeded);
            if (claimed instanceof Checkout.Compensating compensating) {
                SagaStep failed = compensating.failure().step().flatMap(SagaStep::byWireName).orElseThrow();
                return compensate(run, SagaPlan.compensations(failed, run.succeeded), 0);
            }
            return advance(run);
        });
    }

    // ---- forward ---------------------------------------------------------------------------------------------------

    private Future<ConfirmedOrder> advance(Run run) {
        SagaStep step = SagaPlan.next(run.succeeded).orElse(SagaStep.COMPLETE);
        if (run.haltAfter.isPresent() && run.succeeded.contains(run.haltAfter.get())) {
            return Future.failedFuture(new Halted(run.c.checkoutId(), run.haltAfter.get()));
        }
        if (step == SagaStep.COMPLETE) {
            return complete(run);
        }
        Instant now = clock.instant();
        Checkout.Underway starting = run.c.starting(step.wireName(), now.plus(settings.lease()), now);
        return store.beginStep(starting, run.c.version(), step.wireName(), now).compose(attempt -> {
            if (attempt.isEmpty()) {
                return Future.failedFuture(new Superseded(run.c.checkoutId()));
            }
            run.c = starting;
            return execute(run, step).compose(outcome -> afterStep(run, step, attempt.get(), outcome));
        });
    }

    private Future<ConfirmedOrder> afterStep(Run run, SagaStep step, int attempt, StepOutcome outcome) {
        Instant now = clock.instant();
        long fence = run.c.version();
        int sagaRun = run.c.run().number();
        if (outcome instanceof StepOutcome.Done done) {
            Checkout.Confirming after = done.after().touched(now);
            StepRecord row = StepRecord.finish(step.wireName(), attempt, "succeeded", done.detail(), sagaRun, now);
            return write(run, after, fence, row, List.of()).compose(v -> {
                run.succeeded.add(step);
                run.inDoubt.remove(step);
                return advance(run);
            });
        }
        StepFailure failure = ((StepOutcome.Failed) outcome).failure();
        boolean unknown = failure instanceof StepFailure.Unknown;
        StepRecord row = StepRecord.finish(step.wireName(), attempt, "failed", (unknown ? UNKNOWN_OUTCOME : "") + failure.reason(), sagaRun,
            now);
        if (unknown) {
            run.inDoubt.add(step);
            metrics.unknownOutcome(step.wireName());
        }
        // Extending the reservation of a checkout that holds none (one the Order service started) reserves its stock now.
        boolean takesStock = step == SagaStep.EXTEND_RESERVATION && run.c.reservationId().isEmpty();
        SagaPlan.Decision decision = SagaPlan.afterFailure(step, failure, run.succeeded, run.inDoubt, takesStock);
        LOG.info("event=saga_step_failed checkout={} step={} decision={} reason=\"{}\"", run.c.checkoutId(), step.wireName(),
            decision.getClass().getSimpleName(), failure.reason());
        if (decision instanceof SagaPlan.Decision.Reopen) {
            Checkout.Open reopened = run.confirming().reopened(now);
            return write(run, reopened, fence, row, List.of()).compose(v -> {
                metrics.reopened(step.wireName());
                return Future.failedFuture(CheckoutProblem.unavailable(failure.reason() + " during " + step.wireName()
                    + "; nothing was charged and the checkout is open again: retry ConfirmCheckout"));
            });
        }
        if (decision instanceof SagaPlan.Decision.Park) {
            Checkout.Underway parked = run.c.parked(now.plus(settings.retryAfter()), now);
            return write(run, parked, fence, row, List.of()).compose(v -> {
                metrics.parked(step.wireName());
                if (!step.afterPivot()) {
                    return Future.failedFuture(CheckoutProblem.unavailable("the outcome of " + step.wireName() + " is not known yet ("
                        + failure.reason() + "); nothing is undone while it may have happened: it is resolved automatically with the"
                        + " same idempotency key, and a repeated ConfirmCheckout answers with the outcome once it is"));
                }
                return Future.failedFuture(CheckoutProblem.unavailable("order " + run.confirming().orderId().orElse("") + " was placed but "
                    + step.wireName() + " did not finish (" + failure.reason() + "); it is retried automatically and a repeated"
                    + " ConfirmCheckout answers with the order once it has"));
            });
        }
        List<SagaStep> undo = ((SagaPlan.Decision.Compensate) decision).compensations();
        CheckoutProblem.Kind kind = failure instanceof StepFailure.Refused ? CheckoutProblem.Kind.FAILED_PRECONDITION
            : CheckoutProblem.Kind.UNAVAILABLE;
        Checkout.Compensating failing = run.confirming().failing(step.wireName(), failure.reason(), kind, now);
        return write(run, failing, fence, row, List.of()).compose(v -> compensate(run, undo, 0));
    }

    private Future<ConfirmedOrder> complete(Run run) {
        Future<PlacedOrder> order = run.order.isPresent() ? Future.succeededFuture(run.order.get())
            // Only when the create_order row lost its detail: the Order service answers a repeated create with the order.
            : neighbours.createOrder(draft(run.confirming())).compose(result -> result instanceof CallOutcome.Answered<PlacedOrder> created
                ? Future.succeededFuture(created.value())
                : Future.failedFuture(CheckoutProblem.unavailable(
                    NeighbourAnswers.orderStepFailure(((CallOutcome.Failed<PlacedOrder>) result).failure()).reason())));
        return order.compose(placed -> {
            Instant now = clock.instant();
            Checkout.Confirming c = run.confirming();
            ConfirmedOrder reply = ConfirmedOrder.of(c.checkoutId(), c.customerId(), c.lines(), c.totals(), c.currency(),
                c.authorizationId(), placed, now);
            long fence = c.version();
            Checkout.Completed done = c.completed(reply, now);
            StepRecord row = StepRecord.finishedNow(SagaStep.COMPLETE.wireName(), "succeeded", placed.orderId(), c.run().number(), now);
            return write(run, done, fence, row, List.of(events.completed(done, now))).map(v -> {
                wakeRelay.run();
                metrics.completed();
                LOG.info("event=checkout_completed checkout={} order={} grand_total={}", done.checkoutId(), done.orderId(),
                    done.totals().grandTotal());
                return reply;
            });
        });
    }

    // ---- backward --------------------------------------------------------------------------------------------------

    private Future<ConfirmedOrder> compensate(Run run, List<SagaStep> undo, int index) {
        if (index >= undo.size()) {
            return fail(run);
        }
        String name = undo.get(index).compensation().orElseThrow();
        if (run.compensating().failure().compensated().contains(name)) {
            return compensate(run, undo, index + 1);
        }
        Instant now = clock.instant();
        Checkout.Underway starting = run.c.starting(name, now.plus(settings.lease()), now);
        return store.beginStep(starting, run.c.version(), name, now).compose(attempt -> {
            if (attempt.isEmpty()) {
                return Future.failedFuture(new Superseded(run.c.checkoutId()));
            }
            run.c = starting;
            return undo(run, undo.get(index)).compose(failure -> {
                Instant at = clock.instant();
                long fence = run.c.version();
                int sagaRun = run.c.run().number();
                if (failure.isEmpty()) {
                    Checkout.Compensating after = run.compensating().compensated(name, at);
                    return write(run, after, fence, StepRecord.finish(name, attempt.get(), "compensated", "", sagaRun, at),
                        List.of()).compose(v -> {
                            metrics.compensated(name);
                            return compensate(run, undo, index + 1);
                        });
                }
                // Undoing must happen: the saga stays CONFIRMING and is resumed once the neighbour is back.
                CheckoutFailure why = run.compensating().failure();
                Checkout.Underway parked = run.c.parked(at.plus(settings.retryAfter()), at);
                return write(run, parked, fence, StepRecord.finish(name, attempt.get(), "failed", failure.get().reason(), sagaRun, at),
                    List.of()).compose(v -> Future.failedFuture(CheckoutProblem.failed(why.kind(), why.step().orElse(""), why.reason()
                        + " during " + why.step().orElse("") + "; undoing it is not finished (" + name + ": " + failure.get().reason()
                        + ") and is retried automatically")));
            });
        });
    }

    private Future<ConfirmedOrder> fail(Run run) {
        Instant now = clock.instant();
        long fence = run.c.version();
        Checkout.Failed failed = run.compensating().ended(now);
        return store.save(failed, fence, CheckoutState.CONFIRMING, List.of(), List.of(events.failed(failed, now))).compose(saved -> {
            if (!saved) {
                return Future.failedFuture(new Superseded(run.c.checkoutId()));
            }
            CheckoutFailure why = failed.failure();
            wakeRelay.run();
            metrics.failed(why.step().orElse(""));
            LOG.info("event=checkout_failed checkout={} step={} reason=\"{}\" compensated={}", failed.checkoutId(), why.step().orElse(""),
                why.reason(), why.compensated());
            return Future.failedFuture(why.problem());
        });
    }

    private Future<Void> write(Run run, Checkout after, long fence, StepRecord row, List<OutboxEvent> out) {
        return store.save(after, fence, CheckoutState.CONFIRMING, List.of(row), out).compose(saved -> {
            if (!saved) {
                return Future.failedFuture(new Superseded(run.c.checkoutId()));
            }
            if (after instanceof Checkout.Underway underway) {
                run.c = underway;
            }
            return Future.succeededFuture();
        });
    }

    // ---- the steps -------------------------------------------------------------------------------------------------

    private Future<StepOutcome> execute(Run run, SagaStep step) {
        Checkout.Confirming c = run.confirming();
        Future<StepOutcome> outcome = switch (step) {
            case REPRICE -> reprice(c);
            case EXTEND_RESERVATION -> c.reservationId().isEmpty()
                // A checkout the Order service started (imported from order_db) holds no stock: it is reserved now, under the
                // id StartCheckout would have given it, so a repeated step finds the same reservation.
                ? step(neighbours.reserveStock(SagaStep.reservationId(c.checkoutId()), c.lines(), settings.reservationTtl()),
                    hold -> done(c.withContents(c.contents().withReservation(SagaStep.reservationId(c.checkoutId()), hold.expiresAt())),
                        "reserved until " + hold.expiresAt()))
                : step(neighbours.extendReservation(c.reservationId(), settings.reservationTtl()),
                    hold -> done(c.withContents(c.contents().withReservationExpiresAt(hold.expiresAt())),
                        "held until " + hold.expiresAt()));
            case AUTHORIZE_PAYMENT -> authorize(c);
            case CREATE_ORDER -> neighbours.createOrder(draft(c)).map(result -> {
                if (!(result instanceof CallOutcome.Answered<PlacedOrder> created)) {
                    return new StepOutcome.Failed(NeighbourAnswers.orderStepFailure(((CallOutcome.Failed<PlacedOrder>) result).failure()));
                }
                run.order = Optional.of(created.value());
                return done(c.ordered(created.value().orderId()), created.value().receipt());
            });
            case COMMIT_RESERVATION -> step(neighbours.commitReservation(c.reservationId(), c.orderId().orElse("")),
                r -> done(c, "committed to order " + c.orderId().orElse("")));
            case CAPTURE_PAYMENT -> c.authorizationId().isEmpty() ? Future.succeededFuture(done(c, "nothing to capture"))
                : step(neighbours.capturePayment(c.authorizationId().get(), SagaStep.CAPTURE_PAYMENT.idempotencyKey(c.checkoutId())),
                    a -> done(c, a.status().wireName()));
            case CONVERT_CART -> convertCart(c);
            case RESERVE_STOCK, COMPLETE -> Future.failedFuture(new IllegalStateException(step + " is not run by execute"));
        };
        return outcome.recover(e -> classify(e).map(f -> Future.<StepOutcome>succeededFuture(new StepOutcome.Failed(f)))
            .orElseGet(() -> Future.failedFuture(e)));
    }

    private Future<StepOutcome> reprice(Checkout.Confirming c) {
        return carts.find(c.cartId()).transform(ar -> {
            if (ar.failed()) {
                return Future.succeededFuture(new StepOutcome.Failed(new StepFailure.Unavailable(
                    "cart store unavailable (" + ar.cause().getMessage() + ")")));
            }
            Optional<Cart> cart = ar.result();
            String changed = null;
            if (cart.isEmpty()) {
                changed = "the cart no longer exists";
            } else if (cart.get().status() != CartStatus.ACTIVE) {
                changed = "the cart is " + cart.get().status();
            } else if (cart.get().version() != c.cartVersion()) {
                changed = "version " + c.cartVersion() + " was frozen, the cart is at version " + cart.get().version();
            }
            if (changed != null) {
                return Future.succeededFuture(new StepOutcome.Failed(new StepFailure.Refused("cart changed since checkout started: "
                    + changed)));
            }
            if (c.contents().quotedByOrderService()) {
                // The Order service's quote is the price the shopper was shown before a rollout moved them here: kept.
                return Future.succeededFuture(done(c, "kept the Order service's quote grand_total=" + c.totals().grandTotal()));
            }
            CheckoutPricing.Priced priced = pricing.price(c.lines(), c.promotionCodes(), c.region(),
                c.shippingMethod().map(ShippingOption::priceMinor).orElse(0L));
            return Future.succeededFuture(done(c.withContents(c.contents().withPricing(c.region(), priced.lines(), priced.totals())),
                "grand_total=" + priced.totals().grandTotal()));
        });
    }

    private Future<StepOutcome> authorize(Checkout.Confirming c) {
        if (c.totals().grandTotal() == 0) {
            return Future.succeededFuture(done(c, "nothing to pay"));
        }
        return step(neighbours.authorizePayment(SagaStep.AUTHORIZE_PAYMENT.idempotencyKey(c.checkoutId()),
                OrderDraft.orderCustomer(c.checkoutId(), c.customerId()), c.run().paymentMethodId(), c.totals().grandTotal(),
                c.currency(), c.checkoutId()),
            a -> {
                if (a.status() == Authorization.Status.DECLINED) {
                    return new StepOutcome.Failed(new StepFailure.Refused("payment declined: " + a.declineReason()));
                }
                if (!a.holdsMoney()) {
                    return new StepOutcome.Failed(new StepFailure.Refused("payment authorization " + a.authorizationId() + " is "
                        + a.status().wireName()));
                }
                return done(c.authorized(a.authorizationId()), a.authorizationId());
            });
    }

    private Future<StepOutcome> convertCart(Checkout.Confirming c) {
        String orderId = c.orderId().orElse("");
        Mutation mark = new Mutation(c.cartId(), new CartCommand.MarkConverted(orderId, c.checkoutId()), OptionalLong.empty(),
            SagaStep.CONVERT_CART.idempotencyKey(c.checkoutId()));
        return carts.apply(mark).transform(ar -> {
            if (ar.failed()) {
                return Future.succeededFuture(new StepOutcome.Failed(new StepFailure.Unavailable(
                    "cart store unavailable (" + ar.cause().getMessage() + ")")));
            }
            MutationResult result = ar.result();
            if (result instanceof MutationResult.Applied) {
                return Future.succeededFuture(done(c, "cart converted to order " + orderId));
            }
            // The order exists and is paid; a cart that cannot be marked (merged or abandoned meanwhile) must not hold it up.
            LOG.warn("event=cart_not_converted checkout={} cart={} order={} result={}", c.checkoutId(), c.cartId(), orderId, result);
            return Future.succeededFuture(done(c, "cart not converted: " + result));
        });
    }

    /** Runs the compensation of {@code step}: empty when it is done, else why it could not be done now. */
    private Future<Optional<StepFailure>> undo(Run run, SagaStep step) {
        Checkout.Underway c = run.c;
        Future<? extends CallOutcome<?>> call;
        if (step == SagaStep.RESERVE_STOCK) {
            Optional<String> held = heldReservation(run);
            if (held.isEmpty()) {
                return Future.succeededFuture(Optional.empty());
            }
            call = neighbours.releaseReservation(held.get());
        } else if (step == SagaStep.AUTHORIZE_PAYMENT) {
            call = c.authorizationId().isEmpty() ? Future.succeededFuture(new CallOutcome.Answered<>(null))
                : neighbours.voidAuthorization(c.authorizationId().get(), SagaStep.voidKey(c.checkoutId()));
        } else {
            return Future.failedFuture(new IllegalStateException(step + " has no compensation"));
        }
        return call.map(outcome -> {
            if (!(outcome instanceof CallOutcome.Failed<?> failed)) {
                return Optional.<StepFailure>empty();
            }
            if (failed.failure() instanceof CallFailure.Refused refusal) {
                // A definite answer (already released, nothing to void): nothing is left to undo.
                LOG.warn("event=compensation_refused checkout={} step={} answer=\"{}\"", c.checkoutId(), step.wireName(),
                    refusal.describe());
                return Optional.<StepFailure>empty();
            }
            return Optional.of(NeighbourAnswers.stepFailure(failed.failure()));
        });
    }

    /**
     * The reservation undoing the stock step releases: the one the checkout records, or, for a checkout that held none
     * (one the Order service started) whose reservation at extend_reservation was left in doubt, the id it was asked
     * under, which the warehouse releases whether or not it was made. Empty when nothing can be held.
     */
    private static Optional<String> heldReservation(Run run) {
        if (!run.c.reservationId().isEmpty()) {
            return Optional.of(run.c.reservationId());
        }
        return run.inDoubt.contains(SagaStep.EXTEND_RESERVATION) ? Optional.of(SagaStep.reservationId(run.c.checkoutId()))
            : Optional.empty();
    }

    /** A neighbour's answer as the step's outcome: {@code onAnswer}'s, or the failure as a {@link StepFailure}. */
    private static <T> Future<StepOutcome> step(Future<CallOutcome<T>> call, Function<T, StepOutcome> onAnswer) {
        return call.map(outcome -> outcome instanceof CallOutcome.Answered<T> answered ? onAnswer.apply(answered.value())
            : new StepOutcome.Failed(NeighbourAnswers.stepFailure(((CallOutcome.Failed<T>) outcome).failure())));
    }

    /** An outage of our own stores as a step failure; anything else is a bug and stays an exception. */
    private static Optional<StepFailure> classify(Throwable e) {
        if (e instanceof CheckoutProblem problem && problem.kind() == CheckoutProblem.Kind.UNAVAILABLE) {
            return Optional.of(new StepFailure.Unavailable(problem.getMessage()));
        }
        return Optional.empty();
    }

    private static StepOutcome done(Checkout.Confirming after, String detail) {
        return new StepOutcome.Done(after, detail);
    }

    /** The order a checkout whose totals were just repriced asks the Order service to place. */
    private static OrderDraft draft(Checkout.Confirming c) {
        return new OrderDraft(c.checkoutId(), OrderDraft.orderCustomer(c.checkoutId(), c.customerId()), c.currency(), c.totals(),
            c.lines(), c.contents().shippingMethodId(), c.authorizationId(), c.shippingAddress(),
            c.billingAddress().or(c::shippingAddress));
    }

    /** The stored reply of a COMPLETED checkout. */
    public static ConfirmedOrder storedOrder(Checkout.Completed completed) {
        return completed.reply().orElseThrow(() -> new IllegalStateException("stored order of checkout "
            + completed.checkoutId() + " is unreadable"));
    }

    /**
     * What ConfirmCheckout answers for a COMPLETED checkout: its stored reply, or, for a checkout the Order service
     * completed (imported from order_db after a rollback, which keeps the order id but not this service's reply), the
     * order that service placed, asked again of the Order service, which answers a repeated create for the checkout with
     * the order it placed, never a second one. The order it names must be the checkout's.
     */
    public Future<ConfirmedOrder> completedOrder(Checkout.Completed completed) {
        if (completed.reply().isPresent() || completed.orderId().isEmpty()) {
            return Future.succeededFuture(storedOrder(completed));
        }
        OrderDraft again = new OrderDraft(completed.checkoutId(), OrderDraft.orderCustomer(completed.checkoutId(), completed.customerId()),
            completed.currency(), completed.totals(), completed.lines(), completed.contents().shippingMethodId(),
            completed.authorizationId(), completed.shippingAddress(), completed.billingAddress().or(completed::shippingAddress));
        return neighbours.createOrder(again).compose(result -> {
            if (!(result instanceof CallOutcome.Answered<PlacedOrder> placed)) {
                return Future.failedFuture(CheckoutProblem.unavailable(
                    NeighbourAnswers.orderStepFailure(((CallOutcome.Failed<PlacedOrder>) result).failure()).reason()));
            }
            if (!placed.value().orderId().equals(completed.orderId())) {
                return Future.failedFuture(new IllegalStateException("checkout " + completed.checkoutId() + " completed as order "
                    + completed.orderId() + ", but the Order service answers order " + placed.value().orderId()));
            }
            return Future.succeededFuture(ConfirmedOrder.of(completed.checkoutId(), completed.customerId(), completed.lines(),
                completed.totals(), completed.currency(), completed.authorizationId(), placed.value(), completed.updatedAt()));
        });
    }
}
