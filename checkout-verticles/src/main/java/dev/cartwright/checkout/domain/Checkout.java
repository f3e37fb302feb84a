package dev.cartwright.checkout.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A checkout in one of its states, each a type with exactly the fields that state has. Every state holds the frozen
 * cart and where it goes ({@link CheckoutContents}) and which change it is ({@link Revision}); what a state adds:
 * <pre>
 * Open          the last saga run, if a confirmation was reopened          --edited--> Open, --claim--> Confirming, --expire--> Expired
 * Confirming    the saga run, the authorization and the order once obtained --reopen--> Open, --fail--> Compensating,
 *                                                                           --complete--> Completed
 * Compensating  the run, the authorization, why it failed, what is undone  --end--> Failed
 * Completed     the run, the authorization, the order and the reply
 * Failed        the run, the authorization, why it failed, what was undone
 * Expired       what it had when open (a newer checkout of its cart replaced it)
 * </pre>
 * The moves a client asks for ({@link #changeable}, {@link #claim}, {@link #expire}) answer a {@link Transition}: the next
 * state, or the refusal naming the state the checkout is in. The saga's moves are methods of the states they start from.
 * Every move that another writer must not miss bumps the version; the stored status is {@link #status()}.
 */
public sealed interface Checkout permits Checkout.Open, Checkout.Underway, Checkout.Completed, Checkout.Failed, Checkout.Expired {

    CheckoutContents contents();

    Revision revision();

    /** The state's stored name (a compensating checkout is still CONFIRMING to its clients). */
    CheckoutState status();

    default String checkoutId() {
        return contents().checkoutId();
    }

    default String cartId() {
        return contents().cartId();
    }

    default Optional<String> customerId() {
        return contents().customerId();
    }

    default long cartVersion() {
        return contents().cartVersion();
    }

    default String currency() {
        return contents().currency();
    }

    default String region() {
        return contents().region();
    }

    default List<FrozenLine> lines() {
        return contents().lines();
    }

    default List<String> promotionCodes() {
        return contents().promotionCodes();
    }

    default CheckoutTotals totals() {
        return contents().totals();
    }

    default Optional<PostalAddress> shippingAddress() {
        return contents().shippingAddress();
    }

    default Optional<PostalAddress> billingAddress() {
        return contents().billingAddress();
    }

    default List<ShippingOption> shippingMethods() {
        return contents().shippingMethods();
    }

    default Optional<ShippingOption> shippingMethod() {
        return contents().shippingMethod();
    }

    default String reservationId() {
        return contents().reservationId();
    }

    default Optional<Instant> reservationExpiresAt() {
        return contents().reservationExpiresAt();
    }

    default long version() {
        return revision().version();
    }

    default Instant createdAt() {
        return contents().createdAt();
    }

    default Instant updatedAt() {
        return revision().updatedAt();
    }

    /** The checkout as one a client may change (only an open one), or the refusal naming its state. */
    default Transition<Open> changeable() {
        return this instanceof Open open ? new Transition.Moved<>(open) : refused("only an open checkout can change");
    }

    /**
     * OPEN to CONFIRMING for a new run of the saga, with the contents ConfirmCheckout resolved (defaults filled in) and
     * the runner's lease; the next version.
     */
    default Transition<Confirming> claim(String paymentMethodId, CheckoutContents resolved, Instant leaseUntil, Instant now) {
        if (this instanceof Open open) {
            int run = open.lastRun().map(SagaRun::number).orElse(0) + 1;
            return new Transition.Moved<>(new Confirming(resolved, revision().next(now),
                new SagaRun(run, paymentMethodId, Optional.empty(), Optional.of(leaseUntil)), Optional.empty(), Optional.empty()));
        }
        return refused("only an open checkout can be confirmed");
    }

    /** A newer checkout of the cart replaced this open one. */
    default Transition<Expired> expire(Instant now) {
        if (this instanceof Open open) {
            return new Transition.Moved<>(new Expired(contents(), revision().next(now), open.lastRun()));
        }
        return refused("only an open checkout can expire");
    }

    private <T extends Checkout> Transition<T> refused(String rule) {
        return new Transition.Refused<>(status(), "checkout " + checkoutId() + " is " + status() + "; " + rule);
    }

    /** Addresses and shipping can change; ConfirmCheckout may start. */
    record Open(CheckoutContents contents, Revision revision, Optional<SagaRun> lastRun) implements Checkout {
        public Open {
            Objects.requireNonNull(contents, "contents");
            Objects.requireNonNull(revision, "revision");
            Objects.requireNonNull(lastRun, "lastRun");
        }

        /** A change a client made: the next version, tagged with the request's idempotency key if it sent one. */
        public Open edited(CheckoutContents changed, Optional<String> requestKey, Instant now) {
            return new Open(changed, new Revision(revision.version() + 1, requestKey, now), lastRun);
        }

        /** A checkout just started: version 1, never confirmed. */
        public static Open started(CheckoutContents contents, Instant now) {
            return new Open(contents, new Revision(1, Optional.empty(), now), Optional.empty());
        }

        @Override
        public CheckoutState status() {
            return CheckoutState.OPEN;
        }
    }

    /** The confirm saga runs (or waits to be resumed): forward ({@link Confirming}) or undoing ({@link Compensating}). */
    sealed interface Underway extends Checkout permits Confirming, Compensating {

        SagaRun run();

        /** The payment authorization, once the saga obtained one. */
        Optional<String> authorizationId();

        @Override
        default CheckoutState status() {
            return CheckoutState.CONFIRMING;
        }

        /** Whether the saga's runner may have stopped: its lease ran out before {@code now}. */
        default boolean leaseLapsed(Instant now) {
            return run().lapsed(now);
        }

        /** {@code step} starts: the runner renews its lease. */
        Underway starting(String step, Instant leaseUntil, Instant now);

        /** Another runner takes the saga over: the next version fences off the one that lost it. */
        Underway takenOver(Instant leaseUntil, Instant now);

        /** The runner stops until {@code until}; then the saga is resumed (by a repeated request or the recovery). */
        Underway parked(Instant until, Instant now);
    }

    /** The saga runs forward. */
    record Confirming(CheckoutContents contents, Revision revision, SagaRun run, Optional<String> authorizationId,
                      Optional<String> orderId) implements Underway {
        public Confirming {
            Objects.requireNonNull(contents, "contents");
            Objects.requireNonNull(revision, "revision");
            Objects.requireNonNull(run, "run");
            Objects.requireNonNull(authorizationId, "authorizationId");
            Objects.requireNonNull(orderId, "orderId");
        }

        @Override
        public Confirming starting(String step, Instant leaseUntil, Instant now) {
            return new Confirming(contents, revision.touched(now), run.at(step, leaseUntil), authorizationId, orderId);
        }

        @Override
        public Confirming takenOver(Instant leaseUntil, Instant now) {
            return new Confirming(contents, revision.next(now), run.leased(leaseUntil), authorizationId, orderId);
        }

        @Override
        public Confirming parked(Instant until, Instant now) {
            return new Confirming(contents, revision.touched(now), run.leased(until), authorizationId, orderId);
        }

        /** The same state, written at {@code now}. */
        public Confirming touched(Instant now) {
            return new Confirming(contents, revision.touched(now), run, authorizationId, orderId);
        }

        public Confirming withContents(CheckoutContents changed) {
            return new Confirming(changed, revision, run, authorizationId, orderId);
        }

        public Confirming authorized(String authorization) {
            return new Confirming(contents, revision, run, Optional.of(authorization), orderId);
        }

        public Confirming ordered(String order) {
            return new Confirming(contents, revision, run, authorizationId, Optional.of(order));
        }

        /** Back to OPEN: nothing was charged; the next version. */
        public Open reopened(Instant now) {
            return new Open(contents, revision.next(now), Optional.of(run.ended(run.step())));
        }

        /** The confirmation failed for good: its compensations run next. */
        public Compensating failing(String step, String reason, CheckoutProblem.Kind kind, Instant now) {
            return new Compensating(contents, revision.touched(now), run, authorizationId,
                new CheckoutFailure(Optional.of(step), reason, kind, List.of()));
        }

        /** The order exists and is paid: COMPLETED with ConfirmCheckout's reply; the next version. */
        public Completed completed(ConfirmedOrder reply, Instant now) {
            return new Completed(contents, revision.next(now), run.ended(Optional.of(SagaStep.COMPLETE.wireName())), authorizationId,
                orderId.orElse(reply.orderId()), Optional.of(reply));
        }
    }

    /** The confirmation failed for good and the compensations of its earlier steps run (or must be resumed). */
    record Compensating(CheckoutContents contents, Revision revision, SagaRun run, Optional<String> authorizationId,
                        CheckoutFailure failure) implements Underway {
        public Compensating {
            Objects.requireNonNull(contents, "contents");
            Objects.requireNonNull(revision, "revision");
            Objects.requireNonNull(run, "run");
            Objects.requireNonNull(authorizationId, "authorizationId");
            Objects.requireNonNull(failure, "failure");
        }

        @Override
        public Compensating starting(String step, Instant leaseUntil, Instant now) {
            return new Compensating(contents, revision.touched(now), run.at(step, leaseUntil), authorizationId, failure);
        }

        @Override
        public Compensating takenOver(Instant leaseUntil, Instant now) {
            return new Compensating(contents, revision.next(now), run.leased(leaseUntil), authorizationId, failure);
        }

        @Override
        public Compensating parked(Instant until, Instant now) {
            return new Compensating(contents, revision.touched(now), run.leased(until), authorizationId, failure);
        }

        public Compensating compensated(String compensation, Instant now) {
            return new Compensating(contents, revision.touched(now), run, authorizationId, failure.withCompensated(compensation));
        }

        /** Everything is undone: FAILED; the next version. */
        public Failed ended(Instant now) {
            return new Failed(contents, revision.next(now), run.ended(failure.step()), authorizationId, failure);
        }
    }

    /**
     * The order exists and is paid; the cart is converted.
     *
     * @param reply ConfirmCheckout's answer (a checkout completed before this service stored replies has none)
     */
    record Completed(CheckoutContents contents, Revision revision, SagaRun run, Optional<String> authorizationId, String orderId,
                     Optional<ConfirmedOrder> reply) implements Checkout {
        public Completed {
            Objects.requireNonNull(contents, "contents");
            Objects.requireNonNull(revision, "revision");
            Objects.requireNonNull(run, "run");
            Objects.requireNonNull(authorizationId, "authorizationId");
            Objects.requireNonNull(orderId, "orderId");
            Objects.requireNonNull(reply, "reply");
        }

        @Override
        public CheckoutState status() {
            return CheckoutState.COMPLETED;
        }
    }

    /** The saga failed and what it had done was undone. */
    record Failed(CheckoutContents contents, Revision revision, SagaRun run, Optional<String> authorizationId, CheckoutFailure failure)
        implements Checkout {
        public Failed {
            Objects.requireNonNull(contents, "contents");
            Objects.requireNonNull(revision, "revision");
            Objects.requireNonNull(run, "run");
            Objects.requireNonNull(authorizationId, "authorizationId");
            Objects.requireNonNull(failure, "failure");
        }

        @Override
        public CheckoutState status() {
            return CheckoutState.FAILED;
        }
    }

    /** Superseded by a newer checkout of the same cart. */
    record Expired(CheckoutContents contents, Revision revision, Optional<SagaRun> lastRun) implements Checkout {
        public Expired {
            Objects.requireNonNull(contents, "contents");
            Objects.requireNonNull(revision, "revision");
            Objects.requireNonNull(lastRun, "lastRun");
        }

        @Override
        public CheckoutState status() {
            return CheckoutState.EXPIRED;
        }
    }
}
