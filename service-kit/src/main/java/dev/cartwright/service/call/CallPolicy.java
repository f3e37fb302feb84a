package dev.cartwright.service.call;

import java.time.Duration;

/**
 * How calls to one neighbour are guarded: a deadline per attempt, how many times a call that got no definite answer is
 * tried again (after {@code retryBase} doubling up to {@code retryMax}, with jitter), and a circuit that opens after
 * {@code maxFailures} calls in a row got none and lets one trial call through after {@code resetTimeout}.
 *
 * <p>Retrying is only safe for calls that are idempotent (by an idempotency key or by nature); every call our
 * services make to a neighbour is.
 */
public record CallPolicy(Duration timeout, int retries, Duration retryBase, Duration retryMax, int maxFailures, Duration resetTimeout) {

    /** 3 s per attempt, 2 retries after 50..500 ms, open after 5 failures, a trial call after 10 s. */
    public static final CallPolicy DEFAULT = new CallPolicy(Duration.ofSeconds(3), 2, Duration.ofMillis(50), Duration.ofMillis(500), 5,
        Duration.ofSeconds(10));

    public CallPolicy {
        positive("timeout", timeout);
        positive("retryBase", retryBase);
        positive("retryMax", retryMax);
        positive("resetTimeout", resetTimeout);
        if (retries < 0 || retries > 10) {
            throw new IllegalArgumentException("retries must be between 0 and 10, was " + retries);
        }
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1, was " + maxFailures);
        }
        if (retryMax.compareTo(retryBase) < 0) {
            throw new IllegalArgumentException("retryMax (" + retryMax + ") must not be below retryBase (" + retryBase + ")");
        }
    }

    /** The default back-off (50..500 ms) with the given deadline, breaker and retry count. */
    public static CallPolicy of(Duration timeout, int retries, int maxFailures, Duration resetTimeout) {
        return new CallPolicy(timeout, retries, DEFAULT.retryBase(), DEFAULT.retryMax(), maxFailures, resetTimeout);
    }

    public CallPolicy withTimeout(Duration value) {
        return new CallPolicy(value, retries, retryBase, retryMax, maxFailures, resetTimeout);
    }

    public CallPolicy withRetries(int value) {
        return new CallPolicy(timeout, value, retryBase, retryMax, maxFailures, resetTimeout);
    }

    public CallPolicy withMaxFailures(int value) {
        return new CallPolicy(timeout, retries, retryBase, retryMax, value, resetTimeout);
    }

    public CallPolicy withResetTimeout(Duration value) {
        return new CallPolicy(timeout, retries, retryBase, retryMax, maxFailures, value);
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
