package dev.cartwright.checkout;

import dev.cartwright.cart.CartIds;
import dev.cartwright.cart.store.AbandonmentSweeper;
import dev.cartwright.cart.store.CartSchemaLimits;
import dev.cartwright.cart.store.CartStoreConfig;
import dev.cartwright.cart.store.ChangeStreamTrimmer;
import dev.cartwright.cart.store.IdempotencyKeyCount;
import dev.cartwright.cart.store.ParkedCartReplay;
import dev.cartwright.cart.store.ParkedCarts;
import dev.cartwright.cart.store.PgCartRepository;
import dev.cartwright.cart.store.LegacyCarts;
import dev.cartwright.checkout.migration.CheckoutMirror;
import dev.cartwright.checkout.migration.OrderDbCarts;
import dev.cartwright.order.flags.FeatureFlagStore;
import dev.cartwright.order.flags.FlagCatalog;
import dev.cartwright.order.flags.MigrationFlags;
import dev.cartwright.order.migration.DualWriter;
import dev.cartwright.order.migration.LegacyImport;
import dev.cartwright.order.migration.LegacyMirrorRepair;
import dev.cartwright.order.migration.MigrationDatabases;
import dev.cartwright.service.db.LegacyDbConfig;
import io.micrometer.core.instrument.Gauge;
import io.vertx.sqlclient.PoolOptions;
import dev.cartwright.cart.store.ClusterRedis;
import dev.cartwright.cart.store.PipelinedRedis;
import dev.cartwright.cart.store.RedisCartStore;
import dev.cartwright.cart.store.AutovacuumCheck;
import dev.cartwright.cart.store.RedisDurabilityCheck;
import dev.cartwright.cart.store.WriteBehind;
import dev.cartwright.checkout.admin.ParkedCartsAdmin;
import dev.cartwright.checkout.admin.SagasAdmin;
import dev.cartwright.checkout.api.CartApiVerticle;
import dev.cartwright.checkout.api.CartGrpc;
import dev.cartwright.checkout.api.CheckoutGrpc;
import dev.cartwright.checkout.events.KafkaBridge;
import dev.cartwright.checkout.neighbours.Neighbours;
import dev.cartwright.checkout.catalogue.PricingEventsVerticle;
import dev.cartwright.checkout.catalogue.PricingFeed;
import dev.cartwright.checkout.carts.CartCommands;
import dev.cartwright.checkout.catalogue.Catalogue;
import dev.cartwright.checkout.events.CheckoutEvents;
import dev.cartwright.checkout.saga.CheckoutPricing;
import dev.cartwright.checkout.store.CheckoutStore;
import dev.cartwright.checkout.saga.CheckoutWorkflow;
import dev.cartwright.checkout.saga.ConfirmSaga;
import dev.cartwright.checkout.saga.SagaMetrics;
import dev.cartwright.checkout.saga.SagaRecovery;
import dev.cartwright.pricing.PriceBook;
import dev.cartwright.pricing.PricingCore;
import dev.cartwright.pricing.PromotionSet;
import dev.cartwright.service.admin.AdminServer;
import dev.cartwright.service.auth.Authenticator;
import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.db.DbConfig;
import dev.cartwright.service.db.SchemaMigrations;
import dev.cartwright.service.grpc.RequestLimit;
import dev.cartwright.service.grpc.Rpc;
import dev.cartwright.service.outbox.Outbox;
import dev.cartwright.service.outbox.OutboxRelay;
import dev.cartwright.service.outbox.OutboxRelayOptions;
import dev.cartwright.service.outbox.OutboxTable;
import dev.cartwright.service.runtime.ServiceRuntime;
import dev.cartwright.service.tracing.EventTraces;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.pgclient.PgBuilder;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires one Checkout Service process, in the order its parts depend on each other: schema, database pool, Redis,
 * cart store, neighbour clients, the pricing snapshot loaded from the neighbours, then the API verticles (one per
 * event loop), the write-behind to PostgreSQL, the Kafka bridge, the change stream trimmer, the abandonment sweeper,
 * the pricing event consumer, the checkout outbox relay and saga recovery, and the admin port. {@link CheckoutMain} runs it
 * as a process; integration tests run it in-process on ephemeral ports.
 *
 * <p>Each stage hands the next an immutable record of what it built ({@link Clients}, {@link Carts}, {@link Checkouts});
 * the started process is one {@link Wiring}. What start-up opened is remembered in order, so that {@link #stop} closes
 * it (newest first) whether start-up finished or not.
 */
public final class CheckoutApplication {

    private static final Logger LOG = LoggerFactory.getLogger(CheckoutApplication.class);
    private static final Duration LOAD_PATIENCE = Duration.ofSeconds(60);
    private static final String CHECKOUT_OUTBOX_CHANNEL = "checkout_outbox";
    private static final Duration FLAG_WATCH = Duration.ofSeconds(2);
    /** How far past the ids it copies an import moves a shared sequence (as the order-migration tool does). */
    private static final long SEQUENCE_HEADROOM = 1_000_000;

    /** The clients start-up opens first: checkout_db, Redis (pooled, and pipelined for the carts), and order_db's link. */
    private record Clients(Pool pool, Redis redis, Redis cartRedis, Legacy legacy) {
    }

    /** With {@code CARTWRIGHT_LEGACY_DB}: the cart store's port to order_db, the checkout mirror and its repair; else none. */
    private record Legacy(LegacyCarts carts, CheckoutMirror checkouts, Optional<LegacyMirrorRepair> repair) {
        static final Legacy NONE = new Legacy(LegacyCarts.NONE, CheckoutMirror.NONE, Optional.empty());
    }

    /** The carts: the Redis store, its PostgreSQL repository and the carts PostgreSQL refused. */
    private record Carts(RedisCartStore store, PgCartRepository repository, ParkedCarts parked) {
    }

    /** Checkouts: their store, the saga's meters, the workflow the endpoint serves and the relay of their outbox. */
    private record Checkouts(CheckoutStore store, SagaMetrics metrics, CheckoutWorkflow workflow, OutboxRelay relay) {
    }

    /** A started process: what the process (and the tests running it in-process) reach once start-up succeeded. */
    private record Wiring(int grpcPort, AdminServer adminServer, HttpServer admin, List<KafkaBridge> bridges, CheckoutWorkflow checkouts) {
    }

    private final ServiceRuntime runtime;
    private final CheckoutConfig config;
    private final Authenticator authenticator;
    private final Clock clock;
    /** The verticles deployed, in order (the endpoint first). */
    private final List<String> deployments = new ArrayList<>();
    /** How to close what start-up opened, in the order it was opened. */
    private final Deque<Supplier<Future<?>>> opened = new ArrayDeque<>();
    private final AtomicBoolean pricingLoaded = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile Wiring wiring;
    private Future<Void> stopped;

    private CheckoutApplication(ServiceRuntime runtime, CheckoutConfig config, Clock clock) {
        this.runtime = runtime;
        this.config = config;
        this.clock = clock;
        this.authenticator = Authenticator.from(runtime.vertx(), config.auth(), runtime.registry());
    }

    /** Starts everything; the future fails (and what had started is stopped) if any part cannot start. */
    public static Future<CheckoutApplication> start(ServiceRuntime runtime, CheckoutConfig config, Clock clock) {
        CheckoutApplication service = new CheckoutApplication(runtime, config, clock);
        return service.startAll().map(started -> {
            service.wiring = started;
            return service;
        }).recover(e -> service.stop().transform(x -> Future.failedFuture(e)));
    }

    public int grpcPort() {
        Wiring w = wiring;
        return w == null ? -1 : w.grpcPort();
    }

    public int adminPort() {
        Wiring w = wiring;
        return w == null ? -1 : w.admin().actualPort();
    }

    public boolean isDevelopmentMode() {
        return authenticator.isDevelopment();
    }

    /** The Kafka bridge of this process (only one process relays at a time; see {@link KafkaBridge}). */
    public KafkaBridge bridge() {
        return wiring.bridges().get(0);
    }

    /** The Kafka bridges of this process, one per change stream (shard), in shard order. */
    public List<KafkaBridge> bridges() {
        return wiring.bridges();
    }

    /** The checkout workflow of this process (fault drills in tests run the saga part-way through it). */
    public CheckoutWorkflow checkouts() {
        return wiring.checkouts();
    }

    /** Remembers how to close {@code thing}, which start-up just opened. */
    private <T> T opened(T thing, java.util.function.Function<T, Future<?>> close) {
        synchronized (opened) {
            opened.push(() -> close.apply(thing));
        }
        return thing;
    }

    /** The cart store's names and timings: the defaults with what the configuration sets. */
    static CartStoreConfig storeConfig(CheckoutConfig config, String consumerName) {
        return CartStoreConfig.defaults(consumerName)
            .withKeyPrefix(config.redisKeyPrefix())
            .withStreamKey(config.cartChangesStream())
            .withIdleTtl(config.idleTtl())
            .withIdempotencyTtl(config.idempotencyTtl())
            .withAbandonment(config.abandonAfter(), config.sweepEvery(), 500)
            .withShards(config.redis().shards(), config.redis().cluster())
            .withReplicaWait(new CartStoreConfig.ReplicaWait(config.redis().waitReplicas(), config.redis().waitTimeout()));
    }

    private Future<Wiring> startAll() {
        Vertx vertx = runtime.vertx();
        DbConfig db = DbConfig.of(config.endpoints(), config.database(), "checkout_db", config.pgPoolSize());
        String consumerName = "checkout-" + UUID.randomUUID().toString().substring(0, 8);
        CartStoreConfig storeConfig = storeConfig(config, consumerName);
        RedisOptions redisOptions = redisOptions().setMaxPoolSize(config.redisPoolSize()).setMaxPoolWaiting(8192)
            .setMetricsName("checkout-redis");
        // On a Redis Cluster every command takes a connection to each node: at most the pool's size of them are in
        // progress at once, and the pools also hold each stream's write-behind and Kafka bridge connection (ClusterRedis).
        Redis redis = opened(config.redis().cluster()
            ? ClusterRedis.create(vertx, redisOptions, config.redisPoolSize(), ClusterRedis.backgroundConnections(config.redis().shards()))
            : Redis.createClient(vertx, redisOptions), Redis::close);
        // Before anything else: a Redis that may lose acknowledged cart changes is refused in production.
        return RedisDurabilityCheck.run(redis, config.redisCheck(), !config.auth().development(),
                config.redis().cluster() ? "Redis Cluster " + String.join(",", config.redis().clusterNodes())
                    : RedisDurabilityCheck.displayAddress(config.endpoints().redisUrl()))
            .compose(checked -> SchemaMigrations.apply(vertx, db, config.schema()))
            .compose(migrated -> {
                Pool pool = opened(PgBuilder.pool().with(db.poolOptions()).connectingTo(db.connectOptions(config.schema())).using(vertx)
                    .build(), Pool::close);
                // Says (a warning, never a refusal) when autovacuum does not look after the tables the write-behind rewrites.
                AutovacuumCheck.run(pool);
                // Cart changes pipeline on one connection per event loop; the pooled client (redis) serves the background parts.
                // On a Redis Cluster a lane is a cluster connection (one connection to each node, MOVED and ASK followed).
                RedisOptions cartOptions = new RedisOptions(redisOptions).setMetricsName("checkout-redis-carts");
                int eventLoops = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
                Redis cartRedis = opened(config.redis().cluster()
                    ? PipelinedRedis.cluster(vertx, cartOptions, config.redisPoolSize(), eventLoops, config.redis().lanes())
                    : PipelinedRedis.create(vertx, cartOptions, eventLoops, config.redis().lanes()), Redis::close);
                return legacy(db, pool).map(legacy -> new Clients(pool, redis, cartRedis, legacy));
            })
            .compose(clients -> carts(clients, storeConfig).compose(carts -> {
                Neighbours neighbours = opened(new Neighbours(vertx, config.neighbours(), config.neighbourPolicy()), Neighbours::close);
                neighbours.bindTo(runtime.registry());
                PricingCore pricing = new PricingCore(PriceBook.empty(config.defaultCurrency()),
                    PromotionSet.empty(PromotionSet.DEFAULT_MAX_PER_CART), config.taxTable(), config.limits());
                Catalogue catalogue = new Catalogue(pricing);
                PricingFeed feed = new PricingFeed(neighbours, catalogue, config.defaultCurrency(), config.taxTable());
                Checkouts checkouts = checkouts(db, clients, carts, neighbours, pricing);
                return loadPricing(feed, System.nanoTime() + LOAD_PATIENCE.toNanos(), 0)
                    .compose(loaded -> deployApi(carts.store(), catalogue, neighbours, checkouts.workflow()))
                    .compose(grpcPort -> deployEvents(clients, carts, feed, checkouts, storeConfig)
                        .compose(bridges -> startAdmin(clients, carts, checkouts, storeConfig)
                            .map(admin -> new Wiring(grpcPort, admin.adminServer(), admin.admin(), bridges, checkouts.workflow()))));
            }));
    }

    /** The Redis client's endpoints: CARTWRIGHT_REDIS_URL's server, or the Redis Cluster's nodes (masters only). */
    private RedisOptions redisOptions() {
        if (!config.redis().cluster()) {
            return new RedisOptions().setConnectionString(config.endpoints().redisUrl());
        }
        RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER).setUseReplicas(RedisReplicas.NEVER);
        options.setEndpoints(config.redis().clusterNodes().stream().map(node -> "redis://" + node).toList());
        return options;
    }

    /** The cart store over Redis, with its PostgreSQL repository; refused when the schema cannot hold the configured limits. */
    private Future<Carts> carts(Clients clients, CartStoreConfig storeConfig) {
        PgCartRepository repository = new PgCartRepository(clients.pool(), clients.legacy().carts());
        ParkedCarts parked = new ParkedCarts(clients.pool());
        // A limit the schema's CHECK refuses would park every cart that uses it: refuse it here instead.
        return CartSchemaLimits.lineQuantity(clients.pool()).compose(bounds -> CartSchemaLimits.misfit(config.limits(), bounds)
                .<Future<Void>>map(problem -> Future.failedFuture(new ConfigException("CARTWRIGHT_CART_MAX_QUANTITY", problem)))
                .orElseGet(Future::succeededFuture))
            .compose(limitsFit -> RedisCartStore.create(runtime.vertx(), clients.cartRedis(), repository, storeConfig, clock,
                EventTraces::current))
            .map(store -> new Carts(store, repository, parked));
    }

    /**
     * With {@code CARTWRIGHT_LEGACY_DB} set: the migration's bookkeeping tables in this schema, the migration flags
     * ({@code CARTWRIGHT_FLAGS_FILE}, {@code CARTWRIGHT_FLAG_*}, watched for changes), a pool on order_db, and the cart
     * store's port that mirrors carts into it while {@code migration.dual_write} is on and imports carts from it on
     * first touch; failed mirrors are repaired every {@code CARTWRIGHT_LEGACY_MIRROR_REPAIR_EVERY}. Without it, none.
     */
    private Future<Legacy> legacy(DbConfig db, Pool pool) {
        if (config.legacy().isEmpty()) {
            return Future.succeededFuture(Legacy.NONE);
        }
        LegacyDbConfig legacy = config.legacy().get();
        Vertx vertx = runtime.vertx();
        return vertx.executeBlocking(() -> {
            MigrationDatabases.migrateState(db.jdbcUrl(), db.user(), db.password(), config.schema());
            return FeatureFlagStore.load(FlagCatalog.migration(), legacy.flagSources());
        }).map(flags -> {
            opened(flags.watch(vertx, FLAG_WATCH), timer -> {
                vertx.cancelTimer(timer);
                return Future.succeededFuture();
            });
            DbConfig orderDbConfig = legacy.on(db);
            Pool orderDb = opened(PgBuilder.pool().with(new PoolOptions().setMaxSize(legacy.poolSize()).setName("pg-legacy-checkout"))
                .connectingTo(orderDbConfig.connectOptions(legacy.schema())).using(vertx).build(), Pool::close);
            DualWriter writer = new DualWriter(pool, orderDb, flags::current, clock);
            LegacyMirrorRepair repair = new LegacyMirrorRepair(writer, legacy.repairEvery(), legacy.repairBatch());
            Gauge.builder("cartwright.legacy.mirror.pending", repair, LegacyMirrorRepair::pendingMirrors)
                .description("Carts and checkouts whose copy in order_db is not yet current (mirror queued, retried by the repair)")
                .tag("service", "checkout").register(runtime.registry());
            LOG.info("event=legacy_db_linked database={} schema={} dual_write={}", legacy.database(), legacy.schema(),
                flags.current().setting(MigrationFlags.DUAL_WRITE));
            LegacyImport importer = new LegacyImport(pool, orderDb, SEQUENCE_HEADROOM);
            return new Legacy(new OrderDbCarts(writer, importer), CheckoutMirror.over(writer, importer), Optional.of(repair));
        });
    }

    /** The neighbours may still be starting (a local run starts them together): try again, for a while. */
    private Future<Void> loadPricing(PricingFeed feed, long deadlineNanos, int attempt) {
        return feed.loadAll().onSuccess(v -> pricingLoaded.set(true)).recover(e -> {
            if (System.nanoTime() > deadlineNanos) {
                return Future.failedFuture(new IllegalStateException("could not load prices, products, stock and promotions from the"
                    + " neighbours within " + LOAD_PATIENCE.toSeconds() + "s (CARTWRIGHT_CATALOG_ADDR, CARTWRIGHT_PRICING_ADDR,"
                    + " CARTWRIGHT_WAREHOUSE_ADDR, CARTWRIGHT_PROMOTION_ADDR): " + e.getMessage(), e));
            }
            long pause = Math.min(2000, 100L << Math.min(attempt, 5));
            LOG.warn("event=pricing_load_retry attempt={} pause_ms={} error=\"{}\"", attempt + 1, pause, e.getMessage());
            Promise<Void> later = Promise.promise();
            runtime.vertx().setTimer(pause, id -> loadPricing(feed, deadlineNanos, attempt + 1).onComplete(later));
            return later.future();
        });
    }

    /** The endpoint, one verticle per event loop; the port it bound. */
    private Future<Integer> deployApi(RedisCartStore store, Catalogue catalogue, Neighbours neighbours, CheckoutWorkflow workflow) {
        Rpc cartRpc = new Rpc(runtime.registry(), "checkout.v1.CartService");
        Rpc checkoutRpc = new Rpc(runtime.registry(), "checkout.v1.CheckoutApplication");
        CartGrpc carts = new CartGrpc(new CartCommands(store, catalogue, neighbours::customerUsage, CartIds.secure(), clock,
            config.defaultRegion()), cartRpc);
        CheckoutGrpc checkouts = new CheckoutGrpc(workflow, checkoutRpc);
        AtomicInteger bound = new AtomicInteger(-1);
        // One limit for every event loop's listener: it bounds the process.
        RequestLimit limit = RequestLimit.of(config.maxRequestsInFlight()).bindTo(runtime.registry(), "checkout");
        return runtime.vertx().deployVerticle(() -> new CartApiVerticle(config.host(), config.port(), authenticator, config.cors(), limit,
                carts, checkouts, () -> Future.succeededFuture(pricingLoaded.get() && !stopping.get()), bound),
                new DeploymentOptions().setInstances(config.apiInstances()))
            .map(id -> {
                deployments.add(id);
                return bound.get();
            });
    }

    /** Checkouts: their store and outbox in checkout_db, the confirm saga, the workflow the endpoint serves, the relay. */
    private Checkouts checkouts(DbConfig db, Clients clients, Carts carts, Neighbours neighbours, PricingCore pricing) {
        CheckoutStore store = new CheckoutStore(clients.pool(), new Outbox(new OutboxTable("outbox"),
            Optional.of(CHECKOUT_OUTBOX_CHANNEL)), clients.legacy().checkouts());
        OutboxRelay relay = new OutboxRelay(clients.pool(), Optional.of(db.connectOptions(config.schema())),
            OutboxRelayOptions.of(new OutboxTable("outbox"), config.checkouts().eventsTopic(), CheckoutEvents.SOURCE,
                config.endpoints().kafkaBootstrap()).withNotifyChannel(CHECKOUT_OUTBOX_CHANNEL).withMetrics(runtime.registry())
                .withTopicSettings(config.topics()));
        SagaMetrics metrics = new SagaMetrics(runtime.registry());
        CheckoutPricing checkoutPricing = new CheckoutPricing(pricing, config.defaultRegion(), clock);
        CheckoutEvents events = new CheckoutEvents(UUID::randomUUID);
        ConfirmSaga saga = new ConfirmSaga(store, carts.store(), neighbours, checkoutPricing, events, config.checkouts(), metrics, clock,
            relay::wake);
        CartIds checkoutIds = CartIds.secure();
        CheckoutWorkflow workflow = new CheckoutWorkflow(runtime.vertx(), store, carts.store(), neighbours, checkoutPricing, events,
            saga, config.checkouts(), checkoutIds::next, clock, relay::wake);
        return new Checkouts(store, metrics, workflow, relay);
    }

    /**
     * The background verticles, off the event loops; the Kafka bridges among them. Each change stream (one per shard)
     * has its own write-behind, Kafka bridge and trimmer, so a cart's changes stay in order on its stream and on Kafka.
     */
    private Future<List<KafkaBridge>> deployEvents(Clients clients, Carts carts, PricingFeed feed, Checkouts checkouts,
                                                   CartStoreConfig storeConfig) {
        Vertx vertx = runtime.vertx();
        Redis redis = clients.redis();
        List<KafkaBridge> bridges = new ArrayList<>();
        List<Deployable> streams = new ArrayList<>();
        for (int shard = 0; shard < storeConfig.shards(); shard++) {
            CartStoreConfig stream = storeConfig.forStream(shard);
            // Batches of up to 1000 changes: the bridge waits for the broker once per batch, so the batch bounds its rate
            // (with 200 it fell further behind in every capacity benchmark run; see BENCHMARKS.md).
            KafkaBridge bridge = new KafkaBridge(redis, new KafkaBridge.Settings(stream.streamKey(), stream.bridgeGroup(),
                stream.consumerName(), config.cartEventsTopic(), 1000, Duration.ofSeconds(1)),
                KafkaBridge.producerConfig(config.endpoints().kafkaBootstrap()), Optional.of(config.topics()), clock, carts.store()::find,
                runtime.registry());
            bridges.add(bridge);
            streams.add(new WriteBehind(redis, carts.repository(), carts.parked(), stream, clock, runtime.registry()));
            streams.add(bridge);
            streams.add(new ChangeStreamTrimmer(redis, stream));
        }
        PricingEventsVerticle pricingEvents = new PricingEventsVerticle(config.endpoints().kafkaBootstrap(),
            List.of(config.pricingEventsTopic(), config.warehouseEventsTopic(), config.catalogEventsTopic(),
                config.promotionEventsTopic()), feed, runtime.registry());
        List<Deployable> parts = new ArrayList<>(streams);
        parts.addAll(List.of(
            new IdempotencyKeyCount(redis, storeConfig, clock, runtime.registry()),
            new AbandonmentSweeper(carts.store(), carts.repository(), storeConfig, clock),
            pricingEvents,
            checkouts.relay(),
            new SagaRecovery(checkouts.store(), checkouts.workflow(), config.checkouts(), checkouts.metrics(), clock)));
        clients.legacy().repair().ifPresent(parts::add);
        Future<Void> chain = Future.succeededFuture();
        for (Deployable part : parts) {
            // Off the event loops: a batch of thousands of changes is decoded and encoded here, and on an event loop it
            // would hold back every request that loop serves.
            DeploymentOptions background = new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER);
            chain = chain.compose(v -> vertx.deployVerticle(part, background)).map(id -> {
                deployments.add(id);
                return null;
            });
        }
        return chain.map(bridges);
    }

    /** The admin port's server and what it serves. */
    private record Admin(AdminServer adminServer, HttpServer admin) {
    }

    private Future<Admin> startAdmin(Clients clients, Carts carts, Checkouts checkouts, CartStoreConfig storeConfig) {
        Redis redis = clients.redis();
        return ParkedCartReplay.create(runtime.vertx(), redis, carts.repository(), carts.parked(), storeConfig, clock).compose(replay -> {
            AdminServer server = new AdminServer(runtime.vertx(), runtime.registry())
                .check("redis", () -> redis.send(Request.cmd(Command.PING)))
                .check("postgres", () -> clients.pool().query("SELECT 1").execute())
                .check("pricing", () -> pricingLoaded.get() ? Future.succeededFuture()
                    : Future.failedFuture("prices not loaded yet"))
                .route(ParkedCartsAdmin.PATH, new ParkedCartsAdmin(replay))
                .route(SagasAdmin.PATH, new SagasAdmin(checkouts.store(), clock));
            return server.listen(config.host(), config.adminPort())
                .map(listening -> new Admin(server, opened(listening, HttpServer::close)));
        });
    }

    /**
     * Stops gracefully, once (a second call gets the same future): readiness answers 503 and gRPC health NOT_SERVING at
     * once; the endpoint keeps serving for {@link CheckoutConfig#drainDelay()}, while the gateway's health checks take
     * the process out of rotation, then stops accepting and lets the calls in flight finish ({@link CartApiVerticle#DRAIN});
     * only then the background work stops (newest first), and the admin port and the clients close (newest first).
     */
    public synchronized Future<Void> stop() {
        if (stopped != null) {
            return stopped;
        }
        stopping.set(true);
        Wiring started = wiring;
        Vertx vertx = runtime.vertx();
        Future<Void> chain = Future.succeededFuture();
        if (started != null) {
            started.adminServer().drain();
            long delay = config.drainDelay().toMillis();
            LOG.info("event=draining delay_ms={}", delay);
            if (delay > 0) {
                chain = vertx.timer(delay).mapEmpty();
            }
        }
        List<String> ids = new ArrayList<>(deployments);
        // The endpoint was deployed first; it goes first, the background verticles after it, newest first.
        String api = ids.isEmpty() ? null : ids.remove(0);
        java.util.Collections.reverse(ids);
        if (api != null) {
            ids.add(0, api);
        }
        for (String id : ids) {
            chain = chain.eventually(() -> vertx.undeploy(id));
        }
        deployments.clear();
        List<Supplier<Future<?>>> closers;
        synchronized (opened) {
            closers = new ArrayList<>(opened);
            opened.clear();
        }
        for (Supplier<Future<?>> close : closers) {
            chain = chain.eventually(() -> close.get().<Void>mapEmpty());
        }
        stopped = chain;
        return stopped;
    }
}
