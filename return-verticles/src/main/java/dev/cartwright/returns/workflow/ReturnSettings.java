package dev.cartwright.returns.workflow;

import dev.cartwright.returns.domain.RefundCalculator;
import dev.cartwright.returns.domain.ReturnEligibility;
import java.time.Duration;

/**
 * The rules and timings the workflows run with.
 *
 * @param attemptLease      how long one attempt at a refund or restock owns it before another may try
 * @param retryBase         the first back-off after a failed attempt; it doubles with every further failure
 * @param retryMax          the longest back-off
 * @param maxAttempts       attempts after which a refund is given up on as failed (restocks are retried for ever)
 * @param workerInterval    how often the retry worker looks for due refunds and restocks
 */
public record ReturnSettings(ReturnEligibility eligibility, RefundCalculator calculator, Duration attemptLease, Duration retryBase,
                             Duration retryMax, int maxAttempts, Duration workerInterval) {

    /** The back-off after {@code attempts} failed attempts: base * 2^(attempts-1), at most {@code retryMax}. */
    public Duration backoff(int attempts) {
        long base = retryBase.toMillis();
        long millis = base << Math.min(Math.max(attempts - 1, 0), 30);
        return Duration.ofMillis(Math.min(millis, retryMax.toMillis()));
    }
}
