package dev.cartwright.loadtest;

import io.vertx.core.json.JsonObject;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.server.StatusException;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Latency histograms and error counts per RPC, recorded from a single event loop (so plain
 * HdrHistograms, no locks). Values are nanoseconds, one to sixty seconds, three significant digits.
 */
final class RpcStats {

    private final Map<String, Histogram> latencies = new TreeMap<>();
    private final Map<String, Histogram> all = new TreeMap<>();
    private final Map<String, Long> errors = new TreeMap<>();

    void record(String rpc, long nanos, Throwable failure) {
        histogram(latencies, rpc).recordValue(Math.max(1, Math.min(nanos, 60_000_000_000L)));
        histogram(all, "ALL").recordValue(Math.max(1, Math.min(nanos, 60_000_000_000L)));
        if (failure != null) {
            errors.merge(rpc + ":" + status(failure), 1L, Long::sum);
        }
    }

    void reset() {
        latencies.clear();
        all.clear();
        errors.clear();
    }

    JsonObject toJson(long elapsedNanos) {
        JsonObject perRpc = new JsonObject();
        latencies.forEach((rpc, h) -> perRpc.put(rpc, summary(h, elapsedNanos)));
        Histogram total = all.get("ALL");
        JsonObject out = new JsonObject().put("rpcs", perRpc);
        out.put("all", total == null ? new JsonObject() : summary(total, elapsedNanos));
        JsonObject errorCounts = new JsonObject();
        errors.forEach(errorCounts::put);
        out.put("errors", errorCounts);
        out.put("errorCount", errors.values().stream().mapToLong(Long::longValue).sum());
        return out;
    }

    private static JsonObject summary(Histogram h, long elapsedNanos) {
        return new JsonObject()
            .put("count", h.getTotalCount())
            .put("throughputPerSecond", Math.round(h.getTotalCount() / (elapsedNanos / 1e9)))
            .put("p50Ms", ms(h.getValueAtPercentile(50)))
            .put("p90Ms", ms(h.getValueAtPercentile(90)))
            .put("p95Ms", ms(h.getValueAtPercentile(95)))
            .put("p99Ms", ms(h.getValueAtPercentile(99)))
            .put("p999Ms", ms(h.getValueAtPercentile(99.9)))
            .put("maxMs", ms(h.getMaxValue()));
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    private static Histogram histogram(Map<String, Histogram> map, String key) {
        return map.computeIfAbsent(key, k -> new Histogram(60_000_000_000L, 3));
    }

    static String status(Throwable failure) {
        if (failure instanceof InvalidStatusException e) {
            return e.actualStatus().name();
        }
        if (failure instanceof StatusException e) {
            return e.status().name();
        }
        return failure.getClass().getSimpleName();
    }
}
