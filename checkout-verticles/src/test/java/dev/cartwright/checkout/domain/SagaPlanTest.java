package dev.cartwright.checkout.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The saga's rules on the cases the shop meets every day, and the idempotency keys each step sends. */
class SagaPlanTest {

    @Test
    void aDeclinedPaymentReleasesTheReservationAndFails() {
        SagaPlan.Run run = SagaPlan.simulate(step -> step == SagaStep.AUTHORIZE_PAYMENT
            ? Optional.of(new StepFailure.Refused("payment declined: card_declined")) : Optional.empty());
        assertThat(run.ending()).isEqualTo(SagaPlan.Ending.FAILED);
        assertThat(run.failedStep()).contains(SagaStep.AUTHORIZE_PAYMENT);
        assertThat(run.compensationsRun()).containsExactly("release_reservation");
    }

    @Test
    void aChangedCartReleasesTheReservationAndFails() {
        SagaPlan.Run run = SagaPlan.simulate(step -> step == SagaStep.REPRICE
            ? Optional.of(new StepFailure.Refused("cart changed")) : Optional.empty());
        assertThat(run.ending()).isEqualTo(SagaPlan.Ending.FAILED);
        assertThat(run.compensationsRun()).containsExactly("release_reservation");
    }

    @Test
    void theOrderServiceDownAfterAuthorizationVoidsItThenReleasesTheStock() {
        SagaPlan.Decision decision = SagaPlan.afterFailure(SagaStep.CREATE_ORDER, new StepFailure.Unavailable("order down"),
            EnumSet.of(SagaStep.RESERVE_STOCK, SagaStep.REPRICE, SagaStep.EXTEND_RESERVATION, SagaStep.AUTHORIZE_PAYMENT));
        assertThat(decision).isEqualTo(new SagaPlan.Decision.Compensate(java.util.List.of(SagaStep.AUTHORIZE_PAYMENT,
            SagaStep.RESERVE_STOCK)));
    }

    @Test
    void thePaymentServiceDownReopensTheCheckoutWithNothingToUndo() {
        assertThat(SagaPlan.afterFailure(SagaStep.AUTHORIZE_PAYMENT, new StepFailure.Unavailable("payment down"),
            EnumSet.of(SagaStep.RESERVE_STOCK, SagaStep.REPRICE, SagaStep.EXTEND_RESERVATION)))
            .isInstanceOf(SagaPlan.Decision.Reopen.class);
    }

    @Test
    void aCaptureThatFailsAfterTheOrderExistsIsRetriedNotUndone() {
        assertThat(SagaPlan.afterFailure(SagaStep.CAPTURE_PAYMENT, new StepFailure.Refused("no"), EnumSet.allOf(SagaStep.class)))
            .isInstanceOf(SagaPlan.Decision.Park.class);
    }

    @Test
    void onlyStepsThatSucceededAreCompensated() {
        assertThat(SagaPlan.compensations(SagaStep.CREATE_ORDER, EnumSet.of(SagaStep.AUTHORIZE_PAYMENT)))
            .containsExactly(SagaStep.AUTHORIZE_PAYMENT);
    }

    @Test
    void everyOutboundKeyIsDerivedFromTheCheckoutIdAndTheStep() {
        String id = "k2m4q6s8u2w4y6a8c2e4g6i8k2";
        assertThat(SagaStep.AUTHORIZE_PAYMENT.idempotencyKey(id)).isEqualTo(id + ":authorize");
        assertThat(SagaStep.CAPTURE_PAYMENT.idempotencyKey(id)).isEqualTo(id + ":capture");
        assertThat(SagaStep.CREATE_ORDER.idempotencyKey(id)).isEqualTo(id);
        assertThat(SagaStep.CONVERT_CART.idempotencyKey(id)).isEqualTo(id + ":convert");
        assertThat(SagaStep.COMMIT_RESERVATION.idempotencyKey(id)).isEqualTo("rsv-" + id);
        assertThat(SagaStep.voidKey(id)).isEqualTo(id + ":void");
    }

    @Test
    void stepsAreFoundByTheNamesTheyAreRecordedUnder() {
        for (SagaStep step : SagaStep.values()) {
            assertThat(SagaStep.byWireName(step.wireName())).contains(step);
            step.compensation().ifPresent(name -> assertThat(SagaStep.byCompensation(name)).contains(step));
        }
        assertThat(SagaStep.byWireName("nope")).isEmpty();
    }

    @Test
    void theCheapestShippingMethodWinsThenTheFaster() {
        ShippingOption slow = new ShippingOption("standard", "Standard", 499, "USD", 5);
        ShippingOption fastSamePrice = new ShippingOption("courier", "Courier", 499, "USD", 2);
        ShippingOption express = new ShippingOption("express", "Express", 1499, "USD", 2);
        assertThat(ShippingOption.cheapest(java.util.List.of(express, slow, fastSamePrice))).contains(fastSamePrice);
        assertThat(ShippingOption.cheapest(java.util.List.of())).isEmpty();
    }

    @Test
    void anUnknownOutcomeOfTheOrderOrThePaymentIsParkedNeverUndoneOrReopened() {
        EnumSet<SagaStep> authorized = EnumSet.of(SagaStep.RESERVE_STOCK, SagaStep.REPRICE, SagaStep.EXTEND_RESERVATION,
            SagaStep.AUTHORIZE_PAYMENT);
        assertThat(SagaPlan.afterFailure(SagaStep.CREATE_ORDER, new StepFailure.Unknown("timed out"), authorized))
            .isInstanceOf(SagaPlan.Decision.Park.class);
        assertThat(SagaPlan.afterFailure(SagaStep.AUTHORIZE_PAYMENT, new StepFailure.Unknown("timed out"),
            EnumSet.of(SagaStep.RESERVE_STOCK, SagaStep.REPRICE, SagaStep.EXTEND_RESERVATION)))
            .isInstanceOf(SagaPlan.Decision.Park.class);
    }

    @Test
    void anOutageAfterAnUnknownOutcomeOfTheSameStepStillParks() {
        EnumSet<SagaStep> authorized = EnumSet.of(SagaStep.RESERVE_STOCK, SagaStep.REPRICE, SagaStep.EXTEND_RESERVATION,
            SagaStep.AUTHORIZE_PAYMENT);
        assertThat(SagaPlan.afterFailure(SagaStep.CREATE_ORDER, new StepFailure.Unavailable("order down"), authorized,
            EnumSet.of(SagaStep.CREATE_ORDER))).isInstanceOf(SagaPlan.Decision.Park.class);
        assertThat(SagaPlan.afterFailure(SagaStep.CREATE_ORDER, new StepFailure.Refused("invalid order"), authorized,
            EnumSet.of(SagaStep.CREATE_ORDER))).as("a definite no to the same key means there is no order")
            .isInstanceOf(SagaPlan.Decision.Compensate.class);
    }

    @Test
    void anUnknownOutcomeOfAStepThatMovesNoMoneyIsAnOutage() {
        assertThat(SagaPlan.afterFailure(SagaStep.EXTEND_RESERVATION, new StepFailure.Unknown("timed out"),
            EnumSet.of(SagaStep.RESERVE_STOCK, SagaStep.REPRICE))).isInstanceOf(SagaPlan.Decision.Reopen.class);
    }

    @Test
    void anUnknownOutcomeOfTheReservationMadeOnTakingOverACheckoutIsParkedUntilTheSameIdAnswers() {
        EnumSet<SagaStep> repriced = EnumSet.of(SagaStep.RESERVE_STOCK, SagaStep.REPRICE);
        assertThat(SagaPlan.afterFailure(SagaStep.EXTEND_RESERVATION, new StepFailure.Unknown("timed out"), repriced, EnumSet.noneOf(
            SagaStep.class), true)).isInstanceOf(SagaPlan.Decision.Park.class);
        assertThat(SagaPlan.afterFailure(SagaStep.EXTEND_RESERVATION, new StepFailure.Unavailable("warehouse down"), repriced,
            EnumSet.of(SagaStep.EXTEND_RESERVATION), true)).as("still in doubt").isInstanceOf(SagaPlan.Decision.Park.class);
        assertThat(SagaPlan.afterFailure(SagaStep.EXTEND_RESERVATION, new StepFailure.Unavailable("warehouse down"), repriced,
            EnumSet.noneOf(SagaStep.class), true)).as("nothing sent, nothing held").isInstanceOf(SagaPlan.Decision.Reopen.class);
        assertThat(SagaPlan.afterFailure(SagaStep.EXTEND_RESERVATION, new StepFailure.Refused("insufficient stock"), repriced,
            EnumSet.of(SagaStep.EXTEND_RESERVATION), true)).isEqualTo(new SagaPlan.Decision.Compensate(java.util.List.of(
                SagaStep.RESERVE_STOCK)));
    }
}
