package dev.cartwright.service.runtime;

import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;
import dev.cartwright.service.tracing.Tracing;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the process-wide pieces one service needs exactly once: the Vert.x instance, the Prometheus registry that
 * Vert.x's own metrics (HTTP clients, pools, event bus; its HTTP server's only when asked for), the JVM binders and the
 * service's meters all report to, and the tracing Vert.x reports spans to ({@link Tracing}: off unless an OTLP endpoint
 * is configured).
 *
 * <p>Sockets go through the native transport (epoll on Linux) where it loads, Java NIO elsewhere or with
 * {@value #NATIVE_TRANSPORT}{@code =off}. It is what Vert.x recommends on Linux; here it cut the service's read system
 * calls per request about sixfold and its writes by a third, while its CPU per request at capacity stayed within the
 * noise of one run to the next (BENCHMARKS.md, "Transport: epoll, and writes coalesced").
 */
public record ServiceRuntime(Vertx vertx, PrometheusMeterRegistry registry, Tracing tracing) {

    /** Turns the native transport off ({@code off}) or leaves it on where it loads ({@code on}, the default). */
    public static final String NATIVE_TRANSPORT = "CARTWRIGHT_NATIVE_TRANSPORT";

    /**
     * Turns Vert.x's own per-request HTTP server meters ({@code vertx_http_server_*}) on; {@code off} by default. Every
     * call is already measured by {@code cartwright_rpc_seconds}; the four Vert.x meters of each request cost about 6 % of
     * the service's CPU at capacity, looked up by their tags one by one (BENCHMARKS.md, "What a request costs").
     */
    public static final String VERTX_HTTP_SERVER_METRICS = "CARTWRIGHT_VERTX_HTTP_SERVER_METRICS";

    private static final Logger LOG = LoggerFactory.getLogger(ServiceRuntime.class);

    /** The runtime of {@code serviceName}, tracing as the {@code OTEL_*} environment variables say. */
    public static ServiceRuntime create(String serviceName) {
        return create(serviceName, Tracing.fromEnvironment(System.getenv(), serviceName));
    }

    /** The runtime of {@code serviceName} with {@code tracing}, the transport as {@value #NATIVE_TRANSPORT} says. */
    public static ServiceRuntime create(String serviceName, Tracing tracing) {
        return create(serviceName, tracing, nativeTransport(System.getenv()), vertxHttpServerMetrics(System.getenv()));
    }

    /**
     * Reads this runtime's settings from {@code env} as {@link #create(String, Tracing)} will, so that a service stops
     * on a bad value at start-up, together with its other configuration errors.
     *
     * @throws ConfigException for a value that is neither on nor off, naming the variable
     */
    public static void checkSettings(Map<String, String> env) {
        nativeTransport(env);
        vertxHttpServerMetrics(env);
    }

    /**
     * Whether {@code env} asks for the native transport: {@code on} (or unset), or {@code off} (or true and false).
     *
     * @throws ConfigException for any other value, naming the variable
     */
    public static boolean nativeTransport(Map<String, String> env) {
        return ConfigReader.from(env).bool(NATIVE_TRANSPORT, true);
    }

    /**
     * Whether {@code env} asks for Vert.x's per-request HTTP server meters: {@code off} (or unset), or {@code on}.
     *
     * @throws ConfigException for any other value, naming the variable
     */
    public static boolean vertxHttpServerMetrics(Map<String, String> env) {
        return ConfigReader.from(env).bool(VERTX_HTTP_SERVER_METRICS, false);
    }

    /** The runtime of {@code serviceName}; with {@code preferNative}, on the native transport where it loads. */
    public static ServiceRuntime create(String serviceName, Tracing tracing, boolean preferNative) {
        return create(serviceName, tracing, preferNative, false);
    }

    /**
     * The runtime of {@code serviceName}; with {@code preferNative}, on the native transport where it loads; with
     * {@code httpServerMetrics}, with Vert.x's per-request HTTP server meters.
     */
    public static ServiceRuntime create(String serviceName, Tracing tracing, boolean preferNative, boolean httpServerMetrics) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("application", serviceName);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(false);
        if (!httpServerMetrics) {
            metrics.addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER);
        }
        VertxBuilder builder = Vertx.builder()
            .with(new VertxOptions().setMetricsOptions(metrics).setPreferNativeTransport(preferNative))
            .withMetrics(new MicrometerMetricsFactory(registry));
        if (tracing.enabled()) {
            builder.withTracer(tracing.tracerFactory());
        }
        Vertx vertx = builder.build();
        if (vertx.isNativeTransportEnabled()) {
            LOG.info("event=transport service={} native=on", serviceName);
        } else if (preferNative) {
            Throwable cause = vertx.unavailableNativeTransportCause();
            LOG.warn("event=transport service={} native=unavailable cause=\"{}\" message=\"Java NIO is used instead\"", serviceName,
                cause == null ? "unknown" : cause.toString());
        } else {
            LOG.info("event=transport service={} native=off message=\"{}=off: Java NIO\"", serviceName, NATIVE_TRANSPORT);
        }
        return new ServiceRuntime(vertx, registry, tracing);
    }

    /**
     * Closes Vert.x, then sends the spans still buffered. The future completes on the thread that finishes the work (no
     * event loop is left to run a continuation), so wait for it with {@code await} or a latch.
     */
    public Future<Void> close() {
        Promise<Void> closed = Promise.promise();
        vertx.close().onComplete(ar -> tracing.shutdown().onComplete(flushed -> {
            if (ar.succeeded()) {
                closed.complete();
            } else {
                closed.fail(ar.cause());
            }
        }));
        return closed.future();
    }
}
