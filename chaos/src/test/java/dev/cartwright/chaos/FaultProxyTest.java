package dev.cartwright.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy in front of an echo server: bytes pass, a blackhole holds them until it ends, a reset cuts. */
class FaultProxyTest {

    private Vertx vertx;
    private NetServer echo;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        echo = vertx.createNetServer().connectHandler(socket -> socket.handler(socket::write));
        echo.listen(0, Loopback.HOST).await(10, TimeUnit.SECONDS);
        proxy = FaultProxy.start(vertx, Loopback.HOST, echo.actualPort());
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private static final class Received {
        final StringBuilder text = new StringBuilder();
        volatile boolean closed;
    }

    private Received connect(NetSocket[] holder) throws Exception {
        Received received = new Received();
        // Handlers are set on the socket's event loop as the connection completes: a proxy that closes at once (reset
        // mode) could otherwise close it before a handler set from this thread is in place, and the close would go unseen.
        NetSocket socket = vertx.createNetClient().connect(proxy.port(), Loopback.HOST).map(connected -> {
            connected.handler(chunk -> {
                synchronized (received) {
                    received.text.append(chunk.toString());
                }
            });
            connected.closeHandler(v -> received.closed = true);
            return connected;
        }).await(10, TimeUnit.SECONDS);
        holder[0] = socket;
        return received;
    }

    private static String text(Received received) {
        synchronized (received) {
            return received.text.toString();
        }
    }

    @Test
    void bytesPassInOrderWithAndWithoutLatency() throws Exception {
        NetSocket[] socket = new NetSocket[1];
        Received received = connect(socket);
        socket[0].write("one,");
        assertThat(Loopback.waitFor(() -> text(received).equals("one,"), Duration.ofSeconds(10))).isTrue();
        proxy.mode(new FaultProxy.Latency(50));
        socket[0].write("two,");
        socket[0].write("three,");
        assertThat(Loopback.waitFor(() -> text(received).equals("one,two,three,"), Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aBlackholeHoldsBytesUntilItEndsAndLosesNone() throws Exception {
        NetSocket[] socket = new NetSocket[1];
        Received received = connect(socket);
        socket[0].write("before,");
        assertThat(Loopback.waitFor(() -> text(received).equals("before,"), Duration.ofSeconds(10))).isTrue();
        proxy.mode(new FaultProxy.Blackhole());
        socket[0].write("held,");
        Loopback.pause(Duration.ofMillis(300));
        assertThat(text(received)).isEqualTo("before,");
        assertThat(received.closed).isFalse();
        proxy.mode(new FaultProxy.Pass());
        assertThat(Loopback.waitFor(() -> text(received).equals("before,held,"), Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aResetClosesOpenConnectionsAndRefusesNewOnes() throws Exception {
        NetSocket[] socket = new NetSocket[1];
        Received received = connect(socket);
        socket[0].write("x");
        assertThat(Loopback.waitFor(() -> text(received).equals("x"), Duration.ofSeconds(10))).isTrue();
        proxy.mode(new FaultProxy.Reset());
        assertThat(Loopback.waitFor(() -> received.closed, Duration.ofSeconds(10))).isTrue();
        NetSocket[] second = new NetSocket[1];
        Received refused = connect(second);
        assertThat(Loopback.waitFor(() -> refused.closed, Duration.ofSeconds(10))).isTrue();
    }
}
