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
 *
 * <p>Each error is also counted under what its shopper had going on ({@link Circumstance}): two
 * requests of one shopper in flight together may arrive in either order, and a request later in a
 * session where that happened, or where a request failed, may find its line missing. The errors
 * under {@link Circumstance#NONE} are the ones nothing in the driver explains: an UPDATE or REMOVE
 * there answered FAILED_PRECONDITION would mean the cart lost a change it had acknowledged.
 */
final class RpcStats {

    private final Map<String, Histogram> latencies = new TreeMap<>();
    private final Map<String, Histogram> all = new TreeMap<>();
    private final Map<String, Long> errors = new TreeMap<>();
    private final Map<String, Long> errorsByCircumstance = new TreeMap<>();

    /** What the shopper of a request had going on when it was sent. */
    enum Circumstance {
        /** Nothing: the shopper's earlier requests were all answered, and answered well. */
        NONE("none"),
        /** Another request of the same shopper was in flight at the same time, so the two may arrive in either order. */
        OVERLAPPING("overlapping"),
        /** Earlier in the same session two requests overlapped, so the cart may not hold what the session expects. */
        AFTER_AN_OVERLAP("after-an-overlap"),
        /** An earlier request of the same session failed, so the cart may lack what the session added. */
        AFTER_A_FAILURE("after-a-failure");

        final String label;

        Circumstance(String label) {
            this.label = label;
        }
    }

    void record(String rpc, long nanos, Throwable failure) {
        record(rpc, nanos, failure, Circumstance.NONE);
    }

    void record(String rpc, long nanos, Throwable failure, Circumstance circumstance) {
        histogram(latencies, rpc).recordValue(Math.max(1, Math.min(nanos, 60_000_000_000L)));
        histogram(all, "ALL").recordValue(Math.max(1, Math.min(nanos, 60_000_000_000L)));
        if (failure != null) {
            String key = rpc + ":" + status(failure);
            errors.merge(key, 1L, Long::sum);
            errorsByCircumstance.merge(circumstance.label + ":" + key, 1L, Long::sum);
        }
    }

    void reset() {
        latencies.clear();
        all.clear();
        errors.clear();
        errorsByCircumstance.clear();
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
        JsonObject byCircumstance = new JsonObject();
        errorsByCircumstance.forEach(byCircumstance::put);
        out.put("errorsByCircumstance", byCircumstance);
        out.put("unexplainedErrorCount", errorsByCircumstance.entrySet().stream()
            .filter(e -> e.getKey().startsWith(Circumstance.NONE.label + ":")).mapToLong(Map.Entry::getValue).sum());
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
        if (failure instanceof CartCalls.HttpStatusException e) {
            return e.statusAndReason();
        }
        return failure.getClass().getSimpleName();
    }
}
