package dev.cartwright.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The one clock tests move by hand, so stored instants are exact and thresholds (idle carts, return windows,
 * reservation expiry) are crossed without waiting. {@link #at} stands still until moved; {@link #followingSystem} runs
 * with the real time, shifted by what the test moved it. Always UTC.
 */
public final class TestClock extends Clock {

    private final AtomicReference<Instant> base;
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);
    private final Function<Instant, Instant> time;

    private TestClock(Instant start, boolean running) {
        this.base = new AtomicReference<>(start);
        this.time = running ? ignored -> Instant.now() : Function.identity();
    }

    /** A clock that reads {@code start} until a test moves it. */
    public static TestClock at(Instant start) {
        return new TestClock(start, false);
    }

    /** A clock that reads the real time plus whatever the test moved it by. */
    public static TestClock followingSystem() {
        return new TestClock(Instant.EPOCH, true);
    }

    public void advance(Duration by) {
        offset.updateAndGet(d -> d.plus(by));
    }

    /** Reads {@code instant} from now on (a clock that follows the system time keeps running from there). */
    public void set(Instant instant) {
        offset.set(Duration.between(time.apply(base.get()), instant));
    }

    /** Undoes every move. */
    public void reset() {
        offset.set(Duration.ZERO);
    }

    @Override
    public Instant instant() {
        return time.apply(base.get()).plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (!ZoneOffset.UTC.equals(zone)) {
            throw new UnsupportedOperationException("tests use UTC");
        }
        return this;
    }
}
