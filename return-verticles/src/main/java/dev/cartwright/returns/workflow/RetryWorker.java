package dev.cartwright.returns.workflow;

import dev.cartwright.returns.domain.IdempotencyKey;
import dev.cartwright.returns.store.RefundLedger;
import dev.cartwright.returns.store.ReturnRequests;
import dev.cartwright.returns.store.ReturnStores;
import dev.cartwright.returns.store.StoredRefund;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns finishing what a neighbour outage left pending: every {@code workerInterval} it claims the refunds and
 * restocks whose back-off has passed (SKIP LOCKED, with a lease, so several processes can run it) and makes one more
 * attempt at each. Nothing is lost while a neighbour is down; it only waits here. It also forgets idempotency keys
 * older than a day, and keeps the gauges of pending refunds and kept keys current.
 */
public final class RetryWorker extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(RetryWorker.class);
    private static final int BATCH = 20;
    private static final int KEY_BATCH = 500;

    private final Pool pool;
    private final ReturnRequests requests;
    private final RefundLedger ledger;
    private final Settlements settlements;
    private final ReturnSettings settings;
    private final Clock clock;
    private final Optional<MeterRegistry> registry;
    private final AtomicLong pendingRefunds = new AtomicLong();
    private final AtomicLong idempotencyKeys = new AtomicLong();
    private final AtomicLong failedRefunds = new AtomicLong();
    private final List<Meter> meters = new ArrayList<>();
    private long timer = -1;
    private boolean running;
    private boolean stopped;

    public RetryWorker(Pool pool, ReturnStores stores, Settlements settlements, ReturnSettings settings, Clock clock,
                       Optional<MeterRegistry> registry) {
        this.pool = pool;
        this.requests = stores.requests();
        this.ledger = stores.refunds();
        this.settlements = settlements;
        this.settings = settings;
        this.clock = clock;
        this.registry = registry;
    }

    @Override
    public Future<?> start() {
        registry.ifPresent(r -> {
            meters.add(Gauge.builder("cartwright.returns.refunds.pending", pendingRefunds, AtomicLong::get)
                .description("Refunds waiting for the payment (or order) neighbour to confirm them").register(r));
            meters.add(Gauge.builder("cartwright.returns.refunds.failed", failedRefunds, AtomicLong::get)
                .description("Refunds given up on (attempts exhausted or refused); see ./cartwright refunds list").register(r));
            meters.add(Gauge.builder("cartwright.returns.idempotency_keys", idempotencyKeys, AtomicLong::get)
                .description("CreateReturnRequest idempotency keys kept (each for a day)").register(r));
            // Counts that only grow: counters (…_total on /metrics), so rate() and increase() read them right.
            meters.add(FunctionCounter.builder("cartwright.returns.settlement.attempts", settlements, s -> s.succeededAttempts())
                .description("Settlement attempts confirmed by the neighbour since start").tag("outcome", "succeeded").register(r));
            meters.add(FunctionCounter.builder("cartwright.returns.settlement.attempts", settlements, s -> s.failedAttempts())
                .description("Settlement attempts that failed since start").tag("outcome", "failed").register(r));
        });
        timer = vertx.setPeriodic(settings.workerInterval().toMillis(), id -> round());
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        stopped = true;
        vertx.cancelTimer(timer);
        registry.ifPresent(r -> meters.forEach(r::remove));
        return Future.succeededFuture();
    }

    private void round() {
        if (running || stopped) {
            return;
        }
        running = true;
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant lease = now.plus(settings.attemptLease());
        Future<Void> refunds = pool.withTransaction(c -> ledger.claimDueRefunds(c, now, lease, BATCH)).compose(due -> {
            List<Future<Void>> attempts = new ArrayList<>();
            for (StoredRefund refund : due) {
                attempts.add(settlements.settle(refund, Settlements.SYSTEM));
            }
            return Future.join(attempts).mapEmpty();
        });
        Future<Void> restocks = refunds.transform(ar -> settlements.restockDue(BATCH));
        Future<Void> keys = restocks.transform(ar -> requests.forgetKeysUsedBefore(pool, now.minus(IdempotencyKey.KEPT_FOR), KEY_BATCH))
            .compose(forgotten -> requests.countKeys(pool)).map(n -> {
                idempotencyKeys.set(n);
                return null;
            });
        Future<Long> pending = keys.transform(ar -> ledger.countRefunds(pool, StoredRefund.PENDING));
        pending.compose(n -> {
            pendingRefunds.set(n);
            return ledger.countRefunds(pool, StoredRefund.FAILED);
        }).onComplete(ar -> {
            running = false;
            if (ar.succeeded()) {
                failedRefunds.set(ar.result());
            } else {
                LOG.warn("retry round failed: {}", ar.cause().toString());
            }
        });
    }
}
