package dev.cartwright.checkout;

import dev.cartwright.net.OnContext;
import dev.cartwright.service.config.ConfigReader;
import dev.cartwright.service.grpc.RpcError;
import dev.cartwright.service.runtime.ServiceRuntime;
import dev.cartwright.service.tracing.Tracing;
import dev.cartwright.sim.PlatformSim;
import dev.cartwright.sim.SimConfig;
import dev.cartwright.sim.SimService;
import dev.cartwright.sim.SimTopics;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One Checkout Service running in-process for integration tests, on real PostgreSQL (a fresh schema), Redis (the
 * test's key prefix and its own change stream) and Kafka (fresh topics), with the neighbour simulators in-process on
 * ephemeral ports. Calls go through the Vert.x gRPC client, as a storefront's would, made on a context of the
 * harness's own ({@link OnContext}): chained on the test thread, a call's answer could lose its end.
 */
final class CheckoutHarness implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(60);

    final Vertx clientVertx;
    final PlatformSim sim;
    final ServiceRuntime runtime;
    final CheckoutApplication service;
    final GrpcClient grpc;
    final SocketAddress address;
    final String cartEventsTopic;
    final String streamKey;
    final PostgresInfo postgres;
    final String schema;
    private final Context context;

    private CheckoutHarness(Vertx clientVertx, PlatformSim sim, ServiceRuntime runtime, CheckoutApplication service,
                            String cartEventsTopic, String streamKey, PostgresInfo postgres, String schema) {
        this.clientVertx = clientVertx;
        this.sim = sim;
        this.runtime = runtime;
        this.service = service;
        this.grpc = GrpcClient.client(clientVertx);
        this.address = SocketAddress.inetSocketAddress(service.grpcPort(), "127.0.0.1");
        this.cartEventsTopic = cartEventsTopic;
        this.streamKey = streamKey;
        this.postgres = postgres;
        this.schema = schema;
        // Made on the test thread, this is a new event-loop context that no one else uses.
        this.context = clientVertx.getOrCreateContext();
    }

    static CheckoutHarness start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka, Map<String, String> extra) {
        return start(postgres, redis, kafka, extra, Tracing.OFF);
    }

    /** A service whose spans go to {@code tracing}. */
    static CheckoutHarness start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka, Map<String, String> extra, Tracing tracing) {
        Vertx clientVertx = Vertx.vertx();
        SimTopics simTopics = new SimTopics(kafka.createTopic("order_events"), kafka.createTopic("pricing_events"),
            kafka.createTopic("warehouse_events"));
        PlatformSim sim = await(PlatformSim.start(clientVertx, SimConfig.defaults().withBasePort(0)
            .withKafkaBootstrap(kafka.bootstrapServers()).withTopics(simTopics)));
        String cartEvents = kafka.createTopic("cart_events");
        String streamKey = redis.key("cart-changes");
        Map<String, String> env = new HashMap<>();
        env.put("CARTWRIGHT_PG_HOST", postgres.host());
        env.put("CARTWRIGHT_PG_PORT", Integer.toString(postgres.port()));
        env.put("CARTWRIGHT_PG_USER", postgres.user());
        env.put("CARTWRIGHT_PG_PASSWORD", postgres.password());
        env.put("CARTWRIGHT_CHECKOUT_DB", postgres.database());
        String schema = postgres.freshSchema("checkout");
        env.put("CARTWRIGHT_CHECKOUT_SCHEMA", schema);
        env.put("CARTWRIGHT_REDIS_URL", redis.url());
        env.put("CARTWRIGHT_REDIS_KEY_PREFIX", redis.keyPrefix());
        // The machine's Redis runs without AOF; tests in production mode (jwt) start on it anyway (StartupChecksIT checks the refusal).
        env.put("CARTWRIGHT_REDIS_CHECK", "warn");
        env.put("CARTWRIGHT_CART_CHANGES_STREAM", streamKey);
        env.put("CARTWRIGHT_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("CARTWRIGHT_CART_EVENTS_TOPIC", cartEvents);
        env.put("CARTWRIGHT_PRICING_EVENTS_TOPIC", simTopics.pricingEvents());
        env.put("CARTWRIGHT_WAREHOUSE_EVENTS_TOPIC", simTopics.warehouseEvents());
        env.put("CARTWRIGHT_CATALOG_EVENTS_TOPIC", kafka.createTopic("catalog_events"));
        env.put("CARTWRIGHT_PROMOTION_EVENTS_TOPIC", kafka.createTopic("promotion_events"));
        env.put("CARTWRIGHT_CHECKOUT_HOST", "127.0.0.1");
        env.put("CARTWRIGHT_CHECKOUT_PORT", Integer.toString(freePort()));
        env.put("CARTWRIGHT_CHECKOUT_ADMIN_PORT", "0");
        env.put("CARTWRIGHT_CHECKOUT_INSTANCES", "2");
        env.put("CARTWRIGHT_CATALOG_ADDR", hostPort(sim, SimService.CATALOG));
        env.put("CARTWRIGHT_PRICING_ADDR", hostPort(sim, SimService.PRICING));
        env.put("CARTWRIGHT_PROMOTION_ADDR", hostPort(sim, SimService.PROMOTION));
        env.put("CARTWRIGHT_WAREHOUSE_ADDR", hostPort(sim, SimService.WAREHOUSE));
        env.put("CARTWRIGHT_PAYMENT_ADDR", hostPort(sim, SimService.PAYMENT));
        env.put("CARTWRIGHT_SHIPPING_ADDR", hostPort(sim, SimService.SHIPPING));
        env.put("CARTWRIGHT_ORDER_ADDR", hostPort(sim, SimService.ORDER));
        env.put("CARTWRIGHT_CUSTOMER_ADDR", hostPort(sim, SimService.CUSTOMER));
        env.putAll(extra);
        CheckoutConfig config = CheckoutConfig.read(ConfigReader.from(env));
        ServiceRuntime runtime = ServiceRuntime.create("checkout-it", tracing);
        CheckoutApplication service = await(CheckoutApplication.start(runtime, config, Clock.systemUTC()));
        return new CheckoutHarness(clientVertx, sim, runtime, service, cartEvents, streamKey, postgres, schema);
    }

    private static String hostPort(PlatformSim sim, SimService service) {
        return "127.0.0.1:" + sim.port(service);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What one call ended with: the status, its message, the reply when OK, and the error's google.rpc details when not. */
    record Reply<T>(GrpcStatus status, String message, T body, RpcError.Received details) {
        boolean ok() {
            return status == GrpcStatus.OK;
        }

        /** The details from the trailers, or from the headers of a trailers-only answer; null when there are none. */
        static RpcError.Received details(MultiMap headers, MultiMap trailers) {
            String value = trailers.get(RpcError.DETAILS_HEADER);
            value = value == null ? headers.get(RpcError.DETAILS_HEADER) : value;
            return value == null ? null : RpcError.Received.fromHeader(value);
        }
    }

    /** One unary call, with an optional bearer token; never fails on a non-OK status, which it reports instead. */
    <Q, R> Future<Reply<R>> call(ServiceMethod<R, Q> method, Q request, String bearerToken) {
        return callWith(method, request, bearerToken == null ? Map.of() : Map.of("authorization", "Bearer " + bearerToken));
    }

    /** One unary call with these request headers (metadata). */
    <Q, R> Future<Reply<R>> callWith(ServiceMethod<R, Q> method, Q request, Map<String, String> metadata) {
        return OnContext.call(context, () -> grpc.request(address, method).compose(req -> {
            MultiMap headers = req.headers();
            metadata.forEach(headers::set);
            return req.send(request);
        }).compose(resp -> resp.last().transform(last -> Future.succeededFuture(
            new Reply<>(resp.status(), resp.statusMessage(), last.succeeded() ? last.result() : null,
                Reply.details(resp.headers(), resp.trailers()))))));
    }

    <Q, R> Reply<R> callNow(ServiceMethod<R, Q> method, Q request) {
        return await(call(method, request, null));
    }

    <Q, R> Reply<R> callNow(ServiceMethod<R, Q> method, Q request, String token) {
        return await(call(method, request, token));
    }

    /** Waits (up to the harness's wait) until each of the service's Kafka bridges (one per stream) holds its lease and relays. */
    void awaitBridgeLeadership() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!service.bridges().stream().allMatch(dev.cartwright.checkout.events.KafkaBridge::isLeader)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the bridge did not take the lease within " + WAIT);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Makes a client call (an HTTP request, say) on the harness's context and waits for its result. */
    <T> T exchange(Supplier<Future<T>> call) {
        return await(OnContext.call(context, call));
    }

    static <T> T await(Future<T> future) {
        try {
            return future.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            await(service.stop());
            await(runtime.vertx().close());
            await(sim.close());
            await(grpc.close());
            await(clientVertx.close());
        } catch (RuntimeException e) {
            // Closing is best effort; a failure here must not hide the tests' own outcome.
        }
    }
}
