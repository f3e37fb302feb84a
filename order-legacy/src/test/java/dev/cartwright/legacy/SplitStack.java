package dev.cartwright.legacy;

import dev.cartwright.checkout.CheckoutApplication;
import dev.cartwright.checkout.CheckoutConfig;
import dev.cartwright.net.OnContext;
import dev.cartwright.returns.ReturnApplication;
import dev.cartwright.returns.ReturnConfig;
import dev.cartwright.service.config.ConfigReader;
import dev.cartwright.service.runtime.ServiceRuntime;
import dev.cartwright.sim.PlatformSim;
import dev.cartwright.sim.SimConfig;
import dev.cartwright.sim.SimService;
import dev.cartwright.sim.SimTopics;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.Migrations;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RedisInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Both sides of the split running in-process behind the real gateway: the platform simulators (the Order service's
 * order book among them), the Checkout Service and the Return Service on real PostgreSQL, Redis and Kafka, the Order
 * service's own cart/checkout/return endpoints on order_db's legacy schema, and HAProxy in front. Calls go through
 * the gateway as a storefront's would, with the customer in {@code x-customer-id}, made on a context of the stack's
 * own ({@link OnContext}): chained on the test thread, a call's answer could lose its end.
 *
 * <p>Data follows the customer as {@code ./cartwright start} sets it up: both new services are linked to the Order
 * service's order_db ({@code CARTWRIGHT_LEGACY_DB}, {@code CARTWRIGHT_LEGACY_SCHEMA}) with {@code migration.dual_write}
 * on in a flags file they watch ({@link #flags}), so every write is mirrored there and what the Order service wrote is
 * imported on first touch.
 */
final class SplitStack implements AutoCloseable {

    final Vertx vertx;
    final PlatformSim sim;
    final ServiceRuntime checkoutRuntime;
    final CheckoutApplication checkout;
    final ReturnApplication returns;
    final LegacyOrderService legacy;
    final GatewayProcess gateway;
    final GrpcClient grpc;
    private final Context context;
    final SocketAddress gatewayAddress;
    /** The migration flags file both services watch (properties: {@code migration.dual_write=on}). */
    final Path flags;
    /** order_db's legacy schema (the Order service's tables) and checkout_db's schema, in the shared test database. */
    final String legacySchema;
    final String checkoutSchema;
    /** The environment of the order_db migration tool on this stack's databases and flags file. */
    final Map<String, String> migrationEnv;

    private SplitStack(Vertx vertx, PlatformSim sim, ServiceRuntime checkoutRuntime, CheckoutApplication checkout,
                       ReturnApplication returns, LegacyOrderService legacy, GatewayProcess gateway, Path flags, String legacySchema,
                       String checkoutSchema, Map<String, String> migrationEnv) {
        this.vertx = vertx;
        this.sim = sim;
        this.checkoutRuntime = checkoutRuntime;
        this.checkout = checkout;
        this.returns = returns;
        this.legacy = legacy;
        this.gateway = gateway;
        this.flags = flags;
        this.legacySchema = legacySchema;
        this.checkoutSchema = checkoutSchema;
        this.migrationEnv = Map.copyOf(migrationEnv);
        this.grpc = GrpcClient.client(vertx, new io.vertx.grpc.client.GrpcClientOptions(),
            new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        this.gatewayAddress = SocketAddress.inetSocketAddress(gateway.port(), "127.0.0.1");
        // Made on the test thread, this is a new event-loop context that no one else uses.
        this.context = vertx.getOrCreateContext();
    }

    static SplitStack start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        return start(postgres, redis, kafka, Map.of());
    }

    /** As above, with {@code extra} settings given to all three services (e.g. CARTWRIGHT_CORS_ORIGINS). */
    static SplitStack start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka, Map<String, String> extra) {
        Vertx vertx = Vertx.vertx();
        SimTopics topics = new SimTopics(kafka.createTopic("order_events"), kafka.createTopic("pricing_events"),
            kafka.createTopic("warehouse_events"));
        PlatformSim sim = await(PlatformSim.start(vertx, SimConfig.defaults().withBasePort(0).withProductCount(500)
            .withKafkaBootstrap(kafka.bootstrapServers()).withTopics(topics).withAutoDeliver(true)));

        Map<String, String> pg = new HashMap<>();
        pg.put("CARTWRIGHT_PG_HOST", postgres.host());
        pg.put("CARTWRIGHT_PG_PORT", Integer.toString(postgres.port()));
        pg.put("CARTWRIGHT_PG_USER", postgres.user());
        pg.put("CARTWRIGHT_PG_PASSWORD", postgres.password());
        pg.put("CARTWRIGHT_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        pg.putAll(extra);

        // The Order service first: it creates order_db's legacy tables, which the new services mirror into.
        String legacySchema = postgres.freshSchema("order_legacy");
        Map<String, String> l = new HashMap<>(pg);
        l.put("CARTWRIGHT_LEGACY_DB", postgres.database());
        l.put("CARTWRIGHT_LEGACY_SCHEMA", legacySchema);
        l.put("CARTWRIGHT_LEGACY_PORT", "0");
        l.put("CARTWRIGHT_ORDER_ADDR", hostPort(sim, SimService.ORDER));
        l.put("CARTWRIGHT_PRICING_ADDR", hostPort(sim, SimService.PRICING));
        LegacyOrderService legacy = await(LegacyOrderService.start(vertx, l));

        Path flags = flagsFile();
        pg.put("CARTWRIGHT_LEGACY_DB", postgres.database());
        pg.put("CARTWRIGHT_LEGACY_SCHEMA", legacySchema);
        pg.put("CARTWRIGHT_FLAGS_FILE", flags.toString());
        pg.put("CARTWRIGHT_LEGACY_MIRROR_REPAIR_EVERY", "1s");

        Map<String, String> c = new HashMap<>(pg);
        c.put("CARTWRIGHT_CHECKOUT_DB", postgres.database());
        String checkoutSchema = postgres.freshSchema("checkout");
        c.put("CARTWRIGHT_CHECKOUT_SCHEMA", checkoutSchema);
        c.put("CARTWRIGHT_REDIS_URL", redis.url());
        c.put("CARTWRIGHT_REDIS_KEY_PREFIX", redis.keyPrefix());
        c.put("CARTWRIGHT_REDIS_CHECK", "warn");
        c.put("CARTWRIGHT_CART_CHANGES_STREAM", redis.key("cart-changes"));
        c.put("CARTWRIGHT_CART_EVENTS_TOPIC", kafka.createTopic("cart_events"));
        c.put("CARTWRIGHT_CHECKOUT_EVENTS_TOPIC", kafka.createTopic("checkout_events"));
        c.put("CARTWRIGHT_PRICING_EVENTS_TOPIC", topics.pricingEvents());
        c.put("CARTWRIGHT_WAREHOUSE_EVENTS_TOPIC", topics.warehouseEvents());
        c.put("CARTWRIGHT_CATALOG_EVENTS_TOPIC", kafka.createTopic("catalog_events"));
        c.put("CARTWRIGHT_PROMOTION_EVENTS_TOPIC", kafka.createTopic("promotion_events"));
        c.put("CARTWRIGHT_CHECKOUT_HOST", "127.0.0.1");
        c.put("CARTWRIGHT_CHECKOUT_PORT", Integer.toString(GatewayProcess.freePort()));
        c.put("CARTWRIGHT_CHECKOUT_ADMIN_PORT", "0");
        c.put("CARTWRIGHT_CHECKOUT_INSTANCES", "1");
        c.put("CARTWRIGHT_CATALOG_ADDR", hostPort(sim, SimService.CATALOG));
        c.put("CARTWRIGHT_PRICING_ADDR", hostPort(sim, SimService.PRICING));
        c.put("CARTWRIGHT_PROMOTION_ADDR", hostPort(sim, SimService.PROMOTION));
        c.put("CARTWRIGHT_WAREHOUSE_ADDR", hostPort(sim, SimService.WAREHOUSE));
        c.put("CARTWRIGHT_PAYMENT_ADDR", hostPort(sim, SimService.PAYMENT));
        c.put("CARTWRIGHT_SHIPPING_ADDR", hostPort(sim, SimService.SHIPPING));
        c.put("CARTWRIGHT_ORDER_ADDR", hostPort(sim, SimService.ORDER));
        c.put("CARTWRIGHT_CUSTOMER_ADDR", hostPort(sim, SimService.CUSTOMER));
        ServiceRuntime checkoutRuntime = ServiceRuntime.create("checkout-gateway-it");
        CheckoutApplication checkout = await(CheckoutApplication.start(checkoutRuntime, CheckoutConfig.read(ConfigReader.from(c)),
            Clock.systemUTC()));

        Map<String, String> r = new HashMap<>(pg);
        String returnSchema = postgres.freshSchema("returns");
        Migrations.apply(postgres, returnSchema, "classpath:db/return_db");
        r.put("CARTWRIGHT_RETURN_DB", postgres.database());
        r.put("CARTWRIGHT_RETURN_DB_SCHEMA", returnSchema);
        r.put("CARTWRIGHT_RETURN_PORT", "0");
        r.put("CARTWRIGHT_RETURN_EVENTS_TOPIC", kafka.createTopic("return_events"));
        r.put("CARTWRIGHT_ORDER_EVENTS_TOPIC", topics.orderEvents());
        r.put("CARTWRIGHT_RETURN_CONSUMER_GROUP", kafka.freshGroupId("returns"));
        r.put("CARTWRIGHT_ORDER_ADDR", hostPort(sim, SimService.ORDER));
        r.put("CARTWRIGHT_PAYMENT_ADDR", hostPort(sim, SimService.PAYMENT));
        r.put("CARTWRIGHT_SHIPPING_ADDR", hostPort(sim, SimService.SHIPPING));
        r.put("CARTWRIGHT_WAREHOUSE_ADDR", hostPort(sim, SimService.WAREHOUSE));
        r.put("CARTWRIGHT_RETURN_WORKER_INTERVAL", "100ms");
        r.put("CARTWRIGHT_RETURN_RELAY_POLL", "50ms");
        ReturnApplication returns = await(ReturnApplication.start(vertx, ReturnConfig.read(ConfigReader.from(r)), new SimpleMeterRegistry(),
            Clock.systemUTC(), UUID::randomUUID));

        GatewayProcess gateway = GatewayProcess.start("127.0.0.1:" + checkout.grpcPort(), "127.0.0.1:" + returns.grpcPort(),
            "127.0.0.1:" + legacy.port());
        Map<String, String> migration = new HashMap<>(pg);
        migration.put("CARTWRIGHT_CHECKOUT_DB", postgres.database());
        migration.put("CARTWRIGHT_CHECKOUT_SCHEMA", checkoutSchema);
        migration.put("CARTWRIGHT_RETURN_DB", postgres.database());
        migration.put("CARTWRIGHT_RETURN_DB_SCHEMA", returnSchema);
        return new SplitStack(vertx, sim, checkoutRuntime, checkout, returns, legacy, gateway, flags, legacySchema, checkoutSchema,
            migration);
    }

    /** What one run of {@code ./cartwright} printed and how it exited. */
    record Launched(int exitCode, String output) {
    }

    /**
     * Runs the operator's launcher, {@code ./cartwright <args>}, against this stack: its gateway (as the launcher's own
     * run directory) and its flags file. Blocking; for the steps an operator types, not for load.
     */
    Launched launcher(String... args) {
        List<String> command = new ArrayList<>();
        command.add(GatewayProcess.repositoryRoot().resolve("cartwright").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("CARTWRIGHT_RUN_DIR", gateway.runDir().toString());
        builder.environment().put("CARTWRIGHT_FLAGS_FILE", flags.toString());
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("./cartwright " + String.join(" ", args) + " did not finish within 60 s");
            }
            return new Launched(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The order_db migration tool ({@code order-migration <args>}) on this stack's databases; what it printed and its exit code. */
    Launched migration(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream print = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        Map<String, String> env = new HashMap<>(migrationEnv);
        env.put("CARTWRIGHT_FLAGS_FILE", flags.toString());
        int code = dev.cartwright.order.migration.MigrationMain.run(args, env, print, print, Clock.systemUTC());
        return new Launched(code, out.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static Path flagsFile() {
        try {
            Path file = Files.createTempFile("cartwright-flags", ".properties");
            Files.writeString(file, "migration.dual_write=on\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What one call through the gateway ended with, and which side answered it. */
    record Reply<T>(GrpcStatus status, String message, T body, String side) {
        boolean ok() {
            return status == GrpcStatus.OK;
        }
    }

    /** One unary gRPC call through the gateway as {@code customer}; never fails on a non-OK status, which it reports. */
    <Q, R> Future<Reply<R>> call(String customer, ServiceMethod<R, Q> method, Q request) {
        return call(gatewayAddress, customer, method, request);
    }

    <Q, R> Future<Reply<R>> call(SocketAddress address, String customer, ServiceMethod<R, Q> method, Q request) {
        return OnContext.call(context, () -> grpc.request(address, method).compose(req -> {
            if (customer != null) {
                req.headers().set("x-customer-id", customer);
            }
            return req.send(request);
        }).compose(resp -> resp.last().transform(last -> Future.succeededFuture(new Reply<>(resp.status(), resp.statusMessage(),
            last.succeeded() ? last.result() : null, resp.headers().get("x-cartwright-side"))))));
    }

    <Q, R> Reply<R> callNow(String customer, ServiceMethod<R, Q> method, Q request) {
        return await(call(customer, method, request));
    }

    /** Makes a client call (an HTTP request, say) on the stack's context and waits for its result. */
    <T> T exchange(Supplier<Future<T>> call) {
        return await(OnContext.call(context, call));
    }

    static <T> T await(Future<T> future) {
        try {
            return future.await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hostPort(PlatformSim sim, SimService service) {
        return "127.0.0.1:" + sim.port(service);
    }

    @Override
    public void close() {
        gateway.close();
        try {
            await(grpc.close());
            await(legacy.close());
            await(returns.stop());
            await(checkout.stop());
            await(checkoutRuntime.vertx().close());
            await(sim.close());
            await(vertx.close());
        } catch (RuntimeException e) {
            // Closing is best effort; a failure here must not hide the tests' own outcome.
        }
    }
}
