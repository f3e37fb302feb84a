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
import dev.cartwright.cart.store.PipelinedRedis;
import dev.cartwright.cart.store.RedisCartStore;
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
import dev.cartwright.checkout.saga.CheckoutEvents;
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
import dev.cartwright.service.grpc.Rpc;
import dev.cartwright.service.outbox.Outbox;
import dev.cartwright.service.outbox.OutboxRelay;
import dev.cartwright.service.outbox.OutboxRelayOptions;
import dev.cartwright.service.outbox.OutboxTable;
import dev.cartwright.service.runtime.ServiceRuntime;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.pgclient.PgBuilder;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires one Checkout Service process, in the order its parts depend on each other: schema, database pool, Redis,
 * cart store, neighbour clients, the pricing snapshot loaded from the neighbours, then the API verticles (one per
 * event loop), the write-behind to PostgreSQL, the Kafka bridge, the change stream trimmer, the abandonment sweeper,
 * the pricing event consumer, the checkout outbox relay and saga recovery, and the admin port. {@link CheckoutMain} runs it
 * as a process; integration tests run it in-process on ephemeral ports.
 */
public final class CheckoutApplication {

    private static final Logger LOG = LoggerFactory.getLogger(CheckoutApplication.class);
    private static final Duration LOAD_PATIENCE = Duration.ofSeconds(60);
    private static final String CHECKOUT_OUTBOX_CHANNEL = "checkout_outbox";
    private static final Duration FLAG_WATCH = Duration.ofSeconds(2);
    /** How far past the ids it copies an import moves a shared sequence (as the order-migration tool does). */
    private static final long SEQUENCE_HEADROOM = 1_000_000;

    private final ServiceRuntime runtime;
    private final CheckoutConfig config;
    private final Authenticator authenticator;
    private final Clock clock;
    private final List<String> deployments = new ArrayList<>();
    private final AtomicBoolean pricingLoaded = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private Future<Void> stopped;
    private AdminServer adminServer;
    private Pool pool;
    private PgCartRepository repository;
    private ParkedCarts parkedCarts;
    private Redis redis;
    private PipelinedRedis cartRedis;
    private Neighbours neighbours;
    private HttpServer admin;
    private int grpcPort = -1;
    private KafkaBridge bridge;
    private CheckoutStore checkoutStore;
    private CheckoutWorkflow checkoutWorkflow;
    private SagaMetrics sagaMetrics;
    private volatile OutboxRelay checkoutRelay;
    private Pool orderDb;
    private LegacyMirrorRepair mirrorRepair;
    private long flagWatch = -1;
    private CheckoutMirror checkoutMirror = CheckoutMirror.NONE;

    private CheckoutApplication(ServiceRuntime runtime, CheckoutConfig config, Clock clock) {
        this.runtime = runtime;
        this.config = config;
        this.clock = clock;
        this.authenticator = Authenticator.from(runtime.vertx(), config.auth(), runtime.registry());
    }

    /** Starts everything; the future fails (and what had started is stopped) if any part cannot start. */
    public static Future<CheckoutApplication> start(ServiceRuntime runtime, CheckoutConfig config, Clock clock) {
        CheckoutApplication service = new CheckoutApplication(runtime, config, clock);
        return service.startAll().map(v -> service)
            .recover(e -> service.stop().transform(x -> Future.failedFuture(e)));
    }

    public int grpcPort() {
        return grpcPort;
    }

    public int adminPort() {
        return admin == null ? -1 : admin.actualPort();
    }

    public boolean isDevelopmentMode() {
        return authenticator.isDevelopment();
    }

    /** The Kafka bridge of this process (only one process relays at a time; see {@link KafkaBridge}). */
    public KafkaBridge bridge() {
        return bridge;
    }

    /** The checkout workflow of this process (fault drills in tests run the saga part-way through it). */
    public CheckoutWorkflow checkouts() {
        return checkoutWorkflow;
    }

    private Future<Void> startAll() {
        Vertx vertx = runtime.vertx();
        DbConfig db = DbConfig.of(config.endpoints(), config.database(), "checkout_db", config.pgPoolSize());
        String consumerName = "checkout-" + UUID.randomUUID().toString().substring(0, 8);
        CartStoreConfig storeConfig = CartStoreConfig.defaults(consumerName)
            .withKeyPrefix(config.redisKeyPrefix())
            .withStreamKey(config.cartChangesStream())
            .withIdleTtl(config.idleTtl())
            .withAbandonment(config.abandonAfter(), config.sweepEvery(), 500);
        RedisOptions redisOptions = new RedisOptions().setConnectionString(config.endpoints().redisUrl())
            .setMaxPoolSize(config.redisPoolSize()).setMaxPoolWaiting(8192).setMetricsName("checkout-redis");
        redis = Redis.createClient(vertx, redisOptions);
        // Before anything else: a Redis that may lose acknowledged cart changes is refused in production.
        return RedisDurabilityCheck.run(redis, config.redisCheck(), !config.auth().development(),
                RedisDurabilityCheck.displayAddress(config.endpoints().redisUrl()))
            .compose(checked -> SchemaMigrations.apply(vertx, db, config.schema()))
            .compose(migrated -> {
                pool = PgBuilder.pool().with(db.poolOptions()).connectingTo(db.connectOptions(config.schema())).using(vertx).build();
                // Cart changes pipeline on one connection per event loop; the pooled client (redis) serves the background parts.
                cartRedis = PipelinedRedis.create(vertx, new RedisOptions(redisOptions).setMetricsName("checkout-redis-carts"));
                return legacyCarts(db);
            })
            .compose(legacyCarts -> {
                repository = new PgCartRepository(pool, legacyCarts);
                parkedCarts = new ParkedCarts(pool);
                // A limit the schema's CHECK refuses would park every cart that uses it: refuse it here instead.
                return CartSchemaLimits.lineQuantity(pool).compose(bounds -> CartSchemaLimits.misfit(config.limits(), bounds)
                    .<Future<Void>>map(problem -> Future.failedFuture(new ConfigException("CARTWRIGHT_CART_MAX_QUANTITY", problem)))
                    .orElseGet(Future::succeededFuture));
            })
            .compose(limitsFit -> RedisCartStore.create(vertx, cartRedis, repository, storeConfig, clock))
            .compose(store -> {
                neighbours = new Neighbours(vertx, config.neighbours(), config.neighbourPolicy());
                neighbours.bindTo(runtime.registry());
                PricingCore pricing = new PricingCore(PriceBook.empty(config.defaultCurrency()),
                    PromotionSet.empty(PromotionSet.DEFAULT_MAX_PER_CART), config.taxTable(), config.limits());
                Catalogue catalogue = new Catalogue(pricing);
                PricingFeed feed = new PricingFeed(neighbours, catalogue, config.defaultCurrency(), config.taxTable());
                return loadPricing(feed, System.nanoTime() + LOAD_PATIENCE.toNanos(), 0)
                    .compose(loaded -> deployApi(store, catalogue))
                    .compose(api -> deployEvents(store, feed, storeConfig));
            })
            .compose(v -> startAdmin(storeConfig))
            .mapEmpty();
    }

    /**
     * With {@code CARTWRIGHT_LEGACY_DB} set: the migration's bookkeeping tables in this schema, the migration flags
     * ({@code CARTWRIGHT_FLAGS_FILE}, {@code CARTWRIGHT_FLAG_*}, watched for changes), a pool on order_db, and the cart
     * store's port that mirrors carts into it while {@code migration.dual_write} is on and imports carts from it on
     * first touch; failed mirrors are repaired every {@code CARTWRIGHT_LEGACY_MIRROR_REPAIR_EVERY}. Without it, none.
     */
    private Future<LegacyCarts> legacyCarts(DbConfig db) {
        if (config.legacy().isEmpty()) {
            return Future.succeededFuture(LegacyCarts.NONE);
        }
        LegacyDbConfig legacy = config.legacy().get();
        Vertx vertx = runtime.vertx();
        return vertx.executeBlocking(() -> {
            MigrationDatabases.migrateState(db.jdbcUrl(), db.user(), db.password(), config.schema());
            return FeatureFlagStore.load(FlagCatalog.migration(), legacy.flagSources());
        }).map(flags -> {
            flagWatch = flags.watch(vertx, FLAG_WATCH);
            DbConfig orderDbConfig = legacy.on(db);
            orderDb = PgBuilder.pool().with(new PoolOptions().setMaxSize(legacy.poolSize()).setName("pg-legacy-checkout"))
                .connectingTo(orderDbConfig.connectOptions(legacy.schema())).using(vertx).build();
            DualWriter writer = new DualWriter(pool, orderDb, flags::current, clock);
            mirrorRepair = new LegacyMirrorRepair(writer, legacy.repairEvery(), legacy.repairBatch());
            LegacyMirrorRepair repair = mirrorRepair;
            Gauge.builder("cartwright.legacy.mirror.pending", repair, LegacyMirrorRepair::pendingMirrors)
                .description("Carts and checkouts whose copy in order_db is not yet current (mirror queued, retried by the repair)")
                .tag("service", "checkout").register(runtime.registry());
            LOG.info("event=legacy_db_linked database={} schema={} dual_write={}", legacy.database(), legacy.schema(),
                flags.current().setting(MigrationFlags.DUAL_WRITE));
            LegacyImport importer = new LegacyImport(pool, orderDb, SEQUENCE_HEADROOM);
            checkoutMirror = CheckoutMirror.over(writer, importer);
            return (LegacyCarts) new OrderDbCarts(writer, importer);
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

    private Future<Void> deployApi(RedisCartStore store, Catalogue catalogue) {
        Rpc cartRpc = new Rpc(runtime.registry(), "checkout.v1.CartService");
        Rpc checkoutRpc = new Rpc(runtime.registry(), "checkout.v1.CheckoutApplication");
        CartGrpc carts = new CartGrpc(new CartCommands(store, catalogue, neighbours::customerUsage, CartIds.secure(), clock,
            config.defaultRegion()), cartRpc);
        CheckoutGrpc checkouts = new CheckoutGrpc(checkoutWorkflow(store, catalogue.pricing()), checkoutRpc);
        AtomicInteger bound = new AtomicInteger(-1);
        return runtime.vertx().deployVerticle(() -> new CartApiVerticle(config.host(), config.port(), authenticator, carts,
                checkouts, () -> Future.succeededFuture(pricingLoaded.get() && !stopping.get()), bound),
                new DeploymentOptions().setInstances(config.apiInstances()))
            .map(id -> {
                deployments.add(id);
                grpcPort = bound.get();
                return null;
            });
    }

    /** Checkouts: their store and outbox in checkout_db, the confirm saga and the workflow the endpoint serves. */
    private CheckoutWorkflow checkoutWorkflow(RedisCartStore store, PricingCore pricing) {
        checkoutStore = new CheckoutStore(pool, new Outbox(new OutboxTable("outbox"), Optional.of(CHECKOUT_OUTBOX_CHANNEL)),
            checkoutMirror);
        sagaMetrics = new SagaMetrics(runtime.registry());
        CheckoutPricing checkoutPricing = new CheckoutPricing(pricing, config.defaultRegion(), clock);
        CheckoutEvents events = new CheckoutEvents(UUID::randomUUID);
        Runnable wake = () -> {
            OutboxRelay relay = checkoutRelay;
            if (relay != null) {
                relay.wake();
            }
        };
        ConfirmSaga saga = new ConfirmSaga(checkoutStore, store, neighbours, checkoutPricing, events, config.checkouts(), sagaMetrics,
            clock, wake);
        CartIds checkoutIds = CartIds.secure();
        checkoutWorkflow = new CheckoutWorkflow(runtime.vertx(), checkoutStore, store, neighbours, checkoutPricing, events, saga,
            config.checkouts(), checkoutIds::next, clock, wake);
        return checkoutWorkflow;
    }

    private Future<Void> deployEvents(RedisCartStore store, PricingFeed feed, CartStoreConfig storeConfig) {
        Vertx vertx = runtime.vertx();
        // Batches of up to 1000 changes: the bridge waits for the broker once per batch, so the batch bounds its rate
        // (with 200 it fell further behind in every capacity benchmark run; see BENCHMARKS.md).
        bridge = new KafkaBridge(redis, new KafkaBridge.Settings(storeConfig.streamKey(), storeConfig.bridgeGroup(),
            storeConfig.consumerName(), config.cartEventsTopic(), 1000, Duration.ofSeconds(1)),
            KafkaBridge.producerConfig(config.endpoints().kafkaBootstrap()), clock, store::find, runtime.registry());
        PricingEventsVerticle pricingEvents = new PricingEventsVerticle(config.endpoints().kafkaBootstrap(),
            List.of(config.pricingEventsTopic(), config.warehouseEventsTopic(), config.catalogEventsTopic(),
                config.promotionEventsTopic()), feed, runtime.registry());
        DbConfig db = DbConfig.of(config.endpoints(), config.database(), "checkout_db", config.pgPoolSize());
        checkoutRelay = new OutboxRelay(pool, Optional.of(db.connectOptions(config.schema())),
            OutboxRelayOptions.of(new OutboxTable("outbox"), config.checkouts().eventsTopic(), CheckoutEvents.SOURCE,
                config.endpoints().kafkaBootstrap()).withNotifyChannel(CHECKOUT_OUTBOX_CHANNEL).withMetrics(runtime.registry()));
        List<Deployable> parts = new ArrayList<>(List.of(
            new WriteBehind(redis, repository, parkedCarts, storeConfig, clock, runtime.registry()),
            bridge,
            new ChangeStreamTrimmer(redis, storeConfig),
            new IdempotencyKeyCount(redis, storeConfig, clock, runtime.registry()),
            new AbandonmentSweeper(store, repository, storeConfig, clock),
            pricingEvents,
            checkoutRelay,
            new SagaRecovery(checkoutStore, checkoutWorkflow, config.checkouts(), sagaMetrics, clock)));
        if (mirrorRepair != null) {
            parts.add(mirrorRepair);
        }
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
        return chain;
    }

    private Future<Void> startAdmin(CartStoreConfig storeConfig) {
        return ParkedCartReplay.create(runtime.vertx(), redis, repository, parkedCarts, storeConfig, clock).compose(replay -> {
            AdminServer server = new AdminServer(runtime.vertx(), runtime.registry())
                .check("redis", () -> redis.send(Request.cmd(Command.PING)))
                .check("postgres", () -> pool.query("SELECT 1").execute())
                .check("pricing", () -> pricingLoaded.get() ? Future.succeededFuture()
                    : Future.failedFuture("prices not loaded yet"))
                .route(ParkedCartsAdmin.PATH, new ParkedCartsAdmin(replay))
                .route(SagasAdmin.PATH, new SagasAdmin(checkoutStore, clock));
            adminServer = server;
            return server.listen(config.host(), config.adminPort());
        }).map(s -> {
            admin = s;
            return null;
        });
    }

    /**
     * Stops gracefully, once (a second call gets the same future): readiness answers 503 and gRPC health NOT_SERVING at
     * once; then the endpoint stops accepting and lets the calls in flight finish ({@link CartApiVerticle#DRAIN});
     * only then the background work stops (newest first), and the admin port and the clients close.
     */
    public synchronized Future<Void> stop() {
        if (stopped != null) {
            return stopped;
        }
        stopping.set(true);
        if (adminServer != null) {
            adminServer.drain();
        }
        Vertx vertx = runtime.vertx();
        Future<Void> chain = Future.succeededFuture();
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
        stopped = chain
            .eventually(() -> admin == null ? Future.succeededFuture() : admin.close())
            .eventually(() -> neighbours == null ? Future.succeededFuture() : neighbours.close())
            .eventually(() -> {
                if (flagWatch >= 0) {
                    vertx.cancelTimer(flagWatch);
                }
                return orderDb == null ? Future.succeededFuture() : orderDb.close();
            })
            .eventually(() -> pool == null ? Future.succeededFuture() : pool.close())
            .eventually(() -> redis == null ? Future.succeededFuture() : redis.close())
            .eventually(() -> cartRedis == null ? Future.succeededFuture() : cartRedis.close())
            .mapEmpty();
        return stopped;
    }
}
