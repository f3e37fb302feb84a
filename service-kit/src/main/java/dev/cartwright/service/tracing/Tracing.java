package dev.cartwright.service.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.spi.VertxTracerFactory;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Owns the process's tracing: off unless {@code OTEL_EXPORTER_OTLP_ENDPOINT} (or
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}) is set; then an OpenTelemetry SDK configured from the standard
 * {@code OTEL_*} variables (service name, endpoint, protocol, headers, sampler, resource attributes) that exports spans
 * over OTLP. Vert.x reports to it through vertx-opentelemetry ({@link #tracerFactory()}): a span for each call served,
 * each neighbour call, SQL query and Redis command made inside one, with the W3C {@code traceparent} sent on every call
 * out. Off, Vert.x has no tracer at all: nothing is measured, recorded or sent.
 */
public final class Tracing {

    /** No tracer. */
    public static final Tracing OFF = new Tracing(null, Optional.empty(), "off");

    private final OpenTelemetry openTelemetry;
    private final Optional<OpenTelemetrySdk> owned;
    private final String description;

    private Tracing(OpenTelemetry openTelemetry, Optional<OpenTelemetrySdk> owned, String description) {
        this.openTelemetry = openTelemetry;
        this.owned = owned;
        this.description = description;
    }

    /**
     * Tracing as the environment asks for it: an SDK built from the {@code OTEL_*} variables when an OTLP endpoint is
     * set (and neither {@code OTEL_SDK_DISABLED=true} nor {@code OTEL_TRACES_EXPORTER=none}), else {@link #OFF}.
     * {@code OTEL_SERVICE_NAME} names the service, {@code serviceName} when it is not set. Only traces are exported:
     * metrics stay on {@code /metrics} unless {@code OTEL_METRICS_EXPORTER} says otherwise.
     */
    public static Tracing fromEnvironment(Map<String, String> env, String serviceName) {
        Optional<String> endpoint = endpoint(env);
        if (endpoint.isEmpty()) {
            return OFF;
        }
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> Map.of(
                "otel.service.name", serviceName,
                "otel.metrics.exporter", "none",
                "otel.logs.exporter", "none"))
            // The service flushes the last spans itself, after its own graceful stop (ServiceRuntime#close).
            .disableShutdownHook()
            .build()
            .getOpenTelemetrySdk();
        String name = nonBlank(env.get("OTEL_SERVICE_NAME")).orElse(serviceName);
        return new Tracing(sdk, Optional.of(sdk), "otlp endpoint=" + endpoint.get() + " service=" + name);
    }

    /** Tracing that reports to {@code openTelemetry}, which its owner configures and shuts down (tests, embedding). */
    public static Tracing to(OpenTelemetry openTelemetry) {
        return new Tracing(openTelemetry, Optional.empty(), "provided");
    }

    /** The OTLP endpoint the environment sets, when tracing is not switched off. */
    static Optional<String> endpoint(Map<String, String> env) {
        if ("true".equalsIgnoreCase(env.getOrDefault("OTEL_SDK_DISABLED", "").trim())) {
            return Optional.empty();
        }
        String exporter = env.getOrDefault("OTEL_TRACES_EXPORTER", "").trim().toLowerCase(Locale.ROOT);
        if (exporter.equals("none")) {
            return Optional.empty();
        }
        return nonBlank(env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")).or(() -> nonBlank(env.get("OTEL_EXPORTER_OTLP_ENDPOINT")));
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public boolean enabled() {
        return openTelemetry != null;
    }

    /** The Vert.x tracer factory reporting to this tracing's SDK, naming gRPC spans after their method ({@link RpcSpans}). */
    @SuppressWarnings("unchecked")
    public VertxTracerFactory tracerFactory() {
        if (openTelemetry == null) {
            throw new IllegalStateException("tracing is off");
        }
        OpenTelemetryTracingFactory factory = new OpenTelemetryTracingFactory(openTelemetry);
        return options -> new RpcSpans((VertxTracer<Object, Object>) factory.tracer(options));
    }

    /** Sends the spans still buffered and stops the exporter (an SDK it was given is left to its owner). */
    public Future<Void> shutdown() {
        if (owned.isEmpty()) {
            return Future.succeededFuture();
        }
        Promise<Void> done = Promise.promise();
        CompletableResultCode result = owned.get().shutdown();
        result.whenComplete(() -> done.tryComplete());
        return done.future();
    }

    /** For the start-up log line: "off", or where spans go. */
    @Override
    public String toString() {
        return description;
    }
}
