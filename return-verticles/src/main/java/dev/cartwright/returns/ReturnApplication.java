package dev.cartwright.returns;

import dev.cartwright.proto.returns.v1.ReturnServiceGrpcService;
import dev.cartwright.returns.admin.RefundsAdmin;
import dev.cartwright.returns.api.ReturnGrpc;
import dev.cartwright.returns.domain.RefundCalculator;
import dev.cartwright.returns.domain.ReturnEligibility;
import dev.cartwright.returns.events.OrderEventsConsumer;
import dev.cartwright.returns.events.ReturnEvents;
import dev.cartwright.returns.migration.ReturnMirror;
import dev.cartwright.returns.neighbours.Neighbours;
import dev.cartwright.returns.store.ReturnStores;
import dev.cartwright.returns.workflow.OrderSource;
import dev.cartwright.returns.workflow.RetryWorker;
import dev.cartwright.returns.workflow.ReturnSettings;
import dev.cartwright.returns.workflow.ReturnWorkflow;
import dev.cartwright.returns.workflow.Settlements;
import dev.cartwright.service.auth.Authenticator;
import dev.cartwright.order.flags.FeatureFlagStore;
import dev.cartwright.order.flags.FeatureFlags;
import dev.cartwright.order.flags.FlagCatalog;
import dev.cartwright.order.flags.MigrationFlags;
import dev.cartwright.order.migration.Aggregate;
import dev.cartwright.order.migration.DualWriter;
import dev.cartwright.order.migration.LegacyImport;
import dev.cartwright.order.migration.LegacyMirrorRepair;
import dev.cartwright.order.migration.MigrationDatabases;
import dev.cartwright.service.db.DbConfig;
import dev.cartwright.service.db.LegacyDbConfig;
import dev.cartwright.service.db.SchemaMigrations;
import dev.cartwright.service.grpc.GrpcEndpoint;
import dev.cartwright.service.grpc.JsonCodecs;
import dev.cartwright.service.grpc.RequestLimit;
import dev.cartwright.service.grpc.Rpc;
import dev.cartwright.service.outbox.Outbox;
import dev.cartwright.service.outbox.OutboxRelay;
import dev.cartwright.service.outbox.OutboxRelayOptions;
import dev.cartwright.service.outbox.OutboxTable;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.grpc.health.HealthService;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns one running Return Service inside a Vert.x instance: return_db's migrations, the PostgreSQL pool and the
 * stores, the neighbour clients, the workflows, and the verticles (the gRPC endpoint, the order-event consumer, the
 * outbox relay, the retry worker). {@link ReturnMain} starts one for the process; integration tests start one
 * in-process.
 */
public final class ReturnApplication {

    public static final URI EVENT_SOURCE = URI.create("/cartwright/return-service");
    public static final String NOTIFY_CHANNEL = "return_outbox";
    public static final String SERVICE_NAME = "return.v1.ReturnService";
    private static final Logger LOG = LoggerFactory.getLogger(ReturnApplication.class);
    /** How often the migration flags file is checked for changes. */
    private static final Duration FLAG_WATCH = Duration.ofSeconds(2);
    /** How far return_db's shared ids are kept above order_db's (see {@link LegacyImport#separateSequences}). */
    private static final long SEQUENCE_HEADROOM = 1_000_000;
    /** How long calls in flight may take to finish when the service stops. */
    private static final Duration DRAIN = Duration.ofSeconds(10);

    private final Vertx vertx;
    private final ReturnConfig config;
    private final Pool pool;
    private final Neighbours neighbours;
    private final OutboxRelayOptions relayOptions;
    private final PgConnectOptions connectOptions;
    private final ReturnStores stores;
    private volatile OutboxRelay relay;
    private volatile String relayDeployment;
    private String apiDeployment;
    private String consumerDeployment;
    private String workerDeployment;
    private String repairDeployment;
    private ReturnMirror mirror;
    private Pool orderDb;
    private LegacyMirrorRepair mirrorRepair;
    private long flagWatch = -1;
    private int grpcPort;
    private RefundsAdmin refundsAdmin;
    /** Set when the service starts stopping: gRPC health then answers NOT_SERVING. */
    private volatile boolean stopping;

    private ReturnApplication(Vertx vertx, ReturnConfig config, Pool pool, Neighbours neighbours, OutboxRelayOptions relayOptions,
                              PgConnectOptions connectOptions, ReturnStores stores) {
        this.vertx = vertx;
        this.config = config;
        this.pool = pool;
        this.neighbours = neighbours;
        this.relayOptions = relayOptions;
        this.connectOptions = connectOptions;
        this.stores = stores;
    }

    /** Applies the {@code return_db} migrations, then starts the endpoint, the consumers and the background work. */
    public static Future<ReturnApplication> start(Vertx vertx, ReturnConfig config, MeterRegistry registry, Clock clock,
                                                  Supplier<UUID> ids) {
        DbConfig db = DbConfig.of(config.endpoints(), config.database(), "return_db", config.poolSize());
        // Migrations first, in the same place as the Checkout Service: the application start, not its main.
        return SchemaMigrations.apply(vertx, db, config.schema()).compose(migrated -> {
            PgConnectOptions connect = db.connectOptions(config.schema());
            Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(config.poolSize())).connectingTo(connect).using(vertx).build();
            Neighbours neighbours = new Neighbours(vertx, config.neighbours(), config.callPolicy());
            OutboxTable table = new OutboxTable("outbox");
            OutboxRelayOptions relayOptions = OutboxRelayOptions.of(table, config.returnEventsTopic(), EVENT_SOURCE,
                    config.endpoints().kafkaBootstrap())
                .withPollInterval(config.relayPoll())
                .withNotifyChannel(NOTIFY_CHANNEL)
                .withTopicSettings(config.topics())
                .withMetrics(registry);
            ReturnStores stores = ReturnStores.create();
            ReturnApplication app = new ReturnApplication(vertx, config, pool, neighbours, relayOptions, connect, stores);
            return app.linkOrderDb(db, registry, clock)
                .compose(v -> app.deploy(registry, clock, ids))
                .map(app)
                .recover(e -> app.stop().transform(stopped -> Future.failedFuture(e)));
        });
    }

    /**
     * With {@code CARTWRIGHT_LEGACY_DB} set: the migration's bookkeeping tables in this schema, the migration flags, a
     * pool on order_db, return_db's history ids moved clear of order_db's, the {@link ReturnMirror} every write and read
     * of a return goes through, and the repair of failed mirrors every {@code CARTWRIGHT_LEGACY_MIRROR_REPAIR_EVERY}
     * (gauge {@code cartwright_legacy_mirror_pending{service="returns"}}). Without it, plain transactions.
     */
    private Future<Void> linkOrderDb(DbConfig db, MeterRegistry registry, Clock clock) {
        if (config.legacy().isEmpty()) {
            mirror = ReturnMirror.none(pool);
            return Future.succeededFuture();
        }
        LegacyDbConfig legacy = config.legacy().get();
        return vertx.executeBlocking(() -> {
            MigrationDatabases.migrateState(db.jdbcUrl(), db.user(), db.password(), config.schema());
            return FeatureFlagStore.load(FlagCatalog.migration(), legacy.flagSources());
        }).compose(store -> {
            flagWatch = store.watch(vertx, FLAG_WATCH);
            Supplier<FeatureFlags> flags = store::current;
            orderDb = PgBuilder.pool().with(new PoolOptions().setMaxSize(legacy.poolSize()).setName("pg-legacy-returns"))
                .connectingTo(legacy.on(db).connectOptions(legacy.schema())).using(vertx).build();
            DualWriter writer = new DualWriter(pool, orderDb, flags, clock);
            LegacyImport importer = new LegacyImport(pool, orderDb, SEQUENCE_HEADROOM);
            mirror = ReturnMirror.over(pool, writer, importer);
            mirrorRepair = new LegacyMirrorRepair(writer, legacy.repairEvery(), legacy.repairBatch());
            LegacyMirrorRepair repair = mirrorRepair;
            Gauge.builder("cartwright.legacy.mirror.pending", repair, LegacyMirrorRepair::pendingMirrors)
                .description("Returns whose copy in order_db is not yet current (mirror queued, retried by the repair)")
                .tag("service", "returns").register(registry);
            return importer.separateSequences(Aggregate.RETURN).map(moved -> {
                LOG.info("event=legacy_db_linked database={} schema={} dual_write={} sequences_moved={}", legacy.database(),
                    legacy.schema(), flags.get().setting(MigrationFlags.DUAL_WRITE), moved);
                return null;
            });
        });
    }

    private Future<Void> deploy(MeterRegistry registry, Clock clock, Supplier<UUID> ids) {
        Outbox outbox = new Outbox(relayOptions.table(), Optional.of(NOTIFY_CHANNEL));
        ReturnEvents events = new ReturnEvents(ids);
        ReturnSettings settings = new ReturnSettings(new ReturnEligibility(config.window()),
            new RefundCalculator(config.restockingFeeBasisPoints()), config.attemptLease(), config.retryBase(), config.retryMax(),
            config.maxRefundAttempts(), config.workerInterval());
        Runnable wake = () -> {
            OutboxRelay current = relay;
            if (current != null) {
                current.wake();
            }
        };
        Settlements settlements = new Settlements(pool, mirror, stores, neighbours, outbox, events, settings, clock, wake, registry);
        refundsAdmin = new RefundsAdmin(settlements);
        OrderSource orders = new OrderSource(pool, stores.orders(), neighbours, clock);
        ReturnWorkflow workflow = new ReturnWorkflow(pool, mirror, stores, orders, neighbours, settlements, outbox, events, settings,
            clock, ids, wake);
        Authenticator authenticator = Authenticator.from(vertx, config.auth(), registry);
        ReturnGrpc grpc = new ReturnGrpc(workflow, new Rpc(registry, "return.v1.ReturnService"));
        Map<String, String> consumerKafka = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.endpoints().kafkaBootstrap(),
            ConsumerConfig.GROUP_ID_CONFIG, config.consumerGroup(),
            ConsumerConfig.CLIENT_ID_CONFIG, "return-service-orders");
        RequestLimit limit = RequestLimit.of(config.maxRequestsInFlight()).bindTo(registry, "returns");
        return vertx.deployVerticle(new ApiVerticle(grpc, authenticator, limit))
            .compose(id -> {
                apiDeployment = id;
                return config.relayOutbox() ? startRelay() : Future.succeededFuture();
            })
            .compose(v -> vertx.deployVerticle(new OrderEventsConsumer(pool, stores.orders(), consumerKafka, config.orderEventsTopic(),
                clock, Optional.of(registry))))
            .compose(id -> {
                consumerDeployment = id;
                return vertx.deployVerticle(new RetryWorker(pool, stores, settlements, settings, clock, Optional.of(registry)));
            })
            .compose(id -> {
                workerDeployment = id;
                return mirrorRepair == null ? Future.succeededFuture() : vertx.deployVerticle(mirrorRepair);
            })
            .map(id -> {
                repairDeployment = id;
                return null;
            });
    }

    /** The gRPC endpoint: one HTTP server carrying gRPC, gRPC-Web and HTTP/JSON, with health and reflection. */
    private final class ApiVerticle extends VerticleBase {

        private final ReturnGrpc grpc;
        private final Authenticator authenticator;
        private final RequestLimit limit;
        private HttpServer server;

        ApiVerticle(ReturnGrpc grpc, Authenticator authenticator, RequestLimit limit) {
            this.grpc = grpc;
            this.authenticator = authenticator;
            this.limit = limit;
        }

        @Override
        public Future<?> start() {
            HealthService health = HealthService.create(vertx);
            health.register(SERVICE_NAME, () -> stopping ? Future.succeededFuture(false)
                : pool.query("SELECT 1").execute().map(rows -> true).otherwise(false));
            return GrpcEndpoint.start(vertx, config.host(), config.port(), authenticator, config.cors(), health, List.of(
                    ReturnServiceGrpcService.of(grpc)), JsonCodecs.NONE, limit)
                .onSuccess(s -> {
                    server = s;
                    grpcPort = s.actualPort();
                });
        }

        /** Stops accepting calls and gives those in flight up to {@link #DRAIN} to finish, instead of cutting them. */
        @Override
        public Future<?> stop() {
            return server == null ? Future.succeededFuture() : server.shutdown(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private Future<Void> startRelay() {
        OutboxRelay fresh = new OutboxRelay(pool, Optional.of(connectOptions), relayOptions);
        return vertx.deployVerticle(fresh).map(id -> {
            relay = fresh;
            relayDeployment = id;
            return null;
        });
    }

    private Future<Void> stopRelay() {
        String id = relayDeployment;
        relay = null;
        relayDeployment = null;
        return id == null ? Future.succeededFuture() : vertx.undeploy(id);
    }

    /** The operator's view of refunds given up on, for the admin port ({@link RefundsAdmin#PATH}). */
    public RefundsAdmin refundsAdmin() {
        return refundsAdmin;
    }

    public int grpcPort() {
        return grpcPort;
    }

    public Pool pool() {
        return pool;
    }

    /**
     * Stops gracefully: gRPC health says NOT_SERVING, the endpoint stops accepting and lets calls in flight finish,
     * then the background work stops and the clients and pool close.
     */
    public Future<Void> stop() {
        stopping = true;
        Future<Void> api = apiDeployment == null ? Future.succeededFuture() : vertx.undeploy(apiDeployment);
        return api
            .transform(ar -> workerDeployment == null ? Future.succeededFuture() : vertx.undeploy(workerDeployment))
            .transform(ar -> repairDeployment == null ? Future.succeededFuture() : vertx.undeploy(repairDeployment))
            .transform(ar -> consumerDeployment == null ? Future.succeededFuture() : vertx.undeploy(consumerDeployment))
            .transform(ar -> stopRelay())
            .transform(ar -> neighbours.close())
            .transform(ar -> {
                if (flagWatch >= 0) {
                    vertx.cancelTimer(flagWatch);
                }
                return orderDb == null ? Future.succeededFuture() : orderDb.close();
            })
            .transform(ar -> pool.close());
    }
}
