package dev.cartwright.cart.store;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartCommand.MarkAbandoned;
import dev.cartwright.cart.CartStatus;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Marks carts ABANDONED once they sat idle past the threshold (30 days by default). Candidates come from PostgreSQL
 * (carts idle that long have usually left Redis); each is read through the store first, since Redis may hold newer
 * activity the write-behind has not stored yet, and then marked through the same script as every change, guarded by
 * the version just read: so the version bumps, exactly one {@code cart.abandoned} entry reaches the stream, and two
 * service instances sweeping at once cannot both mark a cart (the loser sees a stale version or an already-abandoned
 * cart and moves on).
 */
public final class AbandonmentSweeper extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(AbandonmentSweeper.class);

    private final CartStore store;
    private final PgCartRepository repository;
    private final CartStoreConfig config;
    private final Clock clock;
    private long timer = -1;
    private boolean running;

    public AbandonmentSweeper(CartStore store, PgCartRepository repository, CartStoreConfig config, Clock clock) {
        this.store = store;
        this.repository = repository;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        timer = vertx.setPeriodic(config.sweepInterval().toMillis(), tick -> {
            if (running) {
                return;
            }
            running = true;
            sweepOnce().onComplete(done -> {
                running = false;
                if (done.failed()) {
                    LOG.warn("abandonment sweep failed: {}", done.cause().toString());
                } else if (done.result() > 0) {
                    LOG.info("marked {} idle carts abandoned", done.result());
                }
            });
        });
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        return Future.succeededFuture();
    }

    /** One sweep over at most {@code sweepBatch} candidates; returns how many carts this call marked. */
    public Future<Integer> sweepOnce() {
        Instant cutoff = clock.instant().minus(config.abandonAfter());
        return repository.idleActiveCarts(cutoff, config.sweepBatch()).compose(ids -> markEach(ids, cutoff));
    }

    private Future<Integer> markEach(List<String> cartIds, Instant cutoff) {
        AtomicInteger marked = new AtomicInteger();
        Future<Void> chain = Future.succeededFuture();
        for (String cartId : cartIds) {
            chain = chain.compose(previous -> markIfIdle(cartId, cutoff)).map(applied -> {
                if (applied) {
                    marked.incrementAndGet();
                }
                return null;
            });
        }
        return chain.map(done -> marked.get());
    }

    private Future<Boolean> markIfIdle(String cartId, Instant cutoff) {
        return store.find(cartId).compose(found -> {
            if (found.isEmpty() || !isIdleActive(found.get(), cutoff)) {
                return Future.succeededFuture(false);
            }
            Mutation abandon = Mutation.of(cartId, new MarkAbandoned()).withExpectedVersion(found.get().version());
            return store.apply(abandon).map(result -> result instanceof MutationResult.Applied applied && !applied.replayed());
        });
    }

    private static boolean isIdleActive(Cart cart, Instant cutoff) {
        return cart.status() == CartStatus.ACTIVE && cart.updatedAt().isBefore(cutoff);
    }
}
