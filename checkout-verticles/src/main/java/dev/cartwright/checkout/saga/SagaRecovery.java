package dev.cartwright.checkout.saga;

import dev.cartwright.checkout.store.CheckoutStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resumes confirm sagas nobody is running any more: a process died mid-saga, or a step after the order was created
 * failed and must be retried, or a compensation could not finish. Every {@code recoveryEvery} it looks for CONFIRMING
 * checkouts whose runner's lease lapsed, takes each over (bumping its version, which fences off the old runner if it
 * was only slow) and runs it forward from the last succeeded step with the same idempotency keys, or finishes its
 * compensations. Safe with several processes: a takeover is a version-guarded update, so exactly one wins.
 *
 * <p>It also refreshes the {@code cartwright.checkout.saga.confirming} gauge, and forgets StartCheckout and
 * ConfirmCheckout idempotency keys kept longer than {@link CheckoutWorkflow#KEYS_KEPT_FOR} (at most {@value #KEY_BATCH}
 * a pass), refreshing {@code cartwright.checkout.idempotency.keys}.
 */
public final class SagaRecovery extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(SagaRecovery.class);
    private static final int BATCH = 20;
    private static final int KEY_BATCH = 1000;

    private final CheckoutStore store;
    private final CheckoutWorkflow workflow;
    private final SagaSettings settings;
    private final SagaMetrics metrics;
    private final Clock clock;
    private long timerId = -1;
    private boolean running;
    private boolean stopped;

    public SagaRecovery(CheckoutStore store, CheckoutWorkflow workflow, SagaSettings settings, SagaMetrics metrics, Clock clock) {
        this.store = store;
        this.workflow = workflow;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        timerId = vertx.setPeriodic(settings.recoveryEvery().toMillis(), id -> sweep());
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        stopped = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        return Future.succeededFuture();
    }

    /** One pass: resume every lapsed saga found (one after another), then refresh the gauge. */
    Future<Integer> sweep() {
        if (running || stopped) {
            return Future.succeededFuture(0);
        }
        running = true;
        return store.markNeedingAttention(clock.instant(), settings.attentionAfter())
            .map(marked -> {
                marked.forEach(id -> {
                    metrics.needsAttention();
                    LOG.warn("event=saga_needs_attention checkout={} after=\"{}\" (no longer retried automatically: ./cartwright sagas)",
                        id, settings.attentionAfter());
                });
                return marked;
            })
            .compose(marked -> store.lapsedConfirmations(clock.instant(), BATCH))
            .compose(ids -> resumeAll(ids, 0, new ArrayList<>()))
            .compose(resumed -> store.countConfirming().compose(n -> store.countNeedingAttention().map(waiting -> {
                metrics.confirming(n);
                metrics.needingAttention(waiting);
                return resumed;
            })))
            .compose(resumed -> store.forgetKeysUsedBefore(clock.instant().minus(CheckoutWorkflow.KEYS_KEPT_FOR), KEY_BATCH)
                .compose(forgotten -> store.countKeys()).map(kept -> {
                    metrics.requestKeys(kept);
                    return resumed;
                }))
            .onFailure(e -> LOG.warn("event=saga_recovery_failed error=\"{}\"", e.getMessage()))
            .onComplete(ar -> running = false);
    }

    private Future<Integer> resumeAll(List<String> ids, int index, List<String> done) {
        if (index >= ids.size() || stopped) {
            return Future.succeededFuture(done.size());
        }
        String checkoutId = ids.get(index);
        return workflow.resumeLapsed(checkoutId).transform(ar -> {
            if (ar.succeeded()) {
                ar.result().ifPresent(order -> {
                    done.add(checkoutId);
                    LOG.info("event=saga_recovered checkout={} order={}", checkoutId, order.orderId());
                });
            } else {
                // The saga recorded how it ended (failed, or parked for a later pass); nothing more to do here.
                LOG.info("event=saga_resumed checkout={} outcome=\"{}\"", checkoutId, ar.cause().getMessage());
            }
            return resumeAll(ids, index + 1, done);
        });
    }
}
