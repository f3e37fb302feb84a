package dev.cartwright.order.migration;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's own repair of mirrors to order_db that failed (order_db down, a row it refused): every
 * {@code every} it runs {@link DualWriter#repairPending} for up to {@code batch} aggregates, oldest first, and counts the
 * queue, which {@link #pendingMirrors()} reports for the service's gauge ({@code cartwright_legacy_mirror_pending}). A run
 * never overlaps the previous one.
 */
public final class LegacyMirrorRepair extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(LegacyMirrorRepair.class);

    private final DualWriter writer;
    private final Duration every;
    private final int batch;
    private final AtomicLong pending = new AtomicLong();
    private long timer = -1;
    private boolean running;

    public LegacyMirrorRepair(DualWriter writer, Duration every, int batch) {
        this.writer = Objects.requireNonNull(writer);
        this.every = Objects.requireNonNull(every);
        this.batch = batch;
    }

    /** Aggregates whose mirror to order_db is pending, as of the last run. */
    public long pendingMirrors() {
        return pending.get();
    }

    @Override
    public Future<?> start() {
        timer = vertx.setPeriodic(every.toMillis(), tick -> runOnce());
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        return Future.succeededFuture();
    }

    /** One repair run and a fresh count of the queue. */
    public Future<DualWriter.RepairReport> runOnce() {
        if (running) {
            return Future.succeededFuture(new DualWriter.RepairReport(0, 0, java.util.List.of(),
                java.util.Optional.of("a run is under way")));
        }
        running = true;
        return writer.repairPending(batch)
            .onSuccess(report -> {
                if (report.mirrored() > 0 || !report.errors().isEmpty()) {
                    LOG.info("event=legacy_mirror_repair mirrored={} still_pending={} first_error=\"{}\"", report.mirrored(),
                        report.stillPending(), report.errors().isEmpty() ? "" : report.errors().get(0));
                }
            })
            .onFailure(e -> LOG.warn("event=legacy_mirror_repair_failed error=\"{}\"", e.toString()))
            .eventually(() -> writer.pendingMirrors().onSuccess(pending::set).transform(counted -> Future.succeededFuture()))
            .onComplete(done -> running = false);
    }
}
