package dev.cartwright.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * Answers and their mean latency per time slot of the measured phase (100 ms by default), recorded from the driver's
 * event loop. A histogram says how long requests took; this says when: a stall that hits every request in flight at
 * once (a collection, a burst of background work) shows as a slot with few answers followed by one whose answers
 * took long, at the period of its cause.
 */
final class Timeline {

    /** At most an hour of 100 ms slots; answers after that are not placed. */
    static final int MAX_SLOTS = 36_000;

    private final long startNanos;
    private final long startEpochMillis;
    private final long slotNanos;
    private long[] answers = new long[600];
    private long[] latencyNanos = new long[600];
    private int used;

    /** Slots of {@code slotNanos} from {@code startNanos} ({@link System#nanoTime()}), which was {@code startEpochMillis}. */
    Timeline(long startNanos, long startEpochMillis, long slotNanos) {
        if (slotNanos <= 0) {
            throw new IllegalArgumentException("slotNanos must be positive, was " + slotNanos);
        }
        this.startNanos = startNanos;
        this.startEpochMillis = startEpochMillis;
        this.slotNanos = slotNanos;
    }

    /** A timeline of 100 ms slots starting now. */
    static Timeline startingNow() {
        return new Timeline(System.nanoTime(), System.currentTimeMillis(), 100_000_000L);
    }

    /** One answer that came back at {@code nowNanos} after {@code latency} nanoseconds. */
    void record(long nowNanos, long latency) {
        if (nowNanos < startNanos) {
            return;
        }
        long slot = (nowNanos - startNanos) / slotNanos;
        if (slot >= MAX_SLOTS) {
            return;
        }
        int at = (int) slot;
        if (at >= answers.length) {
            int size = Math.min(MAX_SLOTS, Math.max(at + 1, answers.length * 2));
            answers = Arrays.copyOf(answers, size);
            latencyNanos = Arrays.copyOf(latencyNanos, size);
        }
        answers[at]++;
        latencyNanos[at] += latency;
        used = Math.max(used, at + 1);
    }

    /**
     * {@code startEpochMs} (when the first slot began, to line the slots up with other logs), {@code slotMs}, the
     * answers and the mean latency in ms of each slot, and a summary of the answers per slot: min, p5, median and max,
     * their coefficient of variation, and how many slots had fewer than half the median (stalls).
     */
    JsonObject toJson() {
        JsonArray counts = new JsonArray();
        JsonArray means = new JsonArray();
        for (int i = 0; i < used; i++) {
            counts.add(answers[i]);
            means.add(answers[i] == 0 ? null : Math.round(latencyNanos[i] / (double) answers[i] / 100_000.0) / 10.0);
        }
        JsonObject out = new JsonObject().put("startEpochMs", startEpochMillis).put("slotMs", slotNanos / 1_000_000.0)
            .put("answers", counts).put("meanLatencyMs", means);
        // The first and the last slot are cut short by the phase's ends (a closed loop starts every request at once):
        // left out of the summary.
        if (used > 2) {
            long[] whole = Arrays.copyOfRange(answers, 1, used - 1);
            long[] sorted = whole.clone();
            Arrays.sort(sorted);
            long median = sorted[sorted.length / 2];
            long stalls = Arrays.stream(whole).filter(n -> n * 2 < median).count();
            double mean = Arrays.stream(whole).average().orElse(0);
            double sd = Math.sqrt(Arrays.stream(whole).mapToDouble(n -> (n - mean) * (n - mean)).sum() / whole.length);
            out.put("answersPerSlot", new JsonObject().put("min", sorted[0]).put("p5", sorted[(int) ((sorted.length - 1) * 0.05)])
                .put("median", median).put("max", sorted[sorted.length - 1])
                .put("variation", mean == 0 ? null : Math.round(sd / mean * 100) / 100.0).put("slotsUnderHalfTheMedian", stalls));
        }
        return out;
    }
}
