package dev.cartwright.order.client;

import java.time.Duration;

/**
 * How the Order service is called: the deadline of one attempt, how many consecutive outages open the circuit, how
 * long it stays open before one trial call, and how many times an outage is retried (CreateOrder is safe to retry: it
 * is idempotent by checkout id).
 */
public record OrderClientSettings(Duration timeout, int maxFailures, Duration resetTimeout, int retries) {

    public OrderClientSettings {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1, was " + maxFailures);
        }
        if (resetTimeout.isNegative() || resetTimeout.isZero()) {
            throw new IllegalArgumentException("resetTimeout must be positive, was " + resetTimeout);
        }
        if (retries < 0 || retries > 10) {
            throw new IllegalArgumentException("retries must be between 0 and 10, was " + retries);
        }
    }

    /** 2 s per attempt, open after 5 outages in a row, trial after 10 s, 2 retries. */
    public static OrderClientSettings defaults() {
        return new OrderClientSettings(Duration.ofSeconds(2), 5, Duration.ofSeconds(10), 2);
    }

    public OrderClientSettings withTimeout(Duration value) {
        return new OrderClientSettings(value, maxFailures, resetTimeout, retries);
    }

    public OrderClientSettings withMaxFailures(int value) {
        return new OrderClientSettings(timeout, value, resetTimeout, retries);
    }

    public OrderClientSettings withResetTimeout(Duration value) {
        return new OrderClientSettings(timeout, maxFailures, value, retries);
    }

    public OrderClientSettings withRetries(int value) {
        return new OrderClientSettings(timeout, maxFailures, resetTimeout, value);
    }
}
