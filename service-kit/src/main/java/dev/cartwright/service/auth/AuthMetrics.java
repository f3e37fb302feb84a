package dev.cartwright.service.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The authentication meters: {@code cartwright_auth_rejected_total{reason}} (tokens refused at the edge, before any
 * service method runs) and, with a JWKS, {@code cartwright_jwks_fetches_total{outcome}}; the key-set gauges are
 * registered by {@link JwksKeys}.
 */
final class AuthMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    AuthMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    MeterRegistry registry() {
        return registry;
    }

    void rejected(String reason) {
        counters.computeIfAbsent("rejected:" + reason, k -> Counter.builder("cartwright.auth.rejected").tag("reason", reason)
            .description("Tokens refused at the service edge, by reason").register(registry)).increment();
    }

    void fetched(boolean ok) {
        String outcome = ok ? "ok" : "failed";
        counters.computeIfAbsent("jwks:" + outcome, k -> Counter.builder("cartwright.jwks.fetches").tag("outcome", outcome)
            .description("Fetches of the JWKS document, by outcome").register(registry)).increment();
    }
}
