package dev.cartwright.cart.store;

import dev.cartwright.testkit.TestClock;
import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartCommand;
import dev.cartwright.cart.CartLine;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.cart.MutationResult.Applied;
import dev.cartwright.cart.MutationResult.Refused;
import dev.cartwright.cart.MutationResult.StaleVersion;
import dev.cartwright.cart.Refusal;
import dev.cartwright.pricing.CartLimits;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;

import dev.cartwright.testkit.Migrations;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RedisInfo;
import dev.cartwright.testkit.TestServices;

/**
 * The cart state machine: random sequences of changes, stale versions, retries with the same idempotency key and
 * evictions from Redis (the cart written to PostgreSQL as the write-behind would, then deleted) are applied to the
 * real store and to a plain in-memory model; after every step both agree on the outcome, the lines, the promotion
 * codes and the version.
 */
class CartStateMachineIT {

    /** Small limits so that sequences run into them often. */
    private static final CartLimits LIMITS = new CartLimits(1, 10, 4);
    private static final List<String> PRODUCTS = List.of("p0", "p1", "p2", "p3", "p4");
    private static final List<String> CODES = List.of("A", "B", "C");

    private static PostgresInfo postgres;
    private static RedisInfo redisInfo;
    private static Vertx vertx;
    private static Redis redis;
    private static Pool pool;
    private static PgCartRepository repository;
    private static CartStoreConfig config;
    private static RedisCartStore store;
    private static final AtomicLong KEYS = new AtomicLong();

    @BeforeContainer
    static void open() {
        // jqwik cannot take the testkit's JUnit extension; TestServices resolves the same servers.
        postgres = TestServices.postgres();
        redisInfo = TestServices.redis("CartStateMachineIT");
        String schema = postgres.freshSchema("cart_state_machine");
        Migrations.apply(postgres, schema, "classpath:db/checkout_db");
        vertx = Vertx.vertx();
        redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisInfo.url()).setMaxPoolSize(4));
        pool = StoreHarness.pool(vertx, postgres, schema);
        repository = new PgCartRepository(pool);
        String prefix = redisInfo.keyPrefix();
        config = CartStoreConfig.defaults("state-machine").withKeyPrefix(prefix).withStreamKey(prefix + "cart-changes");
        store = await(RedisCartStore.create(vertx, redis, repository, config, TestClock.at(Instant.parse("2026-05-01T09:00:00Z"))));
    }

    @AfterContainer
    static void close() {
        await(redis.send(Request.cmd(Command.DEL).arg(config.streamKey())));
        await(pool.close());
        await(redis.close());
        await(vertx.close());
    }

    /** One step of a sequence. */
    sealed interface Step {
        record Add(String product, int quantity) implements Step {
        }

        record SetQuantity(String product, int quantity) implements Step {
        }

        record Remove(String product) implements Step {
        }

        record Clear() implements Step {
        }

        record ApplyCode(String code) implements Step {
        }

        record RemoveCode(String code) implements Step {
        }

        /** An add sent with an expected version that is one behind. */
        record StaleAdd(String product) implements Step {
        }

        /** The previous request sent again with its idempotency key. */
        record Retry() implements Step {
        }

        /** The cart stored in PostgreSQL and deleted from Redis, as after its idle TTL. */
        record Evict() implements Step {
        }
    }

    @Provide
    Arbitrary<List<Step>> sequences() {
        Arbitrary<String> product = Arbitraries.of(PRODUCTS);
        Arbitrary<String> code = Arbitraries.of(CODES);
        Arbitrary<Step> step = Arbitraries.frequencyOf(
            Tuple.of(8, product.flatMap(p -> Arbitraries.integers().between(1, 6).map(q -> new Step.Add(p, q)))),
            Tuple.of(4, product.flatMap(p -> Arbitraries.integers().between(0, 12).map(q -> new Step.SetQuantity(p, q)))),
            Tuple.of(2, product.map(Step.Remove::new)),
            Tuple.of(1, Arbitraries.just(new Step.Clear())),
            Tuple.of(2, code.map(Step.ApplyCode::new)),
            Tuple.of(2, code.map(Step.RemoveCode::new)),
            Tuple.of(1, product.map(Step.StaleAdd::new)),
            Tuple.of(2, Arbitraries.just(new Step.Retry())),
            Tuple.of(1, Arbitraries.just(new Step.Evict())));
        return step.list().ofMinSize(1).ofMaxSize(30);
    }

    @Property(tries = 60)
    void theStoreAgreesWithTheModelAfterEveryStep(@ForAll("sequences") List<Step> steps) {
        String cartId = "sm-" + UUID.randomUUID();
        Cart created = await(store.createOrGetActive(cartId, "", "EUR", "DE", ""));
        CartModel model = new CartModel();
        assertThat(created.version()).isEqualTo(model.version);
        Mutation previous = null;
        MutationResult previousResult = null;

        for (Step step : steps) {
            if (step instanceof Step.Evict) {
                evict(cartId);
                assertAgrees(await(store.find(cartId)).orElseThrow(), model);
                continue;
            }
            if (step instanceof Step.Retry) {
                if (previous == null) {
                    continue;
                }
                MutationResult again = await(store.apply(previous));
                if (previousResult instanceof Applied first) {
                    assertThat(again).isEqualTo(new Applied(first.cart(), true));
                } else {
                    assertThat(again).isEqualTo(previousResult);
                }
                assertAgrees(await(store.find(cartId)).orElseThrow(), model);
                continue;
            }
            Mutation mutation = mutationFor(cartId, step, model);
            Outcome expected = model.apply(step);
            MutationResult actual = await(store.apply(mutation));
            switch (expected.kind) {
                case APPLIED -> {
                    assertThat(actual).isInstanceOf(Applied.class);
                    assertThat(((Applied) actual).replayed()).isFalse();
                    assertAgrees(((Applied) actual).cart(), model);
                }
                case REFUSED -> assertThat(actual).isInstanceOfSatisfying(Refused.class,
                    refused -> assertThat(refused.reason()).as("refusal of %s", step).isEqualTo(expected.refusal));
                case STALE -> assertThat(actual).isEqualTo(new StaleVersion(model.version));
                default -> throw new IllegalStateException();
            }
            assertAgrees(await(store.find(cartId)).orElseThrow(), model);
            previous = mutation;
            previousResult = actual;
        }
    }

    private static Mutation mutationFor(String cartId, Step step, CartModel model) {
        String key = "k-" + KEYS.incrementAndGet();
        CartCommand command;
        if (step instanceof Step.Add add) {
            command = new CartCommand.AddItem(add.product(), "cat", "Name " + add.product(), add.quantity(), 100, LIMITS);
        } else if (step instanceof Step.SetQuantity set) {
            command = new CartCommand.SetQuantity(set.product(), set.quantity(), LIMITS);
        } else if (step instanceof Step.Remove remove) {
            command = new CartCommand.RemoveItem(remove.product());
        } else if (step instanceof Step.Clear) {
            command = new CartCommand.ClearCart();
        } else if (step instanceof Step.ApplyCode apply) {
            command = new CartCommand.ApplyPromotion(apply.code());
        } else if (step instanceof Step.RemoveCode remove) {
            command = new CartCommand.RemovePromotion(remove.code());
        } else if (step instanceof Step.StaleAdd stale) {
            return new Mutation(cartId, new CartCommand.AddItem(stale.product(), "cat", "n", 1, 100, LIMITS),
                java.util.OptionalLong.of(model.version - 1), key);
        } else {
            throw new IllegalArgumentException(step.toString());
        }
        // Every other request carries the version it was based on; all carry an idempotency key.
        Mutation mutation = Mutation.of(cartId, command).withIdempotencyKey(key);
        return model.version % 2 == 0 ? mutation.withExpectedVersion(model.version) : mutation;
    }

    private static void evict(String cartId) {
        Response hash = await(redis.send(Request.cmd(Command.HGETALL).arg(config.cartKey(cartId))));
        await(repository.upsert(List.of(CartHash.decode(RedisReplies.fieldsAndValues(hash)))));
        await(redis.send(Request.cmd(Command.DEL).arg(config.cartKey(cartId))));
        Optional<StoredCart> stored = await(repository.load(cartId));
        assertThat(stored).isPresent();
    }

    /** Lines compare as product → quantity (their order is the store's: time added, then product id). */
    private static void assertAgrees(Cart cart, CartModel model) {
        Map<String, Integer> lines = new LinkedHashMap<>();
        for (CartLine line : cart.lines()) {
            lines.put(line.productId(), line.quantity());
        }
        assertThat(lines).isEqualTo(model.lines);
        assertThat(cart.promotionCodes()).isEqualTo(model.codes);
        assertThat(cart.version()).isEqualTo(model.version);
    }

    private enum Kind { APPLIED, REFUSED, STALE }

    private record Outcome(Kind kind, Refusal refusal) {
        static final Outcome APPLIED = new Outcome(Kind.APPLIED, null);
        static final Outcome STALE = new Outcome(Kind.STALE, null);

        static Outcome refused(Refusal reason) {
            return new Outcome(Kind.REFUSED, reason);
        }
    }

    /** The cart's rules, written as plainly as possible. */
    private static final class CartModel {
        final Map<String, Integer> lines = new LinkedHashMap<>();
        final List<String> codes = new ArrayList<>();
        long version = 1;

        Outcome apply(Step step) {
            Outcome outcome = decide(step);
            if (outcome.kind == Kind.APPLIED) {
                version++;
            }
            return outcome;
        }

        private Outcome decide(Step step) {
            if (step instanceof Step.StaleAdd) {
                return Outcome.STALE;
            }
            if (step instanceof Step.Add add) {
                Integer current = lines.get(add.product());
                if (current == null && lines.size() >= LIMITS.maxLinesPerCart()) {
                    return Outcome.refused(Refusal.LINE_LIMIT);
                }
                int quantity = (current == null ? 0 : current) + add.quantity();
                if (!LIMITS.allowsQuantity(quantity)) {
                    return Outcome.refused(Refusal.QUANTITY_LIMIT);
                }
                lines.put(add.product(), quantity);
                return Outcome.APPLIED;
            }
            if (step instanceof Step.SetQuantity set) {
                if (!lines.containsKey(set.product())) {
                    return Outcome.refused(Refusal.NO_SUCH_LINE);
                }
                if (set.quantity() == 0) {
                    lines.remove(set.product());
                    return Outcome.APPLIED;
                }
                if (!LIMITS.allowsQuantity(set.quantity())) {
                    return Outcome.refused(Refusal.QUANTITY_LIMIT);
                }
                lines.put(set.product(), set.quantity());
                return Outcome.APPLIED;
            }
            if (step instanceof Step.Remove remove) {
                return lines.remove(remove.product()) == null ? Outcome.refused(Refusal.NO_SUCH_LINE) : Outcome.APPLIED;
            }
            if (step instanceof Step.Clear) {
                lines.clear();
                return Outcome.APPLIED;
            }
            if (step instanceof Step.ApplyCode apply) {
                if (codes.contains(apply.code())) {
                    return Outcome.refused(Refusal.PROMOTION_ALREADY_APPLIED);
                }
                codes.add(apply.code());
                return Outcome.APPLIED;
            }
            if (step instanceof Step.RemoveCode remove) {
                return codes.remove(remove.code()) ? Outcome.APPLIED : Outcome.refused(Refusal.PROMOTION_NOT_APPLIED);
            }
            throw new IllegalArgumentException(step.toString());
        }
    }
}
