package dev.cartwright.service.grpc;

import dev.cartwright.service.config.ConfigReader;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The most calls one service process works on at once, over all its event loops. A call past the limit is answered
 * UNAVAILABLE (reason {@value #OVERLOADED}, a RetryInfo) before anything of it runs, so nothing was changed and the
 * same request may be sent again.
 *
 * <p>Without it an overload the service cannot keep up with piles up as calls in flight: each holds its HTTP/2
 * stream, its decoded request and whatever it waits for (a database connection, a neighbour) until the heap is full
 * and the process spends its time in garbage collection, answering nothing, including the calls it could have served.
 * Shedding the excess keeps the calls admitted fast and the process alive. The default is far above the 1000 calls
 * in flight the bars measure; health checks and reflection are never shed.
 */
public final class RequestLimit {

    /** The setting: how many calls a process works on at once. */
    public static final String SETTING = "CARTWRIGHT_MAX_REQUESTS_IN_FLIGHT";
    /** Four times the 1000 shoppers the service is sized for, at about 20 KiB of heap per call waiting. */
    public static final int DEFAULT = 4096;
    /** The ErrorInfo reason of a shed call. */
    public static final String OVERLOADED = "OVERLOADED";
    /** How long a shed call is told to wait before it is sent again. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final int max;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder shed = new LongAdder();

    private RequestLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("the limit of calls in flight must be at least 1, was " + max);
        }
        this.max = max;
    }

    public static RequestLimit of(int max) {
        return new RequestLimit(max);
    }

    /** {@value #SETTING}, 1 to 1 000 000, default {@value #DEFAULT}. */
    public static int setting(ConfigReader config) {
        return config.integer(SETTING, DEFAULT, 1, 1_000_000);
    }

    /** Publishes the calls in flight, the limit and the calls shed, tagged with {@code service}. */
    public RequestLimit bindTo(MeterRegistry registry, String service) {
        Gauge.builder("cartwright_requests_in_flight", inFlight, AtomicInteger::get).tag("service", service)
            .description("Calls the service is working on now (health checks and reflection not counted)").register(registry);
        Gauge.builder("cartwright_requests_in_flight_limit", this, l -> l.max).tag("service", service)
            .description("The most calls in flight before further calls are answered UNAVAILABLE (" + SETTING + ")")
            .register(registry);
        FunctionCounter.builder("cartwright_requests_shed", shed, LongAdder::sum).tag("service", service)
            .description("Calls answered UNAVAILABLE, reason OVERLOADED, without being started").register(registry);
        return this;
    }

    /**
     * Admits a call, or answers null when the limit is reached. The admitted call's {@link Admission#leave} must run
     * once it is answered or abandoned; it runs at most once however often it is called.
     */
    Admission tryEnter() {
        if (inFlight.incrementAndGet() > max) {
            inFlight.decrementAndGet();
            shed.increment();
            return null;
        }
        return new Admission();
    }

    /** The answer to a call past the limit. */
    RpcError overloaded() {
        return RpcError.unavailable(OVERLOADED, "the service is working on " + max + " calls, its limit (" + SETTING
            + "); this call was not started and changed nothing: send it again later", RETRY_AFTER);
    }

    public int inFlight() {
        return inFlight.get();
    }

    public long shed() {
        return shed.sum();
    }

    public int max() {
        return max;
    }

    /** One admitted call. */
    final class Admission {
        private boolean left;

        /** Called on the call's event loop when its answer ends or its stream or connection closes. */
        void leave() {
            if (!left) {
                left = true;
                inFlight.decrementAndGet();
            }
        }
    }
}
