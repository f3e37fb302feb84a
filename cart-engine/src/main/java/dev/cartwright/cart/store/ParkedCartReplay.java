package dev.cartwright.cart.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.cartwright.cart.Cart;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.DatabaseException;

/**
 * Replays parked carts for an operator, once the cause is fixed (a CHECK relaxed by a migration, a limit corrected):
 * writes the newest state of the cart, which is the one in Redis when Redis has it (a parked cart keeps no idle TTL,
 * so it normally does, possibly with newer changes than the parked one), else the one the parking kept; then starts
 * its idle TTL and releases it from the parking. A replay PostgreSQL refuses again leaves the cart parked with the new
 * reason and one more attempt counted. Replaying is idempotent: a cart stored meanwhile at its parked version or a
 * newer one is only released.
 */
public final class ParkedCartReplay {

    /** What one replay came to. */
    public sealed interface Outcome {

        String cartId();

        /** Stored at {@code version}, and no longer parked. */
        record Replayed(String cartId, long version) implements Outcome {
        }

        /** PostgreSQL already held the cart at {@code storedVersion}, at least the parked one: released from the parking. */
        record Superseded(String cartId, long parkedVersion, long storedVersion) implements Outcome {
        }

        /** Refused again (or there was nothing readable to write): still parked, with this reason. */
        record RefusedAgain(String cartId, long version, String reason, Optional<String> sqlState) implements Outcome {
        }

        /** The cart is not parked. */
        record NotParked(String cartId) implements Outcome {
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ParkedCartReplay.class);

    private final Redis redis;
    private final PgCartRepository repository;
    private final ParkedCarts parked;
    private final CartStoreConfig config;
    private final Clock clock;
    private final LuaScript readCart;
    private final LuaScript startIdleTtl;
    private final LuaScript indexTtl;
    private final String idleTtlSeconds;

    private ParkedCartReplay(Redis redis, PgCartRepository repository, ParkedCarts parked, CartStoreConfig config, Clock clock,
                             LuaScript readCart, LuaScript startIdleTtl, LuaScript indexTtl) {
        this.redis = redis;
        this.repository = repository;
        this.parked = parked;
        this.config = config;
        this.clock = clock;
        this.readCart = readCart;
        this.startIdleTtl = startIdleTtl;
        this.indexTtl = indexTtl;
        this.idleTtlSeconds = Long.toString(Math.max(1, config.idleTtl().toSeconds()));
    }

    /** Reads its scripts off the event loop. */
    public static Future<ParkedCartReplay> create(Vertx vertx, Redis redis, PgCartRepository repository, ParkedCarts parked,
                                                  CartStoreConfig config, Clock clock) {
        return vertx.executeBlocking(() -> new ParkedCartReplay(redis, repository, parked, config, clock,
            LuaScript.load("cart-read.lua"), LuaScript.load("cart-idle-ttl.lua"), LuaScript.load("customer-index-swap.lua")));
    }

    public ParkedCarts parked() {
        return parked;
    }

    /** Replays one parked cart. A failed future: PostgreSQL or Redis could not be reached (nothing changed, try again). */
    public Future<Outcome> replay(String cartId) {
        return parked.find(cartId).compose(found -> {
            if (found.isEmpty()) {
                return Future.succeededFuture(new Outcome.NotParked(cartId));
            }
            ParkedCarts.ParkedCart parking = found.get();
            return newestOf(parking).compose(newest -> newest.isPresent() ? write(parking, newest.get())
                : refusedAgain(parking, "neither Redis nor the parking holds a readable cart " + cartId, Optional.empty()));
        });
    }

    /** Replays up to {@code limit} parked carts, oldest first, one after the other. */
    public Future<List<Outcome>> replayAll(int limit) {
        return parked.list(limit).compose(carts -> {
            List<Outcome> outcomes = new ArrayList<>(carts.size());
            Future<Void> chain = Future.succeededFuture();
            for (ParkedCarts.ParkedCart cart : carts) {
                chain = chain.compose(previous -> replay(cart.cartId())).map(outcome -> {
                    outcomes.add(outcome);
                    return null;
                });
            }
            return chain.map(done -> outcomes);
        });
    }

    private Future<Outcome> write(ParkedCarts.ParkedCart parking, StoredCart newest) {
        Cart cart = newest.cart();
        return repository.upsert(List.of(newest)).compose(advanced -> {
            // Not advanced: PostgreSQL already holds this version or a newer one.
            Outcome outcome = advanced.contains(cart.cartId()) ? new Outcome.Replayed(cart.cartId(), cart.version())
                : new Outcome.Superseded(cart.cartId(), parking.version(), Math.max(cart.version(), parking.storedVersion().orElse(0)));
            return parked.release(cart.cartId(), cart.version())
                .compose(released -> {
                    LuaScript.Invocation call = WriteBehind.idleTtlCall(config, cart, idleTtlSeconds);
                    return startIdleTtl.call(redis, call.keys(), call.args()).compose(started -> WriteBehind
                        .indexTtlCall(config, cart, started, idleTtlSeconds)
                        .map(index -> indexTtl.call(redis, index.keys(), index.args()))
                        .orElseGet(() -> Future.succeededFuture(started)));
                })
                .map(started -> {
                    LOG.info("event=parked_cart_replayed cart_id={} version={} outcome={}", cart.cartId(), cart.version(),
                        outcome.getClass().getSimpleName());
                    return outcome;
                });
        }).recover(failure -> {
            if (!(failure instanceof DatabaseException database) || database.getSqlState() == null
                || !(database.getSqlState().startsWith("22") || database.getSqlState().startsWith("23"))) {
                return Future.failedFuture(failure);
            }
            return refusedAgain(parking, failure.getMessage(), Optional.of(database.getSqlState()));
        });
    }

    private Future<Outcome> refusedAgain(ParkedCarts.ParkedCart parking, String reason, Optional<String> sqlState) {
        LOG.warn("event=parked_cart_refused_again cart_id={} version={} sql_state={} reason=\"{}\"", parking.cartId(), parking.version(),
            sqlState.orElse(""), reason);
        return parked.refusedAgain(parking.cartId(), reason, sqlState, clock.instant())
            .map(recorded -> new Outcome.RefusedAgain(parking.cartId(), parking.version(), reason, sqlState));
    }

    /** The cart in Redis if it is there, readable and at least as new as the parked one; else the parked one, if readable. */
    private Future<Optional<StoredCart>> newestOf(ParkedCarts.ParkedCart parking) {
        return readCart.call(redis, List.of(config.cartKey(parking.cartId())), List.of()).map(reply -> {
            try {
                StoredCart hot = CartHash.decodePacked(reply.toBytes());
                if (hot != null && hot.cart().version() >= parking.version()) {
                    return Optional.of(hot);
                }
            } catch (RuntimeException unreadable) {
                LOG.warn("event=parked_cart_unreadable_in_redis cart_id={} error=\"{}\"", parking.cartId(), unreadable.getMessage());
            }
            try {
                return parking.cart().map(StoredCartJson::decode);
            } catch (RuntimeException unreadable) {
                LOG.warn("event=parked_cart_unreadable cart_id={} error=\"{}\"", parking.cartId(), unreadable.getMessage());
                return Optional.empty();
            }
        });
    }
}
