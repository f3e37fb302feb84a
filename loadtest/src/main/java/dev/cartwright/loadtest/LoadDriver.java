package dev.cartwright.loadtest;

import dev.cartwright.net.TurnFlush;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.grpc.client.GrpcClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An open-loop load driver for CartService over native gRPC, or with {@code --protocol http-json} over the HTTP/JSON
 * mapping (HTTP/1.1 keep-alive, JSON bodies; the same sessions, so the two cost the service comparably). Requests are issued on a fixed
 * arrival schedule, whether earlier ones have answered or not, and each latency is measured
 * from the moment the request was due, not from when it was sent: a stall in the service shows up
 * as latency instead of as a quietly lower request rate (no coordinated omission).
 *
 * <p>With {@code --closed N} it instead keeps N requests in flight and reports the throughput
 * the stack reaches, the figure to compare with redis-benchmark's at the same concurrency.
 *
 * <p>The report holds, besides the latency percentiles, a {@link Timeline} of the measured phase: the answers and their
 * mean latency per 100 ms, which shows when the slow requests came back (a stall hits every request in flight at once).
 *
 * <p>Each of {@code --shoppers} shoppers works through a session on their own cart: add 1 to
 * 10 products, change a quantity, remove a line, read the cart, clear it and start over.
 *
 * <p>Over gRPC the calls a turn of the driver's event loop writes on one HTTP/2 connection leave in one write to the
 * socket ({@code --flushes turn}, the default; a {@link TurnFlush} on each connection), as a production gRPC client
 * writes them: grpc-java's Netty transport queues a call's frames and flushes once per batch of queued writes, grpc-go's
 * writer flushes once nothing more is waiting. {@code --flushes each} flushes every call's frames on their own, one
 * system call apiece, as the driver did before 2026-12-07 (BENCHMARKS.md compares the two).
 *
 * <p>The gRPC calls go out on {@link H2GrpcClient} ({@code --client h2}, the default): {@code --h2-connections}
 * connections (16 unless told), as many storefront processes with one channel each would hold, each call on the one
 * with the fewest calls open ({@code --h2-pick fewest}, the default; {@code turn} takes them in turn), up to the
 * server's limit of streams per connection, written straight on Netty's HTTP/2 codec on the driver's
 * own event loop. The driver shares the machine with what it measures, and this client costs about half the CPU per
 * call of the Vert.x gRPC client ({@code --client vertx}, pooled over up to {@code --connections} connections), which
 * BENCHMARKS.md measured against it; the HTTP/JSON mapping always goes through the Vert.x HTTP client.
 */
public final class LoadDriver {

    /** The steps of one shopper's session; ADD repeats {@code itemsPerSession} times. */
    enum Step { ADD, UPDATE, REMOVE, GET, CLEAR }

    private final Vertx vertx;
    private final DriverOptions options;
    private final CartCalls carts;
    private final RpcStats stats = new RpcStats();
    private final SplittableRandom random;
    private final Shopper[] shoppers;
    private Timeline timeline = Timeline.startingNow();
    private long inFlight;

    LoadDriver(Vertx vertx, DriverOptions options, CartCalls carts) {
        this.vertx = vertx;
        this.options = options;
        this.carts = carts;
        this.random = new SplittableRandom(options.seed());
        this.shoppers = new Shopper[options.shoppers()];
    }

    /**
     * The HTTP/2 client the gRPC calls go out on: up to {@code --connections} connections of up to {@code --streams}
     * calls each, and with {@code --flushes turn} a {@link TurnFlush} on each connection as it opens.
     */
    static HttpClient grpcHttpClient(Vertx vertx, DriverOptions options) {
        return vertx.httpClientBuilder()
            .with(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
                .setHttp2MultiplexingLimit(options.streamsPerConnection()).setTcpNoDelay(true))
            .with(new PoolOptions().setHttp2MaxSize(options.connections()))
            .withConnectHandler(connection -> {
                if (options.turnFlushes() && connection instanceof ConnectionBase base) {
                    TurnFlush.install(base.channel());
                }
            })
            .build();
    }

    public static void main(String[] args) throws Exception {
        DriverOptions options = DriverOptions.parse(args);
        Vertx vertx = Vertx.vertx();
        // The driver's one context: its state, its timers and (with --client h2) its connections live on this loop.
        ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
        HttpClient http = null;
        GrpcClient grpc = null;
        H2GrpcClient h2 = null;
        CartCalls client;
        if (options.httpJson()) {
            http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(options.connections()));
            client = CartCalls.httpJson(http, options.address());
        } else if (options.h2Client()) {
            h2 = H2GrpcClient.connect(context.nettyEventLoop(), ((VertxInternal) vertx).transport().channelFactory(false),
                options.address().host(), options.address().port(), options.h2Connections(), options.turnFlushes(), options.h2Pick())
                .await();
            client = CartCalls.h2(h2);
        } else {
            http = grpcHttpClient(vertx, options);
            grpc = GrpcClient.client(vertx, http);
            client = CartCalls.grpc(CartServiceGrpcClient.create(grpc, options.address()));
        }
        LoadDriver driver = new LoadDriver(vertx, options, client);
        CompletableFuture<JsonObject> done = new CompletableFuture<>();
        context.runOnContext(v -> driver.run().onComplete(ar -> {
            if (ar.succeeded()) {
                done.complete(ar.result());
            } else {
                done.completeExceptionally(ar.cause());
            }
        }));
        try {
            JsonObject report = done.get(options.warmupSeconds() + options.durationSeconds() + 600, TimeUnit.SECONDS);
            System.out.println(report.encodePrettily());
            if (options.output() != null) {
                Files.writeString(options.output(), report.encodePrettily());
            }
        } finally {
            if (grpc != null) {
                grpc.close();
            }
            if (http != null) {
                http.close();
            }
            if (h2 != null) {
                H2GrpcClient closing = h2;
                Promise<Void> closed = Promise.promise();
                context.runOnContext(v -> closing.close().onComplete(closed));
                try {
                    closed.future().await(10, TimeUnit.SECONDS);
                } catch (TimeoutException stillOpen) {
                    // Closed with the event loops below.
                }
            }
            vertx.close();
        }
    }

    private Future<JsonObject> run() {
        long[] cpuBefore = new long[1];
        return createCarts()
            .compose(v -> phase(options.warmupSeconds(), false))
            .compose(v -> {
                stats.reset();
                timeline = Timeline.startingNow();
                cpuBefore[0] = ServiceCpu.ticks(options.servicePid());
                return phase(options.durationSeconds(), true);
            })
            .map(elapsedNanos -> {
                JsonObject report = report(elapsedNanos);
                if (options.servicePid() > 0) {
                    // The service's CPU over exactly the measured requests: from the end of the warm-up until the
                    // last measured answer came back.
                    long ticks = ServiceCpu.ticks(options.servicePid()) - cpuBefore[0];
                    long answered = report.getJsonObject("all").getLong("count", 0L);
                    double cpuMs = ticks * 1000.0 / options.clockTicks();
                    report.put("service", new JsonObject().put("pid", options.servicePid()).put("cpuMs", Math.round(cpuMs))
                        .put("requests", answered)
                        .put("cpuMsPer1000Requests", answered == 0 ? null : Math.round(cpuMs * 1_000_000.0 / answered) / 1000.0)
                        .put("elapsedSeconds", Math.round(elapsedNanos / 1e7) / 100.0));
                }
                return report;
            });
    }

    /** Creates every shopper's cart, a bounded number at a time. */
    Future<Void> createCarts() {
        Promise<Void> promise = Promise.promise();
        int[] next = {0};
        int[] done = {0};
        int window = Math.min(64, shoppers.length);
        Runnable[] launch = new Runnable[1];
        launch[0] = () -> {
            int i = next[0]++;
            if (i >= shoppers.length) {
                return;
            }
            carts.create("USD")
                .onComplete(ar -> {
                    if (ar.failed()) {
                        promise.tryFail(new IllegalStateException("cannot create carts: " + ar.cause().getMessage(), ar.cause()));
                        return;
                    }
                    int items = 1 + random.nextInt(options.maxItemsPerSession());
                    // The closed loop moves every shopper one step per answer, all from the same start: see Shopper.
                    // The open loop picks a random idle shopper for each request, so its shoppers never keep in step.
                    int leadingReads = options.closedLoop() > 0 ? random.nextInt(Shopper.sessionLength(items)) : 0;
                    shoppers[i] = new Shopper(ar.result(), items, leadingReads);
                    if (++done[0] == shoppers.length) {
                        promise.tryComplete();
                    } else {
                        launch[0].run();
                    }
                });
        };
        for (int i = 0; i < window; i++) {
            launch[0].run();
        }
        return promise.future();
    }

    /** Runs one phase in the chosen mode; completes with the elapsed nanos. */
    private Future<Long> phase(int seconds, boolean measured) {
        if (seconds <= 0) {
            return Future.succeededFuture(0L);
        }
        return options.closedLoop() > 0 ? closedPhase(seconds, measured) : openPhase(seconds, measured);
    }

    /**
     * Keeps exactly {@code --closed N} requests in flight, each answer sending the next, like
     * redis-benchmark's clients: this measures the most the stack can do, not latency at a given rate.
     */
    private Future<Long> closedPhase(int seconds, boolean measured) {
        Promise<Long> promise = Promise.promise();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        for (int i = 0; i < options.closedLoop(); i++) {
            // Each in-flight slot works through its own shopper's session, one request at a time.
            Shopper own = shoppers[i % shoppers.length];
            Runnable[] loop = new Runnable[1];
            loop[0] = () -> {
                if (System.nanoTime() >= end) {
                    if (inFlight == 0) {
                        promise.tryComplete(System.nanoTime() - start);
                    }
                    return;
                }
                fire(own, System.nanoTime(), measured).onComplete(ar -> loop[0].run());
            };
            loop[0].run();
        }
        return promise.future();
    }

    /** Issues requests at the fixed rate for {@code seconds}; completes with the elapsed nanos. */
    private Future<Long> openPhase(int seconds, boolean measured) {
        Promise<Long> promise = Promise.promise();
        long start = System.nanoTime();
        long total = (long) options.rate() * seconds;
        double intervalNanos = 1e9 / options.rate();
        long[] issued = {0};
        long timer = vertx.setPeriodic(1, id -> {
            long now = System.nanoTime();
            while (issued[0] < total) {
                long due = start + (long) (issued[0] * intervalNanos);
                if (due > now) {
                    break;
                }
                issued[0]++;
                fire(idleShopper(), due, measured);
            }
        });
        vertx.setTimer(seconds * 1000L, id -> {
            vertx.cancelTimer(timer);
            drain(promise, start);
        });
        return promise.future();
    }

    private void drain(Promise<Long> promise, long start) {
        if (inFlight == 0) {
            promise.complete(System.nanoTime() - start);
        } else {
            vertx.setTimer(5, id -> drain(promise, start));
        }
    }

    /**
     * A shopper with no request in flight, when a few random picks find one: real shoppers wait for
     * a page before the next click. Under overload every shopper is busy and requests overlap.
     */
    private Shopper idleShopper() {
        Shopper shopper = shoppers[random.nextInt(shoppers.length)];
        for (int tries = 0; shopper.inFlight > 0 && tries < 16; tries++) {
            shopper = shoppers[random.nextInt(shoppers.length)];
        }
        return shopper;
    }

    Future<?> fire(Shopper shopper, long dueNanos, boolean measured) {
        // Taken before the step moves on: a CLEAR still belongs to the session it ends.
        int session = shopper.session;
        RpcStats.Circumstance before = shopper.troubledSession == session ? shopper.trouble : RpcStats.Circumstance.NONE;
        boolean sentOverlapping = shopper.inFlight > 0;
        if (sentOverlapping) {
            shopper.overlaps++;
            shopper.troubled(session, RpcStats.Circumstance.AFTER_AN_OVERLAP);
        }
        long overlapsAtSend = shopper.overlaps;
        Step step = shopper.nextStep();
        String product = options.productIds().get(random.nextInt(options.productIds().size()));
        Future<?> call = switch (step) {
            case ADD -> carts.add(shopper.cartId, product, 1 + random.nextInt(3));
            case UPDATE -> carts.update(shopper.cartId, shopper.lastProduct == null ? product : shopper.lastProduct, 2);
            case REMOVE -> carts.remove(shopper.cartId, shopper.lastProduct == null ? product : shopper.lastProduct);
            case GET -> carts.get(shopper.cartId);
            case CLEAR -> carts.clear(shopper.cartId);
        };
        if (step == Step.ADD) {
            shopper.lastProduct = product;
        }
        inFlight++;
        shopper.inFlight++;
        return call.andThen(ar -> {
            inFlight--;
            shopper.inFlight--;
            // Overlapping when another request of the shopper was in flight at any time during this one: sent before
            // it and still unanswered, or sent after it.
            boolean overlapped = sentOverlapping || shopper.overlaps != overlapsAtSend;
            if (ar.failed()) {
                shopper.troubled(session, RpcStats.Circumstance.AFTER_A_FAILURE);
            }
            if (measured) {
                long now = System.nanoTime();
                stats.record(step.name(), now - dueNanos, ar.failed() ? ar.cause() : null,
                    overlapped ? RpcStats.Circumstance.OVERLAPPING : before);
                timeline.record(now, now - dueNanos);
            }
        });
    }

    /** The shoppers, once {@link #createCarts()} has made their carts. */
    Shopper shopper(int index) {
        return shoppers[index];
    }

    /** The latencies and errors recorded so far, over {@code elapsedNanos}. */
    JsonObject stats(long elapsedNanos) {
        return stats.toJson(elapsedNanos);
    }

    private JsonObject report(long elapsedNanos) {
        return stats.toJson(elapsedNanos)
            .put("timeline", timeline.toJson())
            .put("driver", (options.httpJson() ? "http-json" : "grpc") + (options.closedLoop() > 0 ? "-closed-loop" : "-open-loop"))
            .put("protocol", options.httpJson() ? "http-json" : "grpc")
            .put("closedLoopConcurrency", options.closedLoop())
            .put("target", options.target())
            .put("rate", options.rate())
            .put("durationSeconds", options.durationSeconds())
            .put("warmupSeconds", options.warmupSeconds())
            .put("shoppers", options.shoppers())
            .put("connections", options.h2Client() ? options.h2Connections() : options.connections())
            .put("flushes", options.turnFlushes() && !options.httpJson() ? "turn" : "each")
            .put("client", options.httpJson() ? "vertx-http" : options.h2Client() ? "h2" : "vertx-grpc")
            .put("pick", options.h2Client() ? options.h2Pick().name().toLowerCase(java.util.Locale.ROOT) : "pool");
    }

    /** One shopper's position in their session. Touched only from the driver's event loop. */
    static final class Shopper {
        private static final Step[] TAIL = {Step.UPDATE, Step.GET, Step.REMOVE, Step.GET, Step.CLEAR};
        final String cartId;
        final int itemsPerSession;
        /** Reads of the empty cart still to make before the first session. */
        int leadingReads;
        int position;
        String lastProduct;
        /** Requests of this shopper sent and not yet answered: more than one only when the open loop runs out of idle shoppers. */
        int inFlight;
        /** Counts the sessions (a session ends with CLEAR). */
        int session;
        /** How many of this shopper's requests were sent while another was in flight. */
        long overlaps;
        /** The last session in which a request failed or two overlapped ({@link #trouble} says which came first). */
        int troubledSession = -1;
        RpcStats.Circumstance trouble = RpcStats.Circumstance.NONE;

        /**
         * Marks a session as troubled, keeping the first cause: later requests of it may fail for that reason. The mark
         * only moves forward: a late answer from an earlier session must not hide the trouble of the current one.
         */
        void troubled(int inSession, RpcStats.Circumstance cause) {
            if (inSession > troubledSession) {
                troubledSession = inSession;
                trouble = cause;
            }
        }

        /**
         * A shopper whose sessions each add {@code itemsPerSession} products, after first reading its empty cart
         * {@code leadingReads} times. In the closed loop every shopper starts at the same moment and takes one step per
         * answer, and one whose sessions are n steps long stays in step with every other of that length: begun
         * together, the crowd fills and empties its carts in waves, and the service's cost per request (which grows
         * with the cart) rises and falls with them through the run. From 0 to {@link #sessionLength} − 1 reads first
         * put each shopper at its own point of its cycle; after them every session is the same.
         */
        Shopper(String cartId, int itemsPerSession, int leadingReads) {
            this.cartId = cartId;
            this.itemsPerSession = itemsPerSession;
            this.leadingReads = leadingReads;
        }

        /** The steps of a session that adds {@code items} products: the adds, then update, get, remove, get, clear. */
        static int sessionLength(int items) {
            return items + TAIL.length;
        }

        Step nextStep() {
            if (leadingReads > 0) {
                leadingReads--;
                return Step.GET;
            }
            int p = position++;
            if (p < itemsPerSession) {
                return Step.ADD;
            }
            Step step = TAIL[p - itemsPerSession];
            if (step == Step.CLEAR) {
                position = 0;
                session++;
            }
            return step;
        }
    }

    /** The command line. */
    record DriverOptions(String target, SocketAddress address, int rate, int durationSeconds, int warmupSeconds,
                         int shoppers, int connections, int streamsPerConnection, int maxItemsPerSession,
                         List<String> productIds, long seed, Path output, int closedLoop, boolean httpJson, long servicePid,
                         int clockTicks, boolean turnFlushes, boolean h2Client, int h2Connections, H2GrpcClient.Pick h2Pick) {

        static DriverOptions parse(String[] args) {
            String target = "127.0.0.1:9003";
            int rate = 2000;
            int duration = 30;
            int warmup = 10;
            int shoppers = 1000;
            int connections = 4;
            int streams = 1000;
            int maxItems = 10;
            String products = "1-2000";
            long seed = 42;
            Path output = null;
            int closed = 0;
            String protocol = "grpc";
            long servicePid = 0;
            int clockTicks = 100;
            String flushes = "turn";
            String client = "h2";
            int h2Connections = 16;
            String h2Pick = "fewest";
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : "";
                switch (args[i]) {
                    case "--target" -> target = value;
                    case "--rate" -> rate = Integer.parseInt(value);
                    case "--duration" -> duration = Integer.parseInt(value);
                    case "--warmup" -> warmup = Integer.parseInt(value);
                    case "--shoppers" -> shoppers = Integer.parseInt(value);
                    case "--connections" -> connections = Integer.parseInt(value);
                    case "--streams" -> streams = Integer.parseInt(value);
                    case "--max-items" -> maxItems = Integer.parseInt(value);
                    case "--products" -> products = value;
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--out" -> output = Path.of(value);
                    case "--closed" -> closed = Integer.parseInt(value);
                    case "--protocol" -> protocol = value;
                    case "--service-pid" -> servicePid = Long.parseLong(value);
                    case "--clk-tck" -> clockTicks = Integer.parseInt(value);
                    case "--flushes" -> flushes = value;
                    case "--client" -> client = value;
                    case "--h2-connections" -> h2Connections = Integer.parseInt(value);
                    case "--h2-pick" -> h2Pick = value;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
            if (!protocol.equals("grpc") && !protocol.equals("http-json")) {
                throw new IllegalArgumentException("--protocol is grpc or http-json, was " + protocol);
            }
            if (!flushes.equals("turn") && !flushes.equals("each")) {
                throw new IllegalArgumentException("--flushes is turn or each, was " + flushes);
            }
            if (!client.equals("vertx") && !client.equals("h2")) {
                throw new IllegalArgumentException("--client is vertx or h2, was " + client);
            }
            if (h2Connections < 1) {
                throw new IllegalArgumentException("--h2-connections is at least 1, was " + h2Connections);
            }
            int colon = target.lastIndexOf(':');
            SocketAddress address = SocketAddress.inetSocketAddress(Integer.parseInt(target.substring(colon + 1)),
                target.substring(0, colon));
            return new DriverOptions(target, address, rate, duration, warmup, shoppers, connections, streams, maxItems,
                productRange(products), seed, output, closed, protocol.equals("http-json"), servicePid, clockTicks,
                flushes.equals("turn"), client.equals("h2") && protocol.equals("grpc"), h2Connections, H2GrpcClient.Pick.of(h2Pick));
        }

        /**
         * {@code 1-2000} means ids 1 to 2000 except those the simulator's catalogue keeps
         * unsellable or out of stock ({@link SimulatedCatalogue#sellableAndInStock}).
         */
        static List<String> productRange(String spec) {
            int dash = spec.indexOf('-');
            int from = Integer.parseInt(spec.substring(0, dash));
            int to = Integer.parseInt(spec.substring(dash + 1));
            List<String> ids = new ArrayList<>();
            for (int id = from; id <= to; id++) {
                if (SimulatedCatalogue.sellableAndInStock(id)) {
                    ids.add(Integer.toString(id));
                }
            }
            return ids;
        }
    }
}
