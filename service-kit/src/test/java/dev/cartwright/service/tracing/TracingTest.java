package dev.cartwright.service.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.net.OnContext;
import dev.cartwright.service.tracing.RpcSpans.Rpc;
import dev.cartwright.service.runtime.ServiceRuntime;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.VertxInternal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When tracing is on, that its spans really leave over OTLP, and what a gRPC call's span is named. */
class TracingTest {

    @Test
    void offMeansNoTracerAtAll() throws Exception {
        ServiceRuntime runtime = ServiceRuntime.create("tracing-off", Tracing.OFF);
        try {
            assertThat(((VertxInternal) runtime.vertx()).tracer()).isNull();
        } finally {
            runtime.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void withAnEndpointASpanIsSentOverOtlpAndTheLastOnesAreFlushedOnClose() throws Exception {
        Vertx collectorVertx = Vertx.vertx();
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer collector = collectorVertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            received.add(request.method() + " " + request.path() + " " + request.getHeader("content-type") + " "
                + body.toString(StandardCharsets.ISO_8859_1));
            request.response().putHeader("content-type", "application/x-protobuf").end();
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        String endpoint = "http://127.0.0.1:" + collector.actualPort();
        // The SDK reads its settings itself (system properties before the environment); the switch reads the map.
        Map<String, String> settings = Map.of("otel.exporter.otlp.protocol", "http/protobuf", "otel.exporter.otlp.endpoint", endpoint);
        settings.forEach(System::setProperty);
        try {
            Tracing tracing = Tracing.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint), "tracing-test");
            assertThat(tracing.enabled()).isTrue();
            assertThat(tracing.toString()).isEqualTo("otlp endpoint=" + endpoint + " service=tracing-test");
            ServiceRuntime runtime = ServiceRuntime.create("tracing-test", tracing);
            assertThat(((VertxInternal) runtime.vertx()).tracer()).isNotNull();
            HttpServer served = runtime.vertx().createHttpServer().requestHandler(r -> r.response().end("ok"))
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
            HttpClient client = collectorVertx.createHttpClient();
            OnContext.call(collectorVertx, () -> client.request(HttpMethod.GET, served.actualPort(), "127.0.0.1", "/traced")
                .compose(r -> r.send()).compose(r -> r.body())).await(10, TimeUnit.SECONDS);
            runtime.close().await(20, TimeUnit.SECONDS);
            assertThat(received).anySatisfy(r -> assertThat(r).startsWith("POST /v1/traces application/x-protobuf")
                .contains("tracing-test").contains("/traced"));
        } finally {
            settings.keySet().forEach(System::clearProperty);
            collectorVertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void tracingIsOffUnlessAnOtlpEndpointIsSet() {
        assertThat(Tracing.endpoint(Map.of())).isEmpty();
        assertThat(Tracing.endpoint(Map.of("OTEL_SERVICE_NAME", "checkout"))).isEmpty();
        assertThat(Tracing.endpoint(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "  "))).isEmpty();
        assertThat(Tracing.endpoint(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"))).contains("http://collector:4317");
        assertThat(Tracing.endpoint(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/v1/traces",
            "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"))).contains("http://collector:4318/v1/traces");
        assertThat(Tracing.endpoint(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317", "OTEL_SDK_DISABLED", "true")))
            .isEmpty();
        assertThat(Tracing.endpoint(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317", "OTEL_TRACES_EXPORTER", "none")))
            .isEmpty();
        assertThat(Tracing.fromEnvironment(Map.of(), "checkout").enabled()).isFalse();
        assertThat(Tracing.OFF.toString()).isEqualTo("off");
    }

    @Test
    void aGrpcPathNamesItsMethodAndAnHttpJsonRouteDoesNot() {
        assertThat(Rpc.ofPath("/checkout.v1.CheckoutService/ConfirmCheckout"))
            .contains(new Rpc("checkout.v1.CheckoutService", "ConfirmCheckout"));
        assertThat(Rpc.ofPath("/checkout.v1.CheckoutService/ConfirmCheckout").map(Rpc::name))
            .contains("checkout.v1.CheckoutService/ConfirmCheckout");
        assertThat(Rpc.ofUrl("http://127.0.0.1:9101/platform.v1.PaymentService/AuthorizePayment").map(Rpc::name))
            .contains("platform.v1.PaymentService/AuthorizePayment");
        assertThat(Rpc.ofPath("/v1/carts/abc")).isEmpty();
        assertThat(Rpc.ofPath("/v1/carts")).isEmpty();
        assertThat(Rpc.ofPath("/checkout.v1.CheckoutService/")).isEmpty();
        assertThat(Rpc.ofPath("")).isEmpty();
        assertThat(Rpc.ofUrl("not a url")).isEmpty();
        assertThat(Rpc.ofPath("/grpc.health.v1.Health/Check").map(Rpc::isInfrastructure)).contains(true);
        assertThat(Rpc.ofPath("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo").map(Rpc::isInfrastructure)).contains(true);
        assertThat(Rpc.ofPath("/checkout.v1.CartService/AddItem").map(Rpc::isInfrastructure)).isEqualTo(Optional.of(false));
    }
}
