package dev.cartwright.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwright.net.OnContext;
import dev.cartwright.net.TurnFlush;
import io.netty.channel.Channel;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The driver's gRPC connections flush once per turn of its event loop, as production gRPC clients do, unless told not to. */
class DriverFlushesTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void aCallsConnectionCarriesATurnFlushByDefaultAndNoneWithFlushesEach() {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setHttp2ClearTextEnabled(true))
            .requestHandler(request -> request.response().end("answered"))
            .listen().await();

        assertThat(TurnFlush.installed(channelOfACall(server))).as("the default").isTrue();
        assertThat(TurnFlush.installed(channelOfACall(server, "--flushes", "turn"))).isTrue();
        assertThat(TurnFlush.installed(channelOfACall(server, "--flushes", "each"))).isFalse();
    }

    @Test
    void flushesIsTurnOrEach() {
        assertThat(LoadDriver.DriverOptions.parse(new String[] {}).turnFlushes()).isTrue();
        assertThat(LoadDriver.DriverOptions.parse(new String[] {"--flushes", "each"}).turnFlushes()).isFalse();
        assertThatThrownBy(() -> LoadDriver.DriverOptions.parse(new String[] {"--flushes", "never"}))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("--flushes is turn or each, was never");
    }

    /** The channel under the HTTP/2 connection a call of the driver's client went out on, the call answered. */
    private Channel channelOfACall(HttpServer server, String... flushes) {
        String[] args = new String[flushes.length + 2];
        args[0] = "--target";
        args[1] = "127.0.0.1:" + server.actualPort();
        System.arraycopy(flushes, 0, args, 2, flushes.length);
        HttpClient client = LoadDriver.grpcHttpClient(vertx, LoadDriver.DriverOptions.parse(args));
        HttpClientRequest[] sent = new HttpClientRequest[1];
        String answer = OnContext.call(vertx, () -> client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
            .compose(request -> {
                sent[0] = request;
                return request.send();
            }).compose(response -> response.body().map(body -> response.version() + " " + body))).await();
        assertThat(answer).isEqualTo(HttpVersion.HTTP_2 + " answered");
        return ((ConnectionBase) sent[0].connection()).channel();
    }
}
