package dev.cartwright.returns.neighbours;

import java.time.Duration;

/**
 * How every neighbour call is guarded: a timeout per attempt, a bounded number of retries with exponential back-off
 * and jitter (only for failures a retry can cure; every call the Return Service makes is idempotent), and a circuit
 * that opens after {@code maxFailures} such failures and lets a trial call through after {@code resetTimeout}.
 */
public record CallPolicy(Duration timeout, int maxRetries, Duration retryBase, Duration retryMax, int maxFailures, Duration resetTimeout) {

    public static final CallPolicy DEFAULT = new CallPolicy(Duration.ofSeconds(3), 2, Duration.ofMillis(50), Duration.ofMillis(500), 5,
        Duration.ofSeconds(10));

    public CallPolicy {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        if (maxRetries < 0 || maxFailures < 1) {
            throw new IllegalArgumentException("maxRetries must be >= 0 and maxFailures >= 1");
        }
    }
}
