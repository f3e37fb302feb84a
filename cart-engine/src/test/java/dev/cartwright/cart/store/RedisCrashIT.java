package dev.cartwright.cart.store;

import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartCommand.AddItem;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.pricing.CartLimits;
import dev.cartwright.testkit.Migrations;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;

/**
 * Durability of acknowledged cart changes when Redis itself dies: the test runs its own redis-server with
 * AOF and {@code appendfsync always} (the production setting), acknowledges adds while killing the server with
 * SIGKILL in the middle of the burst, restarts it on the same data directory, and checks that every
 * acknowledged add is still there and that no cart came back half-changed.
 */
@ExtendWith(RealServices.class)
class RedisCrashIT {

    private static final int CARTS = 20;
    private static final int ADDS = 600;
    private static final int KILL_AFTER_ACKS = 250;

    private Path dataDir;
    private int port;
    private Process server;
    private Vertx vertx;
    private Pool pool;
    private PgCartRepository repository;

    @BeforeEach
    void start(PostgresInfo postgres) throws Exception {
        String schema = postgres.freshSchema("redis_crash");
        Migrations.apply(postgres, schema, "classpath:db/checkout_db");
        dataDir = Files.createTempDirectory("cartwright-redis-aof");
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        vertx = Vertx.vertx();
        pool = StoreHarness.pool(vertx, postgres, schema);
        repository = new PgCartRepository(pool);
        server = startRedis();
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.destroyForcibly();
        }
        await(pool.close());
        await(vertx.close());
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    @Test
    void everyAcknowledgedAddSurvivesASigkillOfRedis() throws Exception {
        CartStoreConfig config = CartStoreConfig.defaults("crash-consumer");
        Redis before = client();
        RedisCartStore store = await(RedisCartStore.create(vertx, before, repository, config, Clock.systemUTC()));
        List<String> cartIds = new ArrayList<>();
        for (int i = 0; i < CARTS; i++) {
            cartIds.add(await(store.createOrGetActive("crash-" + i, "", "USD", "US-CA", "")).cartId());
        }

        // One product per cart, quantity 1 per add: a cart's quantity must always equal its version - 1.
        CartLimits limits = new CartLimits(1, 999, 200);
        Map<String, AtomicInteger> acknowledged = new ConcurrentHashMap<>();
        cartIds.forEach(id -> acknowledged.put(id, new AtomicInteger()));
        AtomicInteger acks = new AtomicInteger();
        CountDownLatch answered = new CountDownLatch(ADDS);
        CountDownLatch killPoint = new CountDownLatch(1);
        for (int i = 0; i < ADDS; i++) {
            String cartId = cartIds.get(i % CARTS);
            Future<MutationResult> add = store.apply(Mutation.of(cartId, new AddItem("p", "c", "Product", 1, 100, limits)));
            add.onComplete(ar -> {
                if (ar.succeeded() && ar.result() instanceof MutationResult.Applied) {
                    acknowledged.get(cartId).incrementAndGet();
                    if (acks.incrementAndGet() == KILL_AFTER_ACKS) {
                        killPoint.countDown();
                    }
                }
                answered.countDown();
            });
        }
        assertThat(killPoint.await(60, TimeUnit.SECONDS)).as("adds acknowledged before the kill").isTrue();
        server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(answered.await(60, TimeUnit.SECONDS)).as("every add answered, acknowledged or failed").isTrue();
        int acknowledgedInAll = acknowledged.values().stream().mapToInt(AtomicInteger::get).sum();
        assertThat(acknowledgedInAll).isGreaterThanOrEqualTo(KILL_AFTER_ACKS).isLessThan(ADDS);
        await(before.close());

        server = startRedis();
        Redis after = client();
        RedisCartStore restarted = await(RedisCartStore.create(vertx, after, repository, config, Clock.systemUTC()));
        for (String cartId : cartIds) {
            Cart cart = await(restarted.find(cartId)).orElseThrow(() -> new AssertionError("cart " + cartId + " lost"));
            int quantity = cart.line("p").map(line -> line.quantity()).orElse(0);
            assertThat(quantity).as("cart %s holds every acknowledged add", cartId)
                .isGreaterThanOrEqualTo(acknowledged.get(cartId).get());
            assertThat(cart.version()).as("cart %s: no change half-applied", cartId).isEqualTo(1L + quantity);
        }
        await(after.close());
    }

    private Redis client() {
        return Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:" + port)
            .setMaxPoolSize(8).setMaxPoolWaiting(4096));
    }

    private Process startRedis() throws Exception {
        Process process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
            "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--dir", dataDir.toString(),
            "--daemonize", "no", "--logfile", dataDir.resolve("redis.log").toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        Redis probe = client();
        try {
            for (int attempt = 0; attempt < 200; attempt++) {
                try {
                    await(probe.send(Request.cmd(io.vertx.redis.client.Command.PING)));
                    return process;
                } catch (RuntimeException notYet) {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("redis-server exited; is it installed (apt-get install redis-server)? "
                            + "log: " + Files.readString(dataDir.resolve("redis.log")));
                    }
                    Thread.sleep(50);
                }
            }
            throw new IllegalStateException("redis-server on port " + port + " did not answer");
        } finally {
            await(probe.close());
        }
    }
}
