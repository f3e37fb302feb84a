package dev.cartwright.cart.store;

import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.net.OnContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartCommand.AddItem;
import dev.cartwright.cart.CartLine;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.cart.store.change.CartChange;
import dev.cartwright.net.TurnFlush;
import dev.cartwright.pricing.CartLimits;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/**
 * The cart store on a Redis Cluster of three masters with a replica each: every script touches one slot, the three
 * shards' streams sit on three masters and their write-behinds store every cart; and while a shard's slot is migrated
 * to another master key by key (CLUSTER SETSLOT IMPORTING / MIGRATING, MIGRATE, then SETSLOT NODE), changes to its carts
 * keep being answered correctly: the client follows ASK during the migration (and TRYAGAIN while a cart's keys are
 * split between the nodes) and MOVED after it. Each change carries an idempotency key and is sent again until answered,
 * so each is counted once however many attempts it took; every cart then holds exactly the changes acknowledged, in
 * order on its stream.
 */
@ExtendWith(RealServices.class)
class RedisClusterCartStoreIT {

    private static final Logger LOG = LoggerFactory.getLogger(RedisClusterCartStoreIT.class);
    private static final CartLimits LIMITS = CartLimits.defaults();
    private static final AtomicInteger IDS = new AtomicInteger();

    private static ClusterStore cluster;
    private static RedisCartStore store;

    @BeforeAll
    static void open(PostgresInfo postgres) {
        cluster = new ClusterStore(postgres, "cluster_store", 3, CartStoreConfig.ReplicaWait.NONE);
        store = cluster.store();
    }

    @AfterAll
    static void close() {
        cluster.close();
    }

    private static String newId() {
        return "cl-cart-" + IDS.incrementAndGet();
    }

    private static AddItem add(String product) {
        return new AddItem(product, "cat", "Product " + product, 1, 300, LIMITS);
    }

    @Test
    void theShardsSitOnThreeMastersAndEachStreamsWriteBehindStoresItsCarts() {
        CartStoreConfig config = cluster.config;
        ClusterNodesView view = ClusterNodesView.of(cluster.cluster);
        Set<String> masters = new HashSet<>();
        for (String stream : config.streamKeys()) {
            masters.add(view.masterOf(HashSlots.slotOf(stream)).id());
        }
        assertThat(masters).as("masters holding the three streams").hasSize(3);

        List<Cart> carts = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String customer = i % 2 == 0 ? "" : "cl-customer-" + IDS.incrementAndGet();
            Cart cart = await(store.createOrGetActive(newId(), customer, "EUR", "DE", ""));
            cart = applied(Mutation.of(cart.cartId(), add("a")));
            cart = applied(Mutation.of(cart.cartId(), add("b")).withIdempotencyKey("k-" + cart.cartId()));
            carts.add(cart);
            if (!customer.isEmpty()) {
                assertThat(await(store.activeCartOf(customer)).map(Cart::cartId)).contains(cart.cartId());
            }
        }
        List<WriteBehind> writeBehinds = new ArrayList<>();
        for (int shard = 0; shard < config.shards(); shard++) {
            WriteBehind writeBehind = new WriteBehind(cluster.redis, cluster.repository, new ParkedCarts(cluster.pool),
                config.forStream(shard).withWriteBehindPace(Duration.ZERO), Clock.systemUTC(), new SimpleMeterRegistry());
            await(cluster.vertx.deployVerticle(writeBehind));
            writeBehinds.add(writeBehind);
        }
        try {
            for (Cart cart : carts) {
                eventually(() -> await(cluster.repository.load(cart.cartId()))
                    .map(s -> s.cart().version() == cart.version()).orElse(false));
            }
        } finally {
            for (WriteBehind writeBehind : writeBehinds) {
                await(cluster.vertx.undeploy(writeBehind.deploymentID()));
            }
        }
    }

    /**
     * Far more changes at once than a node's pool has connections. The cluster client takes a connection to every node
     * for each command; with 400 changes sent together and the pools not gated, every pool was in use, commands queued,
     * and none completed (the bench found the service idle at 1000 requests in flight).
     */
    @Test
    void moreChangesAtOnceThanAPoolHoldsAllComplete(PostgresInfo postgres) {
        CartStoreConfig.ReplicaWait oneReplica = new CartStoreConfig.ReplicaWait(1, Duration.ofSeconds(1));
        try (ClusterStore waited = new ClusterStore(postgres, "cluster_many", 3, oneReplica)) {
            RedisCartStore many = waited.store();
            List<WriteBehind> writeBehinds = new ArrayList<>();
            for (int shard = 0; shard < waited.config.shards(); shard++) {
                WriteBehind writeBehind = new WriteBehind(waited.redis, waited.repository, new ParkedCarts(waited.pool),
                    waited.config.forStream(shard), Clock.systemUTC(), new SimpleMeterRegistry());
                await(waited.vertx.deployVerticle(writeBehind));
                writeBehinds.add(writeBehind);
            }
            List<Cart> carts = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                carts.add(await(many.createOrGetActive(newId(), "", "EUR", "DE", "")));
            }
            // Sent from two event loops, as the service's verticles send them.
            List<io.vertx.core.Context> loops = List.of(waited.vertx.getOrCreateContext(), waited.vertx.getOrCreateContext());
            List<io.vertx.core.Promise<MutationResult>> changes = new ArrayList<>();
            for (int round = 0; round < 10; round++) {
                for (int i = 0; i < carts.size(); i++) {
                    Mutation mutation = Mutation.of(carts.get(i).cartId(), add("p" + round));
                    io.vertx.core.Promise<MutationResult> change = io.vertx.core.Promise.promise();
                    loops.get(i % 2).runOnContext(v -> many.apply(mutation).onComplete(change));
                    changes.add(change);
                }
            }
            for (io.vertx.core.Promise<MutationResult> change : changes) {
                assertThat(await(change.future())).isInstanceOf(MutationResult.Applied.class);
            }
            for (Cart cart : carts) {
                assertThat(await(many.find(cart.cartId())).map(Cart::version)).contains(cart.version() + 10);
            }
            for (WriteBehind writeBehind : writeBehinds) {
                await(waited.vertx.undeploy(writeBehind.deploymentID()));
            }
        }
    }

    /**
     * The hot path on a cluster: changes sent from event loops pipeline on one cluster connection per event loop (a
     * connection to each node), so a thousand changes in flight, each followed by WAIT 1, open at most one connection
     * per event loop on each master. The pooled cluster client takes a connection to every node for each command in
     * progress instead: up to 16 per master, with the 17th command waiting for one to return.
     */
    @Test
    void changesFromEventLoopsPipelineOnOneConnectionPerEventLoopAndNode(PostgresInfo postgres) {
        CartStoreConfig.ReplicaWait oneReplica = new CartStoreConfig.ReplicaWait(1, Duration.ofSeconds(1));
        try (ClusterStore waited = new ClusterStore(postgres, "cluster_lanes", 3, oneReplica)) {
            RedisCartStore lanes = waited.laneStore(waited.config);
            List<ClusterNodesView.Node> masters = ClusterNodesView.of(waited.cluster).masters();
            Map<Integer, Integer> before = new HashMap<>();
            for (ClusterNodesView.Node master : masters) {
                before.put(master.port(), clients(waited, master.port()));
            }
            List<io.vertx.core.Context> loops = List.of(waited.vertx.getOrCreateContext(), waited.vertx.getOrCreateContext());
            List<String> cartIds = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String id = newId();
                await(onLoop(loops.get(i % 2), () -> lanes.createOrGetActive(id, "", "EUR", "DE", "")));
                cartIds.add(id);
            }
            List<io.vertx.core.Future<MutationResult>> changes = new ArrayList<>();
            for (int round = 0; round < 10; round++) {
                for (int i = 0; i < cartIds.size(); i++) {
                    Mutation mutation = Mutation.of(cartIds.get(i), add("p" + round));
                    changes.add(onLoop(loops.get(i % 2), () -> lanes.apply(mutation)));
                }
            }
            for (io.vertx.core.Future<MutationResult> change : changes) {
                assertThat(await(change)).isInstanceOf(MutationResult.Applied.class);
            }
            // Two contexts, one or two event loops (a Vert.x hands its event loops out in turn): one lane each.
            int lanesOpen = waited.lanes.openLanes();
            assertThat(lanesOpen).as("event loops with a lane").isBetween(1, loops.size());
            for (ClusterNodesView.Node master : masters) {
                assertThat(clients(waited, master.port()) - before.get(master.port()))
                    .as("connections the lanes opened to master %d", master.port()).isLessThanOrEqualTo(lanesOpen);
            }
            for (String cartId : cartIds) {
                assertThat(await(lanes.find(cartId)).map(Cart::version)).as("version of %s", cartId).contains(11L);
            }
            // Each lane's connection to every node (the client connects to the replicas too) writes the commands of a turn
            // of its event loop in one flush.
            for (io.vertx.core.Context loop : loops) {
                List<io.netty.channel.Channel> channels =
                    await(onLoop(loop, () -> waited.lanes.laneConnection().map(LaneFlushes::channels)));
                assertThat(channels).hasSizeGreaterThanOrEqualTo(masters.size())
                    .allSatisfy(channel -> assertThat(channel.pipeline().get(TurnFlush.NAME)).isInstanceOf(TurnFlush.class));
            }
        }
    }

    /** Clients connected to the node on {@code port}, this check's own connection not counted. */
    private static int clients(ClusterStore on, int port) {
        return on.cluster.cli(port, "CLIENT", "LIST").trim().split("\n").length - 1;
    }

    /** What {@code call} answers, called on {@code loop} (so a lane carries it). */
    private static <T> io.vertx.core.Future<T> onLoop(io.vertx.core.Context loop, Supplier<io.vertx.core.Future<T>> call) {
        return OnContext.call(loop, call);
    }

    /**
     * Shard 0's slot moves to another master while its carts change. Without a replica wait the client's own MOVED and
     * ASK handling carries the change; with one, the change and its WAIT go as one batch, which the store sends again
     * while the cluster redirects it. Sent from an event loop, as the Checkout Service sends them, the changes go on
     * the event loop's lane (a cluster connection shared by every change of that loop); sent from the test's thread,
     * through the pooled client (as callers off the event loops do), here with the replica wait.
     */
    @ParameterizedTest(name = "replicas waited for: {0}, from an event loop: {1}")
    @CsvSource({"1, false", "0, true", "1, true"})
    void aSlotMigratedWhileItsCartsChangeLosesAndDoublesNothing(int replicas, boolean fromEventLoop) throws Exception {
        CartStoreConfig config = cluster.config.withReplicaWait(replicas == 0 ? CartStoreConfig.ReplicaWait.NONE
            : new CartStoreConfig.ReplicaWait(replicas, Duration.ofSeconds(2)));
        RedisCartStore migrating = fromEventLoop ? cluster.laneStore(config) : await(RedisCartStore.create(cluster.vertx,
            cluster.redis, cluster.repository, config, Clock.systemUTC()));
        io.vertx.core.Context loop = fromEventLoop ? cluster.vertx.getOrCreateContext() : null;
        List<String> carts = new ArrayList<>();
        while (carts.size() < 6) {
            String id = newId();
            if (config.shardOf(id) == 0) {
                carts.add(await(migrating.createOrGetActive(id, "", "EUR", "DE", "")).cartId());
            }
        }
        int slot = HashSlots.slotOf(config.streamKey(0));
        ClusterNodesView view = ClusterNodesView.of(cluster.cluster);
        ClusterNodesView.Node source = view.masterOf(slot);
        ClusterNodesView.Node target = view.otherMaster(source);

        AtomicReference<Throwable> migrationFailure = new AtomicReference<>();
        Thread migration = new Thread(() -> {
            try {
                migrateSlot(slot, source, target, view.masters());
            } catch (Throwable e) {
                migrationFailure.set(e);
            }
        }, "slot-migration");
        Map<String, Integer> acknowledged = new HashMap<>();
        AtomicInteger attempts = new AtomicInteger();
        int change = 0;
        migration.start();
        // Changes before, during and (20 rounds) after the migration, so MOVED is met as well as ASK.
        int roundsAfter = 0;
        while (roundsAfter < 20) {
            if (!migration.isAlive()) {
                roundsAfter++;
            }
            for (String cartId : carts) {
                String key = "mig-" + replicas + "-" + fromEventLoop + "-" + cartId + "-" + change++;
                untilAnswered(migrating, loop, Mutation.of(cartId, add("p")).withIdempotencyKey(key), attempts);
                acknowledged.merge(cartId, 1, Integer::sum);
            }
        }
        migration.join();
        assertThat(migrationFailure.get()).as("the migration").isNull();

        ClusterNodesView after = ClusterNodesView.of(cluster.cluster);
        assertThat(after.masterOf(slot).id()).as("the slot's master after the migration").isEqualTo(target.id());
        assertThat(cluster.cluster.cli(target.port(), "EXISTS", config.cartKey(carts.get(0))).trim()).isEqualTo("1");
        List<CartChange> stream = ChangeRecords.fromEntries(await(cluster.redis.send(Request.cmd(Command.XRANGE)
            .arg(config.streamKey(0)).arg("-").arg("+"))));
        for (String cartId : carts) {
            Cart cart = await(migrating.find(cartId)).orElseThrow();
            int acked = acknowledged.get(cartId);
            assertThat(cart.lines()).extracting(CartLine::quantity).as("quantity of %s", cartId).containsExactly(acked);
            assertThat(cart.version()).as("version of %s", cartId).isEqualTo(1L + acked);
            List<Long> versions = stream.stream().filter(c -> c.cartId().equals(cartId))
                .map(c -> ((CartChange.Applied) c).version()).toList();
            List<Long> expected = new ArrayList<>();
            for (long v = 1; v <= 1 + acked; v++) {
                expected.add(v);
            }
            assertThat(versions).as("versions of %s on its stream, in order", cartId).isEqualTo(expected);
        }
        LOG.info("slot {} moved from {} to {} under changes: {} changes acknowledged in {} attempts (replicas waited for: {})",
            slot, source.port(), target.port(), acknowledged.values().stream().mapToInt(Integer::intValue).sum(), attempts.get(),
            replicas);
        // Back where it was: the cluster is shared by the tests of this JVM, and the others count on one stream per master.
        migrateSlot(slot, target, source, ClusterNodesView.of(cluster.cluster).masters());
        assertThat(ClusterNodesView.of(cluster.cluster).masterOf(slot).id()).as("the slot's master, moved back").isEqualTo(source.id());
    }

    /** Sends the change (same idempotency key) until it is answered: a failure is an unknown outcome, never a result. */
    private static Cart untilAnswered(RedisCartStore on, io.vertx.core.Context loop, Mutation mutation, AtomicInteger attempts)
        throws InterruptedException {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            attempts.incrementAndGet();
            try {
                MutationResult result = await(loop == null ? on.apply(mutation) : onLoop(loop, () -> on.apply(mutation)));
                assertThat(result).isInstanceOf(MutationResult.Applied.class);
                return ((MutationResult.Applied) result).cart();
            } catch (RuntimeException e) {
                last = e;
                Thread.sleep(50);
            }
        }
        throw new AssertionError("no answer for " + mutation + " after 100 attempts", last);
    }

    /** Moves {@code slot} key by key, pausing between keys so changes meet the slot half moved. */
    private static void migrateSlot(int slot, ClusterNodesView.Node source, ClusterNodesView.Node target,
                                    List<ClusterNodesView.Node> masters) throws InterruptedException {
        var nodes = cluster.cluster;
        Thread.sleep(200);
        requireOk(nodes.cli(target.port(), "CLUSTER", "SETSLOT", Integer.toString(slot), "IMPORTING", source.id()));
        requireOk(nodes.cli(source.port(), "CLUSTER", "SETSLOT", Integer.toString(slot), "MIGRATING", target.id()));
        while (true) {
            String keys = nodes.cli(source.port(), "CLUSTER", "GETKEYSINSLOT", Integer.toString(slot), "3").trim();
            if (keys.isEmpty()) {
                break;
            }
            for (String key : keys.split("\n")) {
                String moved = nodes.cli(source.port(), "MIGRATE", "127.0.0.1", Integer.toString(target.port()), key.trim(), "0", "5000")
                    .trim();
                if (!moved.equals("OK") && !moved.equals("NOKEY")) {
                    throw new IllegalStateException("MIGRATE " + key + ": " + moved);
                }
                Thread.sleep(10);
            }
        }
        // The target first, then the source, then the others, as Redis Cluster's resharding does.
        List<ClusterNodesView.Node> order = new ArrayList<>(List.of(target, source));
        masters.stream().filter(m -> !m.id().equals(target.id()) && !m.id().equals(source.id())).forEach(order::add);
        for (ClusterNodesView.Node master : order) {
            requireOk(nodes.cli(master.port(), "CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", target.id()));
        }
    }

    private static void requireOk(String reply) {
        if (!reply.trim().equals("OK")) {
            throw new IllegalStateException("expected OK, was " + reply);
        }
    }

    private static Cart applied(Mutation mutation) {
        MutationResult result = await(store.apply(mutation));
        assertThat(result).isInstanceOf(MutationResult.Applied.class);
        return ((MutationResult.Applied) result).cart();
    }

    private static void eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + StoreHarness.WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within " + StoreHarness.WAIT);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
