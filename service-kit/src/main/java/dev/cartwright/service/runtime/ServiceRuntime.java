package dev.cartwright.service.runtime;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * Owns the process-wide pieces one service needs exactly once: the Vert.x instance and the
 * Prometheus registry that Vert.x's own metrics (HTTP, pools, event bus), the JVM binders and
 * the service's meters all report to.
 */
public record ServiceRuntime(Vertx vertx, PrometheusMeterRegistry registry) {

    public static ServiceRuntime create(String serviceName) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("application", serviceName);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(false);
        Vertx vertx = Vertx.builder()
            .with(new VertxOptions().setMetricsOptions(metrics).setPreferNativeTransport(true))
            .withMetrics(new MicrometerMetricsFactory(registry))
            .build();
        return new ServiceRuntime(vertx, registry);
    }
}
