package dev.cartwright.checkout;

import static dev.cartwright.checkout.CheckoutFlows.address;
import static dev.cartwright.checkout.CheckoutFlows.has;
import static dev.cartwright.checkout.CheckoutFlows.ok;
import static dev.cartwright.checkout.CheckoutFlows.uniqueCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.checkout.CheckoutFlows.Event;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CheckoutServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.ConfirmCheckoutRequest;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.service.tracing.Tracing;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tracing through one ConfirmCheckout, with the service's spans kept in memory (the SDK's InMemorySpanExporter): the
 * call arrives with a storefront's W3C traceparent, and the one trace holds the service's span for the call and, as
 * its descendants, a span for each neighbour call of every saga step (warehouse, payment, order); the events the
 * confirmation publishes (checkout.completed through the outbox, cart.converted through the Kafka bridge) carry the
 * same trace in their distributed-tracing extension.
 */
@ExtendWith(RealServices.class)
class CheckoutTracingIT {

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static OpenTelemetrySdk openTelemetry;
    private static CheckoutHarness harness;
    private static CheckoutFlows flows;
    private static String checkoutTopic;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        openTelemetry = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
        checkoutTopic = kafka.createTopic("checkout_events");
        harness = CheckoutHarness.start(postgres, redis, kafka, Map.of("CARTWRIGHT_CHECKOUT_EVENTS_TOPIC", checkoutTopic),
            Tracing.to(openTelemetry));
        flows = new CheckoutFlows(harness, kafka);
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
        if (openTelemetry != null) {
            openTelemetry.close();
        }
    }

    @Test
    void oneConfirmCheckoutTraceSpansEverySagaStep() {
        Cart cart = flows.cartWith(uniqueCustomer("traced"), Map.of("456", 2, "123", 1));
        String checkoutId = flows.started(cart.getCartId()).getCheckoutId();
        flows.withAddress(checkoutId, address("US"));

        String traceId = UUID.randomUUID().toString().replace("-", "");
        String storefrontSpan = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        Order order = ok(CheckoutHarness.await(harness.callWith(CheckoutServiceGrpcClient.ConfirmCheckout,
            ConfirmCheckoutRequest.newBuilder().setCheckoutId(checkoutId).setPaymentMethodId("pm-visa").build(),
            Map.of("traceparent", "00-" + traceId + "-" + storefrontSpan + "-01"))));
        assertThat(order.getCheckoutId()).isEqualTo(checkoutId);

        SpanData call = awaitSpan(traceId, "checkout.v1.CheckoutService/ConfirmCheckout");
        assertThat(call.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(call.getParentSpanId()).as("the storefront's span is the parent").isEqualTo(storefrontSpan);
        assertThat(call.getAttributes().asMap().toString()).contains("rpc.method=ConfirmCheckout");

        // Every neighbour call of the saga, in step order, inside this call's span.
        List<String> sagaCalls = List.of("platform.v1.WarehouseService/ExtendReservation", "platform.v1.PaymentService/AuthorizePayment",
            "platform.v1.OrderService/CreateOrder", "platform.v1.WarehouseService/CommitReservation",
            "platform.v1.PaymentService/CapturePayment");
        for (String name : sagaCalls) {
            awaitSpan(traceId, name);
        }
        List<SpanData> trace = spansOf(traceId);
        Map<String, SpanData> byId = trace.stream().collect(Collectors.toMap(SpanData::getSpanId, s -> s, (a, b) -> a, LinkedHashMap::new));
        List<SpanData> neighbourCalls = trace.stream().filter(s -> s.getKind() == SpanKind.CLIENT && s.getName().startsWith("platform.v1."))
            .sorted((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos())).toList();
        assertThat(neighbourCalls).extracting(SpanData::getName).containsSubsequence(sagaCalls);
        assertThat(neighbourCalls).allSatisfy(s -> {
            assertThat(descendsFrom(s, call.getSpanId(), byId)).as("%s descends from the ConfirmCheckout span", s.getName()).isTrue();
            assertThat(s.getAttributes().asMap().toString()).contains("rpc.system=grpc");
        });

        // The events of the confirmation continue the same trace.
        List<Event> checkoutEvents = flows.readUntil(checkoutTopic, has("checkout.completed", checkoutId));
        Event completed = checkoutEvents.stream().filter(e -> "checkout.completed".equals(e.type()) && checkoutId.equals(e.key()))
            .findFirst().orElseThrow();
        assertThat(traceIdOf(completed.traceparent())).contains(traceId);
        List<Event> cartEvents = flows.readUntil(harness.cartEventsTopic, has("cart.converted", cart.getCartId()));
        Event converted = cartEvents.stream().filter(e -> "cart.converted".equals(e.type()) && cart.getCartId().equals(e.key()))
            .findFirst().orElseThrow();
        assertThat(traceIdOf(converted.traceparent())).contains(traceId);
        assertThat(byId).containsKey(spanIdOf(converted.traceparent()));
    }

    @Test
    void aCallWithoutATraceparentStartsItsOwnTraceAndHealthChecksStartNone() {
        Cart cart = flows.cartWith(uniqueCustomer("untraced"), Map.of("456", 1));
        Optional<SpanData> created = SPANS.getFinishedSpanItems().stream()
            .filter(s -> s.getName().equals("checkout.v1.CartService/CreateCart") && s.getKind() == SpanKind.SERVER)
            .filter(s -> !s.getParentSpanContext().isValid()).findAny();
        assertThat(created).as("CreateCart as the root of its own trace").isPresent();
        assertThat(cart.getCartId()).isNotEmpty();
        assertThat(SPANS.getFinishedSpanItems()).noneMatch(s -> s.getName().startsWith("grpc.health."));
    }

    private static boolean descendsFrom(SpanData span, String ancestor, Map<String, SpanData> byId) {
        SpanData at = span;
        for (int depth = 0; at != null && depth < 50; depth++) {
            if (at.getParentSpanId().equals(ancestor)) {
                return true;
            }
            at = byId.get(at.getParentSpanId());
        }
        return false;
    }

    private static List<SpanData> spansOf(String traceId) {
        return SPANS.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    /** The span, once ended (a server span ends as its answer is written, which may be just after the client read it). */
    private static SpanData awaitSpan(String traceId, String name) {
        long deadline = System.nanoTime() + CheckoutHarness.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<SpanData> span = spansOf(traceId).stream().filter(s -> s.getName().equals(name)).findFirst();
            if (span.isPresent()) {
                return span.get();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no span " + name + " in trace " + traceId + "; the trace holds "
            + spansOf(traceId).stream().map(SpanData::getName).toList());
    }

    private static Optional<String> traceIdOf(String traceparent) {
        return traceparent == null ? Optional.empty() : Optional.of(traceparent.split("-")[1]);
    }

    private static String spanIdOf(String traceparent) {
        return traceparent == null ? "" : traceparent.split("-")[2];
    }
}
