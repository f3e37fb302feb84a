package dev.cartwright.chaos;

import dev.cartwright.net.OnContext;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends {@link FuzzedRequests} to a running service (the Checkout Service, or the Return Service through
 * {@link ReturnFuzzTarget}) over gRPC (HTTP/2, frames written by hand so that any bytes can be sent) and HTTP/JSON,
 * and judges the answers: never INTERNAL or UNKNOWN, never a 5xx, the process still running at the end, and no cart
 * or return changed by a request the service refused.
 */
public final class InputFuzz {

    /**
     * What one fuzz run found.
     *
     * @param requests     requests sent
     * @param outcomes     answers by gRPC status or HTTP status class
     * @param internal     INTERNAL or UNKNOWN over gRPC, 5xx over HTTP: a defect each
     * @param noAnswer     streams or connections reset without an answer: bytes that are no protobuf message at all
     *                     (truncated, invalid UTF-8, nested groups) are reset by the gRPC server without a status, and
     *                     a multi-megabyte HTTP body may be cut off
     * @param noAnswerWellFormed of those, requests that were a well-formed message (a defect each)
     * @param stateChanges versions (of carts, of returns) moved by more than the accepted requests naming them account for
     * @param crashed      whether the service process died during the run
     * @param failures     reproductions of the first few defects
     */
    public record Result(long requests, Map<String, Long> outcomes, long internal, long noAnswer, long noAnswerWellFormed,
                         long stateChanges, boolean crashed,
                         List<String> failures) {
        public boolean clean() {
            return internal == 0 && noAnswerWellFormed == 0 && stateChanges == 0 && !crashed;
        }

        /** This run and {@code other} together, as one. */
        public Result plus(Result other) {
            Map<String, Long> all = new HashMap<>(outcomes);
            other.outcomes.forEach((k, v) -> all.merge(k, v, Long::sum));
            List<String> both = new ArrayList<>(failures);
            other.failures.stream().limit(Math.max(0, 20 - both.size())).forEach(both::add);
            return new Result(requests + other.requests, all, internal + other.internal, noAnswer + other.noAnswer,
                noAnswerWellFormed + other.noAnswerWellFormed, stateChanges + other.stateChanges, crashed || other.crashed,
                List.copyOf(both));
        }

        public String summary() {
            return String.format("requests %d, INTERNAL/UNKNOWN/5xx %d, no answer %d (to well-formed messages %d), "
                + "state changes from refused requests %d, crashed %s, outcomes %s", requests, internal, noAnswer, noAnswerWellFormed,
                stateChanges, crashed, new java.util.TreeMap<>(outcomes));
        }
    }

    private static final Set<String> DEFECTS = Set.of("INTERNAL", "UNKNOWN", "2", "13");

    /**
     * The service under fuzz: where it listens, whether its process still runs, the real things (carts, returns) the
     * fuzzed requests aim at, and the version of each as the service reads it.
     */
    public interface Target {
        int port();

        boolean alive();

        /** The service's process id, for the diagnostics taken when a request gets no answer; -1 when unknown. */
        default long pid() {
            return -1;
        }

        /** The RPCs that only read, whose acceptance changes nothing. */
        Set<String> reads();

        /** Makes {@code count} things for requests to aim at; returns their ids. */
        List<String> victims(int count, String runId);

        /** Each victim's version now. */
        Map<String, Long> versions(List<String> ids);

        /** How many versions one accepted request of {@code rpc} may move its victim. */
        default int versionsPerChange(String rpc) {
            return 1;
        }
    }

    private final Target target;
    private final List<String> silent = new CopyOnWriteArrayList<>();
    private final List<String> silentInFull = new CopyOnWriteArrayList<>();
    private final AtomicInteger diagnosed = new AtomicInteger();
    /** The last request sent on each connection (by its local address), to say what came before one left unanswered. */
    private final Map<String, String> lastOnConnection = new ConcurrentHashMap<>();
    private volatile java.nio.file.Path diagnostics;
    private final HttpClient h2;
    private final HttpClient h1;
    /**
     * The event loop every request is made and answered on. Calls made straight from the sending threads, outside any
     * Vert.x context, were now and then left with the response's headers and never its end (1 to 3 in 3000 to 5000,
     * over HTTP/1.1 and HTTP/2 alike, to both services), while the service's event loops were idle and no byte was
     * left in either side's socket queues, and the same requests sent again alone were answered at once; made on one
     * context, none was left so in the runs since. The fault was the client's, not the service's: Vert.x drops the end
     * of a response whose body was not asked for yet ({@link OnContext}).
     */
    private final io.vertx.core.Context loop;

    /** Fuzzes the Checkout Service of {@code rig} (CartService and CheckoutService). */
    public InputFuzz(ChaosRig rig) {
        this(rig.vertx, new Carts(rig));
    }

    public InputFuzz(Vertx vertx, Target target) {
        this.target = target;
        this.h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false).setDefaultHost(Loopback.HOST).setDefaultPort(target.port()));
        this.h1 = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(Loopback.HOST).setDefaultPort(target.port()));
        this.loop = vertx.getOrCreateContext();
    }

    /** The first few requests that got no answer, with the client's error. */
    public List<String> unanswered() {
        return List.copyOf(silent);
    }

    /**
     * The first requests that got no answer, each in full to be sent again by hand: when it was sent (UTC), the
     * client's error, the transport, method and path, and the body in base64.
     */
    public List<String> unansweredInFull() {
        return List.copyOf(silentInFull);
    }

    /**
     * Where to write, for the first three requests without an answer, the state of the service's TCP connections
     * ({@code ss}) and its threads ({@code jcmd Thread.print}) at the moment the client gave up.
     */
    public void diagnoseInto(java.nio.file.Path directory) {
        this.diagnostics = directory;
    }

    /** Makes things (carts, returns) for the fuzzed requests to aim at; returns their ids. */
    public List<String> victims(int count, String runId) {
        return target.victims(count, runId);
    }

    /** The Checkout Service: carts with a line each are the victims, their versions the state. */
    private record Carts(ChaosRig rig) implements Target {
        @Override
        public int port() {
            return rig.service.grpcPort();
        }

        @Override
        public boolean alive() {
            return rig.service.alive();
        }

        @Override
        public long pid() {
            return rig.service.pid();
        }

        @Override
        public Set<String> reads() {
            return Set.of("GetCart", "GetCheckout", "PreviewOrder");
        }

        @Override
        public List<String> victims(int count, String runId) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Calls.Reply<Cart> created = rig.calls.call(CartServiceGrpcClient.CreateCart,
                    CreateCartRequest.newBuilder().setCustomerId("fuzz-" + runId + "-" + i).build());
                if (!created.ok()) {
                    throw new IllegalStateException("could not create a cart for the fuzz run: " + created);
                }
                String id = created.body().getCartId();
                Calls.Reply<Cart> added = rig.calls.call(CartServiceGrpcClient.AddItem,
                    AddItemRequest.newBuilder().setCartId(id).setProductId("456").setQuantity(1).build());
                if (!added.ok()) {
                    throw new IllegalStateException("could not fill a cart for the fuzz run: " + added);
                }
                ids.add(id);
            }
            return ids;
        }

        @Override
        public Map<String, Long> versions(List<String> carts) {
            Map<String, Long> out = new HashMap<>();
            for (String cart : carts) {
                Calls.Reply<Cart> read = rig.calls.call(CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId(cart).build());
                if (!read.ok()) {
                    throw new IllegalStateException("could not read cart " + cart + ": " + read.status() + " " + read.message());
                }
                out.put(cart, read.body().getVersion());
            }
            return out;
        }
    }

    /** Sends the requests, {@code parallel} at a time, and judges the answers. */
    public Result run(List<FuzzedRequests.Request> requests, List<String> victims, int parallel) {
        Map<String, Long> before = target.versions(victims);
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        Map<String, AtomicLong> accepted = new ConcurrentHashMap<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicLong internal = new AtomicLong();
        AtomicLong noAnswer = new AtomicLong();
        AtomicLong noAnswerWellFormed = new AtomicLong();
        AtomicInteger next = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < parallel; t++) {
            Thread thread = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < requests.size()) {
                    FuzzedRequests.Request request = requests.get(i);
                    String outcome = send(request);
                    outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
                    if (DEFECTS.contains(outcome) || outcome.startsWith("HTTP 5")) {
                        internal.incrementAndGet();
                        if (failures.size() < 20) {
                            failures.add(outcome + " for " + request.reproduction());
                        }
                    } else if (outcome.equals("no answer")) {
                        noAnswer.incrementAndGet();
                        if (request.wellFormedGrpc()) {
                            noAnswerWellFormed.incrementAndGet();
                            if (failures.size() < 20) {
                                failures.add("no answer to a well-formed message: " + request.reproduction());
                            }
                        }
                    }
                    boolean ok = outcome.equals("OK") || outcome.equals("HTTP 2xx");
                    if (ok && !target.reads().contains(request.rpc().name())) {
                        String text = new String(request.body(), StandardCharsets.ISO_8859_1) + request.path();
                        for (String victim : victims) {
                            if (text.contains(victim)) {
                                accepted.computeIfAbsent(victim, k -> new AtomicLong())
                                    .addAndGet(target.versionsPerChange(request.rpc().name()));
                            }
                        }
                    }
                }
            }, "fuzz-" + t);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        boolean crashed = !target.alive();
        long stateChanges = 0;
        if (!crashed) {
            Map<String, Long> after = target.versions(victims);
            for (String victim : victims) {
                long moved = after.get(victim) - before.get(victim);
                long allowed = accepted.getOrDefault(victim, new AtomicLong()).get();
                if (moved > allowed) {
                    stateChanges += moved - allowed;
                    failures.add(victim + " moved " + moved + " versions; accepted requests naming it allow " + allowed);
                }
            }
        }
        Map<String, Long> counts = new HashMap<>();
        outcomes.forEach((k, v) -> counts.put(k, v.get()));
        return new Result(requests.size(), counts, internal.get(), noAnswer.get(), noAnswerWellFormed.get(), stateChanges, crashed,
            List.copyOf(failures));
    }

    /** How far one request got, for the diagnostics of one without an answer. */
    private static final class Probe {
        volatile String connection = "no connection yet";
        volatile String written = "not written";
        volatile String response = "no response headers";
        volatile String body = "no response end";
        volatile String before = "";

        @Override
        public String toString() {
            return connection + "; " + written + "; " + response + "; " + body + before;
        }
    }

    /** The outcome as a gRPC status name, "HTTP nxx", or "no answer". */
    private String send(FuzzedRequests.Request request) {
        java.time.Instant sent = java.time.Instant.now();
        Probe probe = new Probe();
        try {
            return (request.grpc() ? sendGrpc(request, probe) : sendHttp(request, probe)).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (silent.size() < 10) {
                silent.add(e + " for " + request.reproduction() + " [" + probe + "]");
            }
            diagnose(sent, request, probe);
            if (silentInFull.size() < 50) {
                silentInFull.add(sent + " " + e + " " + (request.grpc() ? "gRPC POST" : "HTTP " + request.httpMethod()) + " "
                    + request.path() + " " + java.util.Base64.getEncoder().encodeToString(request.body()) + " [" + probe + "]");
            }
            return "no answer";
        }
    }

    private void diagnose(java.time.Instant sent, FuzzedRequests.Request request, Probe probe) {
        java.nio.file.Path directory = diagnostics;
        int n;
        if (directory == null || (n = diagnosed.incrementAndGet()) > 3) {
            return;
        }
        String port = Integer.toString(target.port());
        StringBuilder out = new StringBuilder("sent " + sent + ", given up " + java.time.Instant.now() + ": "
            + request.reproduction() + "\nclient side: " + probe + "\n\n");
        out.append(run(List.of("ss", "-tnoiepm", "( sport = :" + port + " or dport = :" + port + " )")));
        long pid = target.pid();
        if (pid > 0) {
            out.append("\n").append(run(List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "Thread.print")));
        }
        try {
            java.nio.file.Files.writeString(directory.resolve("unanswered-" + target.port() + "-" + n + ".txt"), out);
        } catch (java.io.IOException e) {
            silent.add("could not write diagnostics: " + e);
        }
    }

    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(20, TimeUnit.SECONDS);
            return "$ " + String.join(" ", command) + "\n" + text;
        } catch (java.io.IOException e) {
            return "$ " + String.join(" ", command) + ": " + e + "\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted\n";
        }
    }

    /** Writes {@code body} (or nothing), noting in {@code probe} how far the request got; the response's outcome. */
    private Future<String> exchange(HttpClient client, RequestOptions options, Buffer body, Probe probe, String what,
                                    java.util.function.Function<io.vertx.core.http.HttpClientResponse, String> outcome) {
        return OnContext.call(loop, () -> onLoop(client, options, body, probe, what, outcome));
    }

    private Future<String> onLoop(HttpClient client, RequestOptions options, Buffer body, Probe probe, String what,
                                  java.util.function.Function<io.vertx.core.http.HttpClientResponse, String> outcome) {
        return client.request(options).compose(req -> {
            String local = String.valueOf(req.connection().localAddress());
            probe.connection = "connection " + local + " -> " + req.connection().remoteAddress();
            String previous = lastOnConnection.put(local, what);
            probe.before = previous == null ? "; first on its connection" : "; the request before it on its connection: " + previous;
            (body == null ? req.end() : req.end(body)).onComplete(done -> probe.written = done.succeeded()
                ? "written (stream " + req.streamId() + ")" : "write failed: " + done.cause());
            return req.response();
        }).compose(resp -> {
            probe.response = "response " + resp.statusCode();
            return resp.body().map(b -> {
                probe.body = "ended";
                return outcome.apply(resp);
            });
        });
    }

    private static String brief(FuzzedRequests.Request request) {
        String text = request.reproduction();
        return text.substring(0, Math.min(200, text.length()));
    }

    private Future<String> sendGrpc(FuzzedRequests.Request request, Probe probe) {
        Buffer frame = Buffer.buffer(request.body().length + 5).appendByte((byte) 0).appendInt(request.body().length)
            .appendBytes(request.body());
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(request.path())
            .putHeader("content-type", "application/grpc").putHeader("te", "trailers");
        return exchange(h2, options, frame, probe, brief(request), resp -> {
            String status = resp.getHeader("grpc-status");
            if (status == null) {
                MultiMap trailers = resp.trailers();
                status = trailers.get("grpc-status");
            }
            if (status == null) {
                return "HTTP " + resp.statusCode() / 100 + "xx without grpc-status";
            }
            return statusName(Integer.parseInt(status.trim()));
        });
    }

    private Future<String> sendHttp(FuzzedRequests.Request request, Probe probe) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(request.httpMethod())).setURI(request.path())
            .putHeader("content-type", "application/json");
        Buffer body = request.body().length == 0 && request.httpMethod().equals("GET") ? null : Buffer.buffer(request.body());
        return exchange(h1, options, body, probe, brief(request),
            resp -> "HTTP " + resp.statusCode() / 100 + "xx");
    }

    private static String statusName(int code) {
        String[] names = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
            "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
            "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
        return code >= 0 && code < names.length ? names[code] : Integer.toString(code);
    }
}
