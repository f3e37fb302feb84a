package dev.cartwright.service.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cartwright.net.OnContext;
import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.tracing.Tracing;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServiceRuntimeTest {

    @Test
    void theNativeTransportIsOnUnlessTurnedOff() {
        assertThat(ServiceRuntime.nativeTransport(Map.of())).isTrue();
        assertThat(ServiceRuntime.nativeTransport(Map.of(ServiceRuntime.NATIVE_TRANSPORT, "on"))).isTrue();
        assertThat(ServiceRuntime.nativeTransport(Map.of(ServiceRuntime.NATIVE_TRANSPORT, "OFF"))).isFalse();
    }

    @Test
    void anotherValueIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> ServiceRuntime.nativeTransport(Map.of(ServiceRuntime.NATIVE_TRANSPORT, "epoll")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining(ServiceRuntime.NATIVE_TRANSPORT)
            .hasMessageContaining("'epoll'");
    }

    @Test
    void onLinuxTheServiceRunsOnTheNativeTransportAndWithoutItWhenTurnedOff() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
            && Set.of("amd64", "x86_64", "aarch64").contains(arch), "the epoll jars shipped are for Linux on x86_64 and aarch64");

        ServiceRuntime withNative = ServiceRuntime.create("transport-on", Tracing.OFF, true);
        try {
            assertThat(withNative.vertx().isNativeTransportEnabled())
                .as("native transport (cause when not: %s)", withNative.vertx().unavailableNativeTransportCause())
                .isTrue();
        } finally {
            withNative.vertx().close().await();
        }
        ServiceRuntime withNio = ServiceRuntime.create("transport-off", Tracing.OFF, false);
        try {
            assertThat(withNio.vertx().isNativeTransportEnabled()).isFalse();
        } finally {
            withNio.vertx().close().await();
        }
    }

    @Test
    void vertxsOwnHttpServerMetersAreOffUnlessTurnedOn() {
        assertThat(ServiceRuntime.vertxHttpServerMetrics(Map.of())).isFalse();
        assertThat(ServiceRuntime.vertxHttpServerMetrics(Map.of(ServiceRuntime.VERTX_HTTP_SERVER_METRICS, "on"))).isTrue();
        assertThatThrownBy(() -> ServiceRuntime.vertxHttpServerMetrics(Map.of(ServiceRuntime.VERTX_HTTP_SERVER_METRICS, "yes please")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining(ServiceRuntime.VERTX_HTTP_SERVER_METRICS);

        assertThat(scrapeAfterOneRequest(false)).doesNotContain("vertx_http_server_").contains("vertx_http_client_");
        assertThat(scrapeAfterOneRequest(true)).contains("vertx_http_server_requests_total").contains("vertx_http_client_");
    }

    /** The registry's scrape after one HTTP request, client and server on one runtime. */
    private static String scrapeAfterOneRequest(boolean httpServerMetrics) {
        ServiceRuntime runtime = ServiceRuntime.create("http-meters", Tracing.OFF, false, httpServerMetrics);
        try {
            Vertx vertx = runtime.vertx();
            HttpServer server = vertx.createHttpServer().requestHandler(request -> request.response().end("ok")).listen(0).await();
            HttpClient client = vertx.createHttpClient();
            String body = OnContext.call(vertx, () -> client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
                .compose(request -> request.send().compose(response -> response.body()))).await().toString();
            assertThat(body).isEqualTo("ok");
            client.close().await();
            return runtime.registry().scrape();
        } finally {
            runtime.vertx().close().await();
        }
    }
}
