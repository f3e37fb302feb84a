package dev.cartwright.chaos;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on loopback between the service and one of its dependencies (Redis, PostgreSQL, a neighbour), whose
 * behaviour the suite changes while load runs: pass bytes through, delay them, reset every connection, or swallow
 * them back (a blackhole: connections stay open and nothing arrives until it ends).
 */
public final class FaultProxy implements AutoCloseable {

    /** How the proxy treats traffic. */
    public sealed interface Mode {
    }

    /** Bytes pass unchanged. */
    public record Pass() implements Mode {
    }

    /** Every chunk waits this long before it is forwarded (in order). */
    public record Latency(long millis) implements Mode {
    }

    /** Open connections are closed at once and new ones are closed as they arrive. */
    public record Reset() implements Mode {
    }

    /**
     * Nothing gets through, as when packets are dropped on the way: connections are accepted and kept, and bytes are
     * held (TCP would keep retransmitting them) until the mode changes, then delivered in order.
     */
    public record Blackhole() implements Mode {
    }

    private final Vertx vertx;
    private final NetServer server;
    private final NetClient client;
    private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = new Pass();
    /** Chunks held by a blackhole, in arrival order; each source is paused while it has one here. */
    private final java.util.List<Held> held = new java.util.ArrayList<>();

    private record Held(NetSocket from, NetSocket to, Buffer chunk) {
    }

    private FaultProxy(Vertx vertx, NetServer server, NetClient client) {
        this.vertx = vertx;
        this.server = server;
        this.client = client;
    }

    /** Listens on a free loopback port and forwards to {@code targetHost:targetPort}. */
    public static FaultProxy start(Vertx vertx, String targetHost, int targetPort) {
        NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5000));
        NetServer server = vertx.createNetServer(new NetServerOptions().setHost(Loopback.HOST).setPort(0));
        FaultProxy proxy = new FaultProxy(vertx, server, client);
        server.connectHandler(inbound -> proxy.accept(inbound, targetHost, targetPort));
        try {
            server.listen().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the fault proxy could not listen: " + e.getMessage(), e);
        }
        return proxy;
    }

    private void accept(NetSocket inbound, String host, int port) {
        if (mode instanceof Reset) {
            inbound.close();
            return;
        }
        inbound.pause();
        open.add(inbound);
        client.connect(port, host).onComplete(connected -> {
            if (connected.failed()) {
                open.remove(inbound);
                inbound.close();
                return;
            }
            NetSocket outbound = connected.result();
            open.add(outbound);
            pipe(inbound, outbound);
            pipe(outbound, inbound);
            inbound.closeHandler(v -> {
                open.remove(inbound);
                outbound.close();
            });
            outbound.closeHandler(v -> {
                open.remove(outbound);
                inbound.close();
            });
            inbound.resume();
        });
    }

    private void pipe(NetSocket from, NetSocket to) {
        from.handler(chunk -> forward(from, to, chunk));
    }

    private void forward(NetSocket from, NetSocket to, Buffer chunk) {
        Mode now = mode;
        if (now instanceof Blackhole) {
            from.pause();
            synchronized (held) {
                held.add(new Held(from, to, chunk));
            }
            return;
        }
        if (now instanceof Reset) {
            from.close();
            to.close();
            return;
        }
        if (now instanceof Latency latency && latency.millis() > 0) {
            // Pausing the source keeps chunks in order while one waits.
            from.pause();
            vertx.setTimer(latency.millis(), t -> {
                to.write(chunk);
                from.resume();
            });
            return;
        }
        to.write(chunk);
        if (to.writeQueueFull()) {
            from.pause();
            to.drainHandler(v -> from.resume());
        }
    }

    /** Changes the behaviour; a reset also closes every open connection now; leaving a blackhole delivers what it held. */
    public void mode(Mode mode) {
        this.mode = mode;
        if (mode instanceof Reset) {
            for (NetSocket socket : open) {
                socket.close();
            }
        }
        if (!(mode instanceof Blackhole)) {
            java.util.List<Held> release;
            synchronized (held) {
                release = java.util.List.copyOf(held);
                held.clear();
            }
            vertx.runOnContext(v -> {
                for (Held h : release) {
                    h.to().write(h.chunk());
                }
                for (Held h : release) {
                    h.from().resume();
                }
            });
        }
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        try {
            server.close().await(5, TimeUnit.SECONDS);
            client.close().await(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Best effort.
        }
    }
}
