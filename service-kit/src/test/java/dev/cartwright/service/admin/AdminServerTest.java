package dev.cartwright.service.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A service's own operator routes sit next to /live, /ready (/health) and /metrics, each under exactly the path it was
 * given; liveness and readiness answer differently when a dependency is down or the service drains.
 */
class AdminServerTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicBoolean databaseUp = new AtomicBoolean(true);
    private Vertx vertx;
    private AdminServer admin;
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        admin = new AdminServer(vertx, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
            .check("always", () -> Future.succeededFuture())
            .check("database", () -> databaseUp.get() ? Future.succeededFuture() : Future.failedFuture("connection refused"));
        server = admin
            .route("/things", request -> request.response().end("things:" + request.method() + " " + request.path()))
            .listen("127.0.0.1", 0)
            .await(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
            .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRouteServesItsPathAndWhatIsUnderItButNothingElse() throws Exception {
        assertThat(call("GET", "/things").body()).isEqualTo("things:GET /things");
        assertThat(call("POST", "/things/a/b").body()).isEqualTo("things:POST /things/a/b");
        assertThat(call("GET", "/thingsandmore").statusCode()).isEqualTo(404);
        assertThat(call("GET", "/elsewhere").statusCode()).isEqualTo(404);
        assertThat(call("GET", "/health").statusCode()).isEqualTo(200);
        assertThat(call("GET", "/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void aDependencyDownMakesTheServiceUnreadyButStillAlive() throws Exception {
        assertThat(call("GET", "/ready").statusCode()).isEqualTo(200);
        databaseUp.set(false);

        HttpResponse<String> ready = call("GET", "/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("\"database\" : \"DOWN: connection refused\"", "\"always\" : \"UP\"");
        assertThat(call("GET", "/health").statusCode()).isEqualTo(503);
        assertThat(call("GET", "/live").statusCode()).isEqualTo(200);
    }

    @Test
    void aDrainingServiceIsUnreadyWithEveryDependencyUp() throws Exception {
        admin.drain();

        assertThat(call("GET", "/ready").statusCode()).isEqualTo(503);
        assertThat(call("GET", "/ready").body()).contains("DRAINING");
        assertThat(call("GET", "/live").statusCode()).isEqualTo(200);
        assertThat(call("GET", "/metrics").statusCode()).isEqualTo(200);
    }
}
