package dev.cartwright.loadtest;

import dev.cartwright.cart.store.LaneFlushes;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcService;
import dev.cartwright.proto.checkout.v1.CartServiceService;
import dev.cartwright.proto.checkout.v1.ClearCartRequest;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.proto.checkout.v1.RemoveItemRequest;
import dev.cartwright.proto.checkout.v1.UpdateItemRequest;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor under the cart RPCs on a machine: a gRPC server that does for each call only what Redis must do, so the
 * load driver run against it measures what any Vert.x gRPC front of the cart script costs, beside the Checkout
 * Service in the same run. Each cart change is the ceiling's own call ({@code scripts/ceiling.sh}): one EVALSHA of
 * cart-mutate.lua adding one unit of product 1 to the caller's cart, whatever the RPC; GetCart is one HGETALL; the
 * answer is a Cart naming the cart. No validation, pricing, write-behind, Kafka, metrics or logs. One Redis connection
 * per event loop, pipelined, the commands of a turn of the event loop flushed together, as the service's lanes.
 *
 * <pre>
 * java -cp ... dev.cartwright.loadtest.GrpcFloor [--port 9103] [--redis 127.0.0.1:6379] [--loops N]
 *     [--script cart-engine/src/main/resources/lua/cart-mutate.lua]
 * </pre>
 * Its keys are {@code {cart:floor-*}}, {@code cartwright:floor-changes} (trimmed to about 100 000 entries) and
 * {@code cartwright:floor-idem-count}: use a Redis of its own, or delete them after.
 */
public final class GrpcFloor extends VerticleBase {

    static final String STREAM = "cartwright:floor-changes";
    private static final AtomicLong CARTS = new AtomicLong();

    private final String redisAddress;
    private final String script;
    private final int port;
    private final boolean trims;
    private RedisConnection redis;
    private String sha;

    GrpcFloor(String redisAddress, String script, int port, boolean trims) {
        this.redisAddress = redisAddress;
        this.script = script;
        this.port = port;
        this.trims = trims;
    }

    public static void main(String[] args) throws Exception {
        int port = 9103;
        String redis = "127.0.0.1:6379";
        int loops = Runtime.getRuntime().availableProcessors();
        Path scriptPath = Path.of("cart-engine/src/main/resources/lua/cart-mutate.lua");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--redis" -> redis = args[i + 1];
                case "--loops" -> loops = Integer.parseInt(args[i + 1]);
                case "--script" -> scriptPath = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String script = Files.readString(scriptPath);
        Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
        int listen = port;
        String address = redis;
        boolean[] first = {true};
        vertx.deployVerticle(() -> {
            boolean trims = first[0];
            first[0] = false;
            return new GrpcFloor(address, script, listen, trims);
        }, new DeploymentOptions().setInstances(loops)).await();
        System.out.println("GrpcFloor listening on " + port + " (" + loops + " event loops, native transport "
            + vertx.isNativeTransportEnabled() + "), Redis " + redis);
    }

    @Override
    public Future<?> start() {
        return Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://" + redisAddress).setMaxWaitingHandlers(16_384))
            .connect()
            .compose(connection -> {
                LaneFlushes.consolidate(connection);
                redis = connection;
                return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script));
            })
            .compose(loaded -> {
                sha = loaded.toString();
                if (trims) {
                    vertx.setPeriodic(1000, id -> redis.send(Request.cmd(Command.XTRIM).arg(STREAM).arg("MAXLEN").arg("~").arg(100_000)));
                }
                GrpcServer grpc = GrpcServer.server(vertx);
                grpc.addService(CartServiceGrpcService.of(new Carts()));
                return vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1").setUseAlpn(false)
                        .setHttp2ClearTextEnabled(true).setTcpNoDelay(true).setReusePort(true))
                    .requestHandler(grpc).listen();
            });
    }

    private static String cartKey(String cartId) {
        return "{cart:" + cartId + "}";
    }

    /** The script's call as the ceiling makes it: KEYS, then the kind and its arguments (see scripts/ceiling.sh). */
    private Request mutate(String cartId, String kind, String... kindArgs) {
        Request r = Request.cmd(Command.EVALSHA).arg(sha).arg(4).arg(cartKey(cartId)).arg("{cart:floor-x}:idem").arg(STREAM)
            .arg("cartwright:floor-idem-count").arg(kind).arg("").arg("").arg(System.currentTimeMillis()).arg(3600).arg(3600);
        for (String a : kindArgs) {
            r.arg(a);
        }
        return r.arg("").arg("");
    }

    private Future<Cart> add(String cartId) {
        return redis.send(mutate(cartId, "add", "floor", "", "1", "c1", "Bench product", "1", "1999", "1", "100000000", "200"))
            .map(reply -> Cart.newBuilder().setCartId(cartId).build());
    }

    /** Every RPC of the driver's sessions, each as the ceiling's add (GetCart as one read). */
    private final class Carts extends CartServiceService {

        @Override
        public Future<Cart> createCart(CreateCartRequest request) {
            String id = "floor-" + CARTS.incrementAndGet();
            return redis.send(mutate(id, "create", id, "", "", "USD", "US-CA"))
                .map(reply -> Cart.newBuilder().setCartId(id).build());
        }

        @Override
        public Future<Cart> getCart(GetCartRequest request) {
            return redis.send(Request.cmd(Command.HGETALL).arg(cartKey(request.getCartId())))
                .map(reply -> Cart.newBuilder().setCartId(request.getCartId()).build());
        }

        @Override
        public Future<Cart> addItem(AddItemRequest request) {
            return add(request.getCartId());
        }

        @Override
        public Future<Cart> updateItem(UpdateItemRequest request) {
            return add(request.getCartId());
        }

        @Override
        public Future<Cart> removeItem(RemoveItemRequest request) {
            return add(request.getCartId());
        }

        @Override
        public Future<Cart> clearCart(ClearCartRequest request) {
            return add(request.getCartId());
        }
    }
}
