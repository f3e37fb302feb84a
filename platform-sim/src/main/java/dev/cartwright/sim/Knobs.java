package dev.cartwright.sim;

import java.util.Set;

/**
 * How badly one simulator behaves: a value, replaced as a whole when a knob turns.
 *
 * @param latencyMs   added to every call before it is answered (on a timer, never blocking)
 * @param errorRate   chance in [0, 1] that a call fails with UNAVAILABLE
 * @param failNext    the next this-many calls fail with UNAVAILABLE
 * @param declineAll  payment only: every authorisation is declined
 * @param down        every call fails with UNAVAILABLE and health reports NOT_SERVING
 * @param outOfStock  warehouse only: these product ids have nothing available
 * @param commitThenTimeoutNext the next this-many calls do their work (an order is placed, a payment authorized), then
 *                    their answer is held back until the caller has given up: an outcome the caller cannot know
 */
public record Knobs(long latencyMs, double errorRate, int failNext, boolean declineAll, boolean down, Set<String> outOfStock,
                    int commitThenTimeoutNext) {

    /** A well-behaved simulator. */
    public static final Knobs NONE = new Knobs(0, 0.0, 0, false, false, Set.of(), 0);

    public Knobs(long latencyMs, double errorRate, int failNext, boolean declineAll, boolean down, Set<String> outOfStock) {
        this(latencyMs, errorRate, failNext, declineAll, down, outOfStock, 0);
    }

    public Knobs {
        if (latencyMs < 0) {
            throw new IllegalArgumentException("latencyMs must be >= 0, was " + latencyMs);
        }
        if (!(errorRate >= 0.0 && errorRate <= 1.0)) {
            throw new IllegalArgumentException("errorRate must be within [0, 1], was " + errorRate);
        }
        if (failNext < 0) {
            throw new IllegalArgumentException("failNext must be >= 0, was " + failNext);
        }
        if (commitThenTimeoutNext < 0) {
            throw new IllegalArgumentException("commitThenTimeoutNext must be >= 0, was " + commitThenTimeoutNext);
        }
        outOfStock = Set.copyOf(outOfStock);
    }

    public Knobs withLatencyMs(long value) {
        return new Knobs(value, errorRate, failNext, declineAll, down, outOfStock, commitThenTimeoutNext);
    }

    public Knobs withErrorRate(double value) {
        return new Knobs(latencyMs, value, failNext, declineAll, down, outOfStock, commitThenTimeoutNext);
    }

    public Knobs withFailNext(int value) {
        return new Knobs(latencyMs, errorRate, value, declineAll, down, outOfStock, commitThenTimeoutNext);
    }

    public Knobs withDeclineAll(boolean value) {
        return new Knobs(latencyMs, errorRate, failNext, value, down, outOfStock, commitThenTimeoutNext);
    }

    public Knobs withDown(boolean value) {
        return new Knobs(latencyMs, errorRate, failNext, declineAll, value, outOfStock, commitThenTimeoutNext);
    }

    public Knobs withOutOfStock(Set<String> value) {
        return new Knobs(latencyMs, errorRate, failNext, declineAll, down, value, commitThenTimeoutNext);
    }

    public Knobs withCommitThenTimeoutNext(int value) {
        return new Knobs(latencyMs, errorRate, failNext, declineAll, down, outOfStock, value);
    }
}
