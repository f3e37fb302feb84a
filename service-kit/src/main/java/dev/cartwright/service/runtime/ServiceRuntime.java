package dev.cartwright.service.runtime;

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
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * Owns the process-wide pieces one service needs exactly once: the Vert.x instance, the Prometheus registry that
 * Vert.x's own metrics (HTTP, pools, event bus), the JVM binders and the service's meters all report to, and the
 * tracing Vert.x reports spans to ({@link Tracing}: off unless an OTLP endpoint is configured).
 */
public record ServiceRuntime(Vertx vertx, PrometheusMeterRegistry registry, Tracing tracing) {

    /** The runtime of {@code serviceName}, tracing as the {@code OTEL_*} environment variables say. */
    public static ServiceRuntime create(String serviceName) {
        return create(serviceName, Tracing.fromEnvironment(System.getenv(), serviceName));
    }

    public static ServiceRuntime create(String serviceName, Tracing tracing) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("application", serviceName);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(false);
        VertxBuilder builder = Vertx.builder()
            .with(new VertxOptions().setMetricsOptions(metrics).setPreferNativeTransport(true))
            .withMetrics(new MicrometerMetricsFactory(registry));
        if (tracing.enabled()) {
            builder.withTracer(tracing.tracerFactory());
        }
        return new ServiceRuntime(builder.build(), registry, tracing);
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
