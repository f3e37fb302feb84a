package dev.cartwright.checkout.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The saga's rules over every step and every kind of failure: compensations are exactly those of the earlier steps,
 * newest first; the pivot is never crossed backwards; an outage before any payment undoes nothing.
 */
class SagaPlanProperties {

    @Provide
    Arbitrary<SagaStep> upToPivot() {
        return Arbitraries.of(SagaStep.IN_ORDER.subList(0, SagaStep.CREATE_ORDER.ordinal() + 1));
    }

    @Provide
    Arbitrary<SagaStep> afterPivot() {
        return Arbitraries.of(SagaStep.IN_ORDER.subList(SagaStep.CREATE_ORDER.ordinal() + 1, SagaStep.IN_ORDER.size()));
    }

    @Provide
    Arbitrary<SagaStep> beforeAnyPayment() {
        return Arbitraries.of(SagaStep.IN_ORDER.subList(0, SagaStep.AUTHORIZE_PAYMENT.ordinal() + 1));
    }

    @Provide
    Arbitrary<StepFailure> anyFailure() {
        return Arbitraries.oneOf(
            Arbitraries.strings().alpha().ofMaxLength(12).map(StepFailure.Refused::new),
            Arbitraries.strings().alpha().ofMaxLength(12).map(StepFailure.Unavailable::new),
            Arbitraries.strings().alpha().ofMaxLength(12).map(StepFailure.Unknown::new));
    }

    /** The compensations the brief demands: those of the steps before the failed one, in reverse running order. */
    private static List<String> earlierCompensationsReversed(SagaStep failed) {
        List<String> expected = new ArrayList<>();
        for (SagaStep step : SagaStep.IN_ORDER.subList(0, failed.ordinal())) {
            step.compensation().ifPresent(expected::add);
        }
        Collections.reverse(expected);
        return expected;
    }

    private static SagaPlan.Run failAt(SagaStep failing, StepFailure failure) {
        return SagaPlan.simulate(step -> step == failing ? Optional.of(failure) : Optional.empty());
    }

    @Property
    void aRefusedStepUpToThePivotRunsExactlyTheEarlierCompensationsInReverseAndEndsFailed(
        @ForAll("upToPivot") SagaStep failing, @ForAll String reason) {
        SagaPlan.Run run = failAt(failing, new StepFailure.Refused(reason));
        assertThat(run.ending()).isEqualTo(SagaPlan.Ending.FAILED);
        assertThat(run.failedStep()).contains(failing);
        assertThat(run.compensationsRun()).containsExactlyElementsOf(earlierCompensationsReversed(failing));
        assertThat(run.stepsRun()).containsExactlyElementsOf(SagaStep.IN_ORDER.subList(0, failing.ordinal() + 1));
    }

    @Property
    void anOutageOnceMoneyWasAuthorizedAlsoCompensatesEverythingEarlierAndEndsFailed(@ForAll String reason) {
        SagaPlan.Run run = failAt(SagaStep.CREATE_ORDER, new StepFailure.Unavailable(reason));
        assertThat(run.ending()).isEqualTo(SagaPlan.Ending.FAILED);
        assertThat(run.compensationsRun()).containsExactly("void_authorization", "release_reservation");
    }

    @Property
    void anOutageBeforeAnyPaymentUndoesNothingAndReopens(@ForAll("beforeAnyPayment") SagaStep failing, @ForAll String reason) {
        SagaPlan.Run run = failAt(failing, new StepFailure.Unavailable(reason));
        assertThat(run.ending()).isEqualTo(SagaPlan.Ending.REOPENED);
        assertThat(run.compensationsRun()).isEmpty();
    }

    @Property
    void anyFailureAfterThePivotIsRetriedForwardNeverCompensated(@ForAll("afterPivot") SagaStep failing,
                                                                  @ForAll("anyFailure") StepFailure failure) {
        SagaPlan.Run run = failAt(failing, failure);
        assertThat(run.ending()).isEqualTo(SagaPlan.Ending.PARKED);
        assertThat(run.compensationsRun()).isEmpty();
    }

    @Property
    void whateverFailsNoCompensationIsOfTheFailedStepOrALaterOneAndNoneRunsTwice(
        @ForAll("upToPivot") SagaStep failing, @ForAll("anyFailure") StepFailure failure) {
        SagaPlan.Run run = failAt(failing, failure);
        List<String> allowed = earlierCompensationsReversed(failing);
        assertThat(allowed).containsAll(run.compensationsRun());
        assertThat(run.compensationsRun()).doesNotHaveDuplicates();
        if (run.ending() == SagaPlan.Ending.FAILED) {
            assertThat(run.compensationsRun()).containsExactlyElementsOf(allowed);
        }
    }

    @Property
    void anUnknownOutcomeOfTheAuthorizationOrTheOrderNeverUndoesOrReopensAnything(@ForAll String reason,
                                                                                 @ForAll boolean order) {
        SagaPlan.Run run = failAt(order ? SagaStep.CREATE_ORDER : SagaStep.AUTHORIZE_PAYMENT, new StepFailure.Unknown(reason));
        assertThat(run.ending()).isEqualTo(SagaPlan.Ending.PARKED);
        assertThat(run.compensationsRun()).isEmpty();
    }

    @Example
    void whenNoStepFailsEveryStepRunsOnceInOrderAndTheCheckoutCompletes() {
        SagaPlan.Run run = SagaPlan.simulate(step -> Optional.empty());
        assertThat(run.ending()).isEqualTo(SagaPlan.Ending.COMPLETED);
        assertThat(run.failedStep()).isEmpty();
        assertThat(run.compensationsRun()).isEmpty();
        assertThat(run.stepsRun()).containsExactlyElementsOf(SagaStep.IN_ORDER);
    }

    @Property
    void resumingAfterAnyPrefixOfSucceededStepsContinuesWithTheFirstMissingOne(@ForAll("prefixLength") int done) {
        EnumSet<SagaStep> succeeded = EnumSet.noneOf(SagaStep.class);
        succeeded.addAll(SagaStep.IN_ORDER.subList(0, done));
        Optional<SagaStep> next = SagaPlan.next(succeeded);
        if (done == SagaStep.IN_ORDER.size()) {
            assertThat(next).isEmpty();
        } else {
            assertThat(next).contains(SagaStep.IN_ORDER.get(done));
        }
    }

    @Provide
    Arbitrary<Integer> prefixLength() {
        return Arbitraries.integers().between(1, SagaStep.IN_ORDER.size());
    }
}
