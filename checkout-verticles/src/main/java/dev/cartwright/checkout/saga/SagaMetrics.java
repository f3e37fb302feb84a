package dev.cartwright.checkout.saga;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The confirm saga's meters: {@code cartwright.checkout.saga.outcomes} counts how runs ended (outcome = completed,
 * failed, reopened or parked; step = the step that failed, "" when none), {@code cartwright.checkout.saga.compensations}
 * counts compensations run by name, {@code cartwright.checkout.saga.unknown_outcomes} counts calls of a step that got no
 * definite answer (step = the step), and the gauge {@code cartwright.checkout.saga.confirming} shows how many checkouts
 * are CONFIRMING (refreshed by {@link SagaRecovery}); {@code cartwright.checkout.saga.attention} counts confirmations that
 * went past the bound and the gauge {@code cartwright.checkout.saga.needing_attention} shows how many wait for staff;
 * the gauge {@code cartwright.checkout.idempotency.keys} shows how many StartCheckout and ConfirmCheckout keys are kept.
 */
public final class SagaMetrics {

    private final MeterRegistry registry;
    private final AtomicLong confirming = new AtomicLong();
    private final AtomicLong needingAttention = new AtomicLong();
    private final AtomicLong requestKeys = new AtomicLong();

    public SagaMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("cartwright.checkout.saga.confirming", confirming, AtomicLong::get)
            .description("Checkouts whose confirm saga is running or waiting to be resumed")
            .register(registry);
        Gauge.builder("cartwright.checkout.saga.needing_attention", needingAttention, AtomicLong::get)
            .description("Confirmations past CARTWRIGHT_SAGA_ATTENTION_AFTER that wait for staff (./cartwright sagas)")
            .register(registry);
        Gauge.builder("cartwright.checkout.idempotency.keys", requestKeys, AtomicLong::get)
            .description("StartCheckout and ConfirmCheckout idempotency keys kept (each for 24 h)")
            .register(registry);
    }

    /** How many StartCheckout and ConfirmCheckout idempotency keys are kept now. */
    public void requestKeys(long count) {
        requestKeys.set(count);
    }

    /** A confirmation went past the bound and now needs attention. */
    public void needsAttention() {
        Counter.builder("cartwright.checkout.saga.attention").description("Confirmations that went past the bound and needed attention")
            .register(registry).increment();
    }

    public void needingAttention(long count) {
        needingAttention.set(count);
    }

    public void completed() {
        outcome("completed", "");
    }

    public void failed(String step) {
        outcome("failed", step);
    }

    /** An outage before any payment: the checkout is open again. */
    public void reopened(String step) {
        outcome("reopened", step);
    }

    /** A call of {@code step} got no definite answer; the saga resolves it with the same idempotency key. */
    public void unknownOutcome(String step) {
        Counter.builder("cartwright.checkout.saga.unknown_outcomes").description("Saga calls that got no definite answer")
            .tag("step", step).register(registry).increment();
    }

    /** A step after the order was created, or with an unknown outcome, must be retried later. */
    public void parked(String step) {
        outcome("parked", step);
    }

    public void compensated(String compensation) {
        Counter.builder("cartwright.checkout.saga.compensations").description("Compensations run by the confirm saga")
            .tag("compensation", compensation).register(registry).increment();
    }

    public void confirming(long count) {
        confirming.set(count);
    }

    private void outcome(String outcome, String step) {
        Counter.builder("cartwright.checkout.saga.outcomes").description("How confirm saga runs ended")
            .tag("outcome", outcome).tag("step", step).register(registry).increment();
    }
}
