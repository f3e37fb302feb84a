package dev.cartwright.checkout.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Owns the rules of the confirm saga as pure functions: which step runs next, and what a failed step leads to.
 * The runner (the saga package's ConfirmSaga) does the I/O and asks this class what to do; the rules are tested without any.
 *
 * <p>A failed step leads to one of:
 * <ul>
 *   <li>{@link Decision.Compensate}: a definite refusal at or before the pivot (payment declined, cart changed,
 *       reservation gone), or an outage once an authorization exists: the compensations of the earlier succeeded
 *       steps run, newest first, and the checkout ends FAILED;</li>
 *   <li>{@link Decision.Reopen}: an outage before any payment was authorized: nothing was charged and nothing needs
 *       undoing (the stock stays reserved for the checkout), so the checkout is OPEN again and may be confirmed
 *       again — its authorization key is unchanged, so a retry can never authorize twice;</li>
 *   <li>{@link Decision.Park}: any failure after the pivot: the order exists, so the step is retried later (by a
 *       repeated ConfirmCheckout or by the recovery verticle) with the same idempotency key, never compensated; and an
 *       unknown outcome of authorize_payment or create_order (a timeout after the call was sent), or of the stock
 *       reservation extend_reservation makes for a checkout that held none: it is resolved by the same call with the
 *       same key, and nothing is undone or reopened until it is.</li>
 * </ul>
 */
public final class SagaPlan {

    private SagaPlan() {
    }

    /** What a failed step leads to. */
    public sealed interface Decision {

        /** Undo {@code compensations} (steps whose compensation runs, in running order) and end FAILED. */
        record Compensate(List<SagaStep> compensations) implements Decision {
            public Compensate {
                compensations = List.copyOf(compensations);
            }
        }

        /** Back to OPEN: nothing was charged. */
        record Reopen() implements Decision {
        }

        /** Stay CONFIRMING; retry the failed step later. */
        record Park() implements Decision {
        }
    }

    /** The first step of ConfirmCheckout's list that has not succeeded yet, or empty when all have. */
    public static Optional<SagaStep> next(Set<SagaStep> succeeded) {
        for (SagaStep step : SagaStep.CONFIRM) {
            if (!succeeded.contains(step)) {
                return Optional.of(step);
            }
        }
        return Optional.empty();
    }

    /** The decision after {@code failed} failed with {@code failure}, given the steps that had succeeded before it. */
    public static Decision afterFailure(SagaStep failed, StepFailure failure, Set<SagaStep> succeeded) {
        return afterFailure(failed, failure, succeeded, Set.of());
    }

    /**
     * The decision after {@code failed} failed with {@code failure}, given the steps that had succeeded before it and
     * the steps whose outcome an earlier attempt left unknown ({@code inDoubt}). A step that may have charged the
     * customer or placed the order ({@link SagaStep#actsOnMoney()}) and whose outcome is unknown, now or from an earlier
     * attempt, is parked: it is retried with the same idempotency key until the answer is definite, and nothing is
     * undone or reopened meanwhile, because undoing it while an order may exist could leave an order unpaid, and
     * reopening could leave an authorization that nothing records.
     */
    public static Decision afterFailure(SagaStep failed, StepFailure failure, Set<SagaStep> succeeded, Set<SagaStep> inDoubt) {
        return afterFailure(failed, failure, succeeded, inDoubt, false);
    }

    /**
     * As {@link #afterFailure(SagaStep, StepFailure, Set, Set)}, where {@code takesStock} says the failed step holds stock
     * if it happened: extend_reservation of a checkout that held none (one the Order service started, whose stock is
     * reserved only when this service confirms it). Its unknown outcome is resolved as a payment's is: parked and retried
     * with the same reservation id until the answer is definite, because reopening would leave a reservation that
     * nothing records, holding the stock until it expires. The answer then decides: the reservation is the checkout's
     * (and is committed to its order, or released if the checkout fails), or there is none.
     */
    public static Decision afterFailure(SagaStep failed, StepFailure failure, Set<SagaStep> succeeded, Set<SagaStep> inDoubt,
                                        boolean takesStock) {
        Objects.requireNonNull(failed, "failed");
        Objects.requireNonNull(failure, "failure");
        if (failed.afterPivot()) {
            return new Decision.Park();
        }
        boolean unknown = failure instanceof StepFailure.Unknown
            || (failure instanceof StepFailure.Unavailable && inDoubt.contains(failed));
        if (unknown && (failed.actsOnMoney() || takesStock)) {
            return new Decision.Park();
        }
        if (failure instanceof StepFailure.Unknown) {
            // A step that neither charges nor places anything (repricing, extending the reservation) is as safe as an outage.
            failure = new StepFailure.Unavailable(failure.reason());
        }
        if (failure instanceof StepFailure.Unavailable && !failed.afterAuthorization()) {
            return new Decision.Reopen();
        }
        return new Decision.Compensate(compensations(failed, succeeded));
    }

    /**
     * The steps before {@code failed} that succeeded and have a compensation, newest first: the order their
     * compensations run in.
     */
    public static List<SagaStep> compensations(SagaStep failed, Set<SagaStep> succeeded) {
        List<SagaStep> undo = new ArrayList<>();
        for (SagaStep step : SagaStep.IN_ORDER) {
            if (step.ordinal() >= failed.ordinal()) {
                break;
            }
            if (succeeded.contains(step) && step.compensation().isPresent()) {
                undo.add(step);
            }
        }
        Collections.reverse(undo);
        return undo;
    }

    /** How a whole run ended, for {@link #simulate}. */
    public enum Ending { COMPLETED, FAILED, REOPENED, PARKED }

    /**
     * One run of the whole saga (stock reservation included) in which each step's outcome comes from
     * {@code outcome} (empty = it succeeded): the ending, the step that failed, and the compensations run, in the
     * order they ran. This is the runner's control flow without the I/O; the property tests drive it.
     */
    public record Run(Ending ending, Optional<SagaStep> failedStep, List<String> compensationsRun, List<SagaStep> stepsRun) {
        public Run {
            compensationsRun = List.copyOf(compensationsRun);
            stepsRun = List.copyOf(stepsRun);
        }
    }

    public static Run simulate(Function<SagaStep, Optional<StepFailure>> outcome) {
        EnumSet<SagaStep> succeeded = EnumSet.noneOf(SagaStep.class);
        List<SagaStep> ran = new ArrayList<>();
        for (SagaStep step : SagaStep.IN_ORDER) {
            ran.add(step);
            Optional<StepFailure> failure = outcome.apply(step);
            if (failure.isEmpty()) {
                succeeded.add(step);
                continue;
            }
            Decision decision = afterFailure(step, failure.get(), succeeded);
            if (decision instanceof Decision.Compensate compensate) {
                return new Run(Ending.FAILED, Optional.of(step),
                    compensate.compensations().stream().map(s -> s.compensation().orElseThrow()).toList(), ran);
            }
            return new Run(decision instanceof Decision.Reopen ? Ending.REOPENED : Ending.PARKED, Optional.of(step), List.of(), ran);
        }
        return new Run(Ending.COMPLETED, Optional.empty(), List.of(), ran);
    }
}
