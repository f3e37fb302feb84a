package dev.cartwright.returns.it;

import dev.cartwright.net.OnContext;
import dev.cartwright.testkit.TestClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.cartwright.proto.events.v1.OrderDelivered;
import dev.cartwright.proto.events.v1.OrderEventItem;
import dev.cartwright.proto.events.v1.OrderShipped;
import dev.cartwright.proto.events.v1.RefundCompleted;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.returns.v1.ApproveReturnRequest;
import dev.cartwright.proto.returns.v1.CancelReturnRequest;
import dev.cartwright.proto.returns.v1.CreateReturnRequest;
import dev.cartwright.proto.returns.v1.GetReturnRequestRequest;
import dev.cartwright.proto.returns.v1.ListReturnRequestsRequest;
import dev.cartwright.proto.returns.v1.ListReturnRequestsResponse;
import dev.cartwright.proto.returns.v1.ProcessRefundRequest;
import dev.cartwright.proto.returns.v1.ReceiveItemsRequest;
import dev.cartwright.proto.returns.v1.ReceivedItem;
import dev.cartwright.proto.returns.v1.RefundStatus;
import dev.cartwright.proto.returns.v1.RejectReturnRequest;
import dev.cartwright.proto.returns.v1.ReturnItemRequest;
import dev.cartwright.proto.returns.v1.ReturnRequest;
import dev.cartwright.proto.returns.v1.ReturnServiceGrpcClient;
import dev.cartwright.proto.returns.v1.ReturnStatus;
import dev.cartwright.returns.ReturnApplication;
import dev.cartwright.returns.ReturnConfig;
import dev.cartwright.returns.events.ReturnEvents;
import dev.cartwright.service.config.ConfigReader;
import dev.cartwright.service.grpc.RpcError;
import dev.cartwright.service.runtime.ServiceRuntime;
import dev.cartwright.service.tracing.Tracing;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import dev.cartwright.sim.OrderSimulator;
import dev.cartwright.sim.PlatformSim;
import dev.cartwright.sim.SimConfig;
import dev.cartwright.sim.SimService;
import dev.cartwright.sim.SimTopics;
import dev.cartwright.testkit.DashboardMetrics;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.Migrations;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.CloudEventSerializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Return Service end to end, in-process on real PostgreSQL and Kafka, with the neighbour simulators: orders
 * arrive as order.delivered events from the order simulator, calls go through the generated gRPC client, refunds go
 * to the payment simulator, and every event is read back from Kafka.
 */
@ExtendWith(RealServices.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReturnServiceIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String JWT_KEY = "return-service-test-secret-of-32-bytes-or-more";
    private static final String JWT_ISSUER = "https://id.cartwright.test";
    private static final String JWT_AUDIENCE = "cartwright-api";
    private static final AtomicInteger CUSTOMERS = new AtomicInteger();

    private Vertx vertx;
    private PostgresInfo pg;
    private String schema;
    private PlatformSim sim;
    private ReturnApplication app;
    private GrpcClient grpc;
    private SocketAddress address;
    private ReturnServiceGrpcClient client;
    private ReturnEventsTap tap;
    /** Every span the service (and the simulators sharing its Vert.x) made, kept in memory. */
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private OpenTelemetrySdk openTelemetry;
    private ReturnEventsTap orderEvents;
    private KafkaProducer<String, CloudEvent> producer;
    private String orderTopic;
    private final TestClock clock = TestClock.followingSystem();
    private final Map<String, String> env = new HashMap<>();
    /** What the admin port's /metrics serves in the running service. */
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @BeforeAll
    void start(PostgresInfo postgres, KafkaInfo kafka) {
        pg = postgres;
        schema = postgres.freshSchema("returns");
        Migrations.apply(postgres, schema, "classpath:db/return_db");
        orderTopic = kafka.createTopic("order_events");
        String returnTopic = kafka.createTopic("return_events");
        openTelemetry = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
        vertx = ServiceRuntime.create("returns-it", Tracing.to(openTelemetry)).vertx();
        sim = PlatformSim.start(vertx, SimConfig.defaults().withBasePort(0).withProductCount(300)
            .withKafkaBootstrap(kafka.bootstrapServers())
            .withTopics(new SimTopics(orderTopic, kafka.createTopic("pricing_events"), kafka.createTopic("warehouse_events"))))
            .await();
        env.put("CARTWRIGHT_PG_HOST", postgres.host());
        env.put("CARTWRIGHT_PG_PORT", Integer.toString(postgres.port()));
        env.put("CARTWRIGHT_PG_USER", postgres.user());
        env.put("CARTWRIGHT_PG_PASSWORD", postgres.password());
        env.put("CARTWRIGHT_RETURN_DB", postgres.database());
        env.put("CARTWRIGHT_RETURN_DB_SCHEMA", schema);
        env.put("CARTWRIGHT_RETURN_PORT", "0");
        env.put("CARTWRIGHT_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("CARTWRIGHT_RETURN_EVENTS_TOPIC", returnTopic);
        env.put("CARTWRIGHT_ORDER_EVENTS_TOPIC", orderTopic);
        env.put("CARTWRIGHT_RETURN_CONSUMER_GROUP", kafka.freshGroupId("returns"));
        env.put("CARTWRIGHT_ORDER_ADDR", "127.0.0.1:" + sim.port(SimService.ORDER));
        env.put("CARTWRIGHT_PAYMENT_ADDR", "127.0.0.1:" + sim.port(SimService.PAYMENT));
        env.put("CARTWRIGHT_SHIPPING_ADDR", "127.0.0.1:" + sim.port(SimService.SHIPPING));
        env.put("CARTWRIGHT_WAREHOUSE_ADDR", "127.0.0.1:" + sim.port(SimService.WAREHOUSE));
        env.put("CARTWRIGHT_NEIGHBOUR_RETRIES", "1");
        env.put("CARTWRIGHT_RETURN_RETRY_BASE", "200ms");
        env.put("CARTWRIGHT_RETURN_RETRY_MAX", "1s");
        env.put("CARTWRIGHT_RETURN_WORKER_INTERVAL", "100ms");
        env.put("CARTWRIGHT_RETURN_ATTEMPT_LEASE", "5s");
        env.put("CARTWRIGHT_RETURN_RELAY_POLL", "50ms");
        ReturnConfig config = ReturnConfig.read(ConfigReader.from(env));
        app = ReturnApplication.start(vertx, config, registry, clock, UUID::randomUUID).await();
        grpc = GrpcClient.client(vertx);
        address = SocketAddress.inetSocketAddress(app.grpcPort(), "127.0.0.1");
        client = ReturnServiceGrpcClient.create(grpc, address);
        tap = new ReturnEventsTap(kafka.bootstrapServers(), returnTopic, kafka.freshGroupId("tap"));
        orderEvents = new ReturnEventsTap(kafka.bootstrapServers(), orderTopic, kafka.freshGroupId("order_tap"));
        producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class.getName(),
            CloudEventSerializer.ENCODING_CONFIG, "BINARY"));
    }

    @AfterAll
    void stop() throws Exception {
        if (tap != null) {
            tap.close();
        }
        if (orderEvents != null) {
            orderEvents.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (app != null) {
            app.stop().await(20, TimeUnit.SECONDS);
        }
        if (sim != null) {
            sim.close().await(10, TimeUnit.SECONDS);
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        if (openTelemetry != null) {
            openTelemetry.close();
        }
    }

    @AfterEach
    void putThingsBack() {
        clock.reset();
        sim.resetKnobs();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static String customer() {
        return "cust-it-" + CUSTOMERS.incrementAndGet();
    }

    private String product(int n) {
        return sim.catalogue().products().get(10 + n).productId();
    }

    /** A delivered order made by the order simulator, which publishes its order.shipped and order.delivered. */
    private OrderDetails deliveredOrder(String customer, Instant deliveredAt, OrderSimulator.Line... lines) {
        return sim.order().createDeliveredOrder(customer, deliveredAt, lines).await();
    }

    /** Waits until the order.delivered event of {@code orderId} is in the projection. */
    private void awaitProjected(String orderId) throws Exception {
        Instant until = Instant.now().plus(PATIENCE);
        while (Instant.now().isBefore(until)) {
            if ("delivered".equals(queryString("SELECT status FROM order_projection WHERE order_id = ? AND source = 'event'", orderId))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("order " + orderId + " never reached the projection through order.delivered");
    }

    private String queryString(String sql, String arg) throws SQLException {
        try (Connection c = pg.connect(schema); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, arg);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    private long queryLong(String sql, String arg) throws SQLException {
        return queryLong(schema, sql, arg);
    }

    private long queryLong(String inSchema, String sql, String arg) throws SQLException {
        try (Connection c = pg.connect(inSchema); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, arg);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static ReturnItemRequest item(String orderItemId, int quantity, String reason) {
        return ReturnItemRequest.newBuilder().setOrderItemId(orderItemId).setQuantity(quantity).setReason(reason).build();
    }

    private ReturnRequest create(String orderId, ReturnItemRequest... items) {
        CreateReturnRequest request = CreateReturnRequest.newBuilder().setOrderId(orderId).addAllItems(List.of(items)).build();
        return exchange(() -> client.createReturnRequest(request));
    }

    private ReturnRequest get(String returnId) {
        return exchange(() -> client.getReturnRequest(GetReturnRequestRequest.newBuilder().setReturnId(returnId).build()));
    }

    private ReturnRequest approve(String returnId) {
        return exchange(() -> client.approveReturn(ApproveReturnRequest.newBuilder().setReturnId(returnId).build()));
    }

    private ReturnRequest receiveAll(ReturnRequest r) {
        ReceiveItemsRequest.Builder b = ReceiveItemsRequest.newBuilder().setReturnId(r.getReturnId());
        r.getItemsList().forEach(i -> b.addItems(ReceivedItem.newBuilder().setOrderItemId(i.getOrderItemId())
            .setQuantityReceived(i.getQuantity()).setCondition("resellable").setPassedInspection(true)));
        return exchange(() -> client.receiveItems(b.build()));
    }

    private ReturnRequest refund(String returnId) {
        return exchange(() -> client.processRefund(ProcessRefundRequest.newBuilder().setReturnId(returnId).build()));
    }

    /** A call's status and message, as a client sees them, and the details of an error (null on success). */
    record Outcome<T>(GrpcStatus status, String message, T value, RpcError.Received details) {

        /** The details from the trailers, or from the headers of a trailers-only answer. */
        static RpcError.Received details(MultiMap headers, MultiMap trailers) {
            String value = trailers.get(RpcError.DETAILS_HEADER);
            value = value == null ? headers.get(RpcError.DETAILS_HEADER) : value;
            return value == null ? null : RpcError.Received.fromHeader(value);
        }
    }

    private <Q, R> Outcome<R> invoke(ServiceMethod<R, Q> method, Q request) {
        return exchange(() -> grpc.request(address, method).compose(req -> {
            req.end(request);
            return req.response().compose(resp -> resp.last().transform(ar ->
                Future.succeededFuture(new Outcome<>(resp.status(), resp.statusMessage(), ar.succeeded() ? ar.result() : null,
                    Outcome.details(resp.headers(), resp.trailers())))));
        }));
    }

    private <Q, R> Outcome<R> invokeAs(SocketAddress at, String token, ServiceMethod<R, Q> method, Q request) {
        return exchange(() -> grpc.request(at, method).compose(req -> {
            if (token != null) {
                req.headers().set("authorization", "Bearer " + token);
            }
            req.end(request);
            return req.response().compose(resp -> resp.last().transform(ar ->
                Future.succeededFuture(new Outcome<>(resp.status(), resp.statusMessage(), ar.succeeded() ? ar.result() : null,
                    Outcome.details(resp.headers(), resp.trailers())))));
        }));
    }

    /**
     * Makes a client call on a context of the test's Vert.x and waits for its result: chained on the test thread, a
     * call's answer could lose its end ({@link OnContext}).
     */
    private <T> T exchange(Supplier<Future<T>> call) {
        return OnContext.call(vertx, call).await();
    }

    /** An HTTP/JSON reply: its status and its body (with the grpc-message header, where the error is told), and the body alone. */
    record HttpReply(int status, String body, String json) {

        RpcError.Received details() {
            return RpcError.Received.fromJson(json);
        }
    }

    private HttpReply http(int port, String token, HttpMethod method, String uri, String body) {
        HttpClient http = vertx.createHttpClient();
        try {
            RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri);
            if (token != null) {
                options.putHeader("authorization", "Bearer " + token);
            }
            if (body != null) {
                options.putHeader("content-type", "application/json");
            }
            return OnContext.call(vertx, () -> http.request(options)
                .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
                .compose(resp -> resp.body().map(b -> new HttpReply(resp.statusCode(),
                    String.valueOf(resp.getHeader("grpc-message")) + " " + b.toString(), b.toString()))))
                .await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(method + " " + uri + " failed", e);
        } finally {
            http.close();
        }
    }

    private ReturnRequest awaitStatus(String returnId, ReturnStatus wanted) throws InterruptedException {
        Instant until = Instant.now().plus(PATIENCE);
        ReturnRequest r = get(returnId);
        while (r.getStatus() != wanted && Instant.now().isBefore(until)) {
            Thread.sleep(50);
            r = get(returnId);
        }
        assertThat(r.getStatus()).as("status of " + returnId).isEqualTo(wanted);
        return r;
    }

    // ---- tests -----------------------------------------------------------------------------------------------

    @Test
    void theWholePathFromOrderDeliveredToRefundCompleted() throws Exception {
        String customer = customer();
        OrderDetails order = deliveredOrder(customer, clock.instant().minus(Duration.ofDays(2)),
            new OrderSimulator.Line(product(1), 2), new OrderSimulator.Line(product(2), 1));
        awaitProjected(order.getOrderId());

        ReturnRequest created = create(order.getOrderId(), item("1", 1, "defective"));
        assertThat(created.getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_REQUESTED);
        assertThat(created.getCustomerId()).isEqualTo(customer);
        assertThat(created.getResolution()).isEqualTo("refund");
        // Quoted at once: one unit of a two-unit line (its exact half, tax included) plus the shipping (defective).
        long lineTotal = order.getItems(0).getTotal().getAmountMinor();
        long expected = lineTotal / 2 + order.getShipping().getAmountMinor();
        assertThat(created.getRefundAmount().getAmountMinor()).isEqualTo(expected);
        String id = created.getReturnId();

        ReturnRequest approved = approve(id);
        assertThat(approved.getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_APPROVED);
        assertThat(approved.getShipping().getCarrier()).isNotEmpty();
        assertThat(approved.getShipping().getTrackingNumber()).isNotEmpty();

        ReturnRequest received = receiveAll(approved);
        assertThat(received.getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_ITEMS_RECEIVED);

        ReturnRequest refunded = refund(id);
        assertThat(refunded.getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_COMPLETED);
        assertThat(refunded.getRefundsList()).hasSize(1);
        var refund = refunded.getRefunds(0);
        assertThat(refund.getStatus()).isEqualTo(RefundStatus.REFUND_STATUS_COMPLETED);
        assertThat(refund.getIdempotencyKey()).isEqualTo(id + ":refund");
        assertThat(refunded.getRefundAmount().getAmountMinor()).isEqualTo(expected);
        assertThat(refund.getAmount().getAmountMinor()).isEqualTo(expected);
        assertThat(sim.payment().refund(id + ":refund")).hasValueSatisfying(p -> {
            assertThat(p.getAmount().getAmountMinor()).isEqualTo(expected);
            assertThat(p.getRefundId()).isEqualTo(refund.getPaymentRefundId());
        });
        assertThat(refunded.getHistoryList()).extracting(h -> h.getToStatus()).containsExactly(
            ReturnStatus.RETURN_STATUS_REQUESTED, ReturnStatus.RETURN_STATUS_APPROVED, ReturnStatus.RETURN_STATUS_ITEMS_RECEIVED,
            ReturnStatus.RETURN_STATUS_REFUNDED, ReturnStatus.RETURN_STATUS_COMPLETED);

        ReturnEventsTap.Seen completed = tap.await(id, "refund.completed");
        RefundCompleted.Builder payload = RefundCompleted.newBuilder();
        JsonFormat.parser().merge(new String(completed.event().getData().toBytes(), StandardCharsets.UTF_8), payload);
        assertThat(payload.getAmount().getAmountMinor()).isEqualTo(expected);
        assertThat(payload.getReturnId()).isEqualTo(id);
        tap.await(id, "item.restocked");
        List<String> types = tap.typesFor(id);
        assertThat(types).containsSubsequence("return.requested", "return.approved", "return.items_received", "refund.initiated",
            "refund.completed");
        assertThat(types).contains("item.restocked");
        // Each event once, with its outbox event id as the CloudEvents id and the return id as subject.
        Set<String> ids = new HashSet<>();
        for (ReturnEventsTap.Seen s : tap.forReturn(id)) {
            assertThat(s.event().getSubject()).isEqualTo(id);
            assertThat(s.event().getSource().toString()).isEqualTo("/cartwright/return-service");
            ids.add(s.event().getId());
        }
        // The relay marks a row published once Kafka has acknowledged it, so the tap may see the last event first.
        assertThat(publishedRowsOnceSettled(id, ids.size())).isEqualTo(ids.size());
        assertThat(get(id).getItems(0).getRestocked()).isTrue();
    }

    /** The return's outbox rows marked published, asked again (up to 30 s) until there are {@code expected}. */
    private long publishedRowsOnceSettled(String id, long expected) throws Exception {
        String sql = "SELECT count(*) FROM outbox WHERE aggregate_id = ? AND published_at IS NOT NULL";
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        long published = queryLong(sql, id);
        while (published < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            published = queryLong(sql, id);
        }
        return published;
    }

    @Test
    void everyReturnMetricTheDashboardsAndAlertsNameIsOnTheMetricsPage() throws Exception {
        theWholePathFromOrderDeliveredToRefundCompleted();

        Set<String> wanted = new HashSet<>();
        for (String name : DashboardMetrics.named()) {
            if (name.startsWith("cartwright_returns_") || name.startsWith("cartwright_rpc_") || name.startsWith("cartwright_outbox_")) {
                wanted.add(name);
            }
        }
        assertThat(wanted).contains("cartwright_returns_refunded_minor_units_total", "cartwright_returns_settlement_attempts_total");
        assertThat(DashboardMetrics.exposed(registry.scrape())).containsAll(wanted);
    }

    @Test
    void partialReturnsAcrossTwoRequestsAreCappedByWhatWasBought() throws Exception {
        OrderDetails order = deliveredOrder(customer(), clock.instant().minus(Duration.ofDays(1)), new OrderSimulator.Line(product(3), 3));
        awaitProjected(order.getOrderId());
        ReturnRequest first = create(order.getOrderId(), item("1", 2, "changed_mind"));
        assertThat(first.getItems(0).getQuantity()).isEqualTo(2);

        Outcome<ReturnRequest> tooMany = invoke(ReturnServiceGrpcClient.CreateReturnRequest,
            CreateReturnRequest.newBuilder().setOrderId(order.getOrderId()).addItems(item("1", 2, "changed_mind")).build());
        assertThat(tooMany.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(tooMany.message()).contains("items[0].quantity").contains("only 1 of 3");
        assertThat(tooMany.details().errorInfo().getReason()).isEqualTo("NOT_ELIGIBLE");
        assertThat(tooMany.details().preconditionViolations()).singleElement()
            .satisfies(v -> assertThat(v.getSubject()).isEqualTo("orders/" + order.getOrderId()));

        ReturnRequest second = create(order.getOrderId(), item("1", 1, "changed_mind"));
        assertThat(second.getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_REQUESTED);
        Outcome<ReturnRequest> none = invoke(ReturnServiceGrpcClient.CreateReturnRequest,
            CreateReturnRequest.newBuilder().setOrderId(order.getOrderId()).addItems(item("1", 1, "other")).build());
        assertThat(none.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);

        // Both refunded: together exactly the line's total less 10% of each part (changed_mind), no shipping.
        long lineTotal = order.getItems(0).getTotal().getAmountMinor();
        long paid = 0;
        for (ReturnRequest r : List.of(second, first)) {
            receiveAll(approve(r.getReturnId()));
            ReturnRequest done = refund(r.getReturnId());
            assertThat(done.getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_COMPLETED);
            paid += done.getRefunds(0).getAmount().getAmountMinor();
        }
        long shareOfOne = lineTotal / 3;
        long shareOfTwo = lineTotal - shareOfOne;
        assertThat(paid).isEqualTo(shareOfOne - shareOfOne / 10 + shareOfTwo - shareOfTwo / 10);
        assertThat(sim.payment().refundedForOrder(order.getOrderId())).isEqualTo(paid);

        ListReturnRequestsResponse listed = exchange(() -> client.listReturnRequests(ListReturnRequestsRequest.newBuilder()
            .setOrderId(order.getOrderId()).setPageSize(1).build()));
        assertThat(listed.getReturnRequestsList()).extracting(ReturnRequest::getReturnId).containsExactly(second.getReturnId());
        ListReturnRequestsResponse next = exchange(() -> client.listReturnRequests(ListReturnRequestsRequest.newBuilder()
            .setOrderId(order.getOrderId()).setPageSize(1).setPageToken(listed.getNextPageToken()).build()));
        assertThat(next.getReturnRequestsList()).extracting(ReturnRequest::getReturnId).containsExactly(first.getReturnId());
        assertThat(next.getNextPageToken()).isEmpty();
    }

    @Test
    void theWindowClosesThirtyDaysAfterDelivery() throws Exception {
        OrderDetails order = deliveredOrder(customer(), clock.instant().minus(Duration.ofDays(20)), new OrderSimulator.Line(product(4), 2));
        awaitProjected(order.getOrderId());
        assertThat(create(order.getOrderId(), item("1", 1, "damaged")).getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_REQUESTED);

        clock.advance(Duration.ofDays(11));
        Outcome<ReturnRequest> late = invoke(ReturnServiceGrpcClient.CreateReturnRequest,
            CreateReturnRequest.newBuilder().setOrderId(order.getOrderId()).addItems(item("1", 1, "damaged")).build());
        assertThat(late.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(late.message()).contains("items[0]").contains("return window");
        assertThat(queryLong("SELECT count(*) FROM return_requests WHERE order_id = ?", order.getOrderId())).isEqualTo(1);
    }

    @Test
    void aRejectedReturnStaysRejected() throws Exception {
        OrderDetails order = deliveredOrder(customer(), clock.instant().minus(Duration.ofDays(3)), new OrderSimulator.Line(product(5), 1));
        awaitProjected(order.getOrderId());
        ReturnRequest r = create(order.getOrderId(), item("1", 1, "not_as_described"));
        ReturnRequest rejected = exchange(() -> client.rejectReturn(RejectReturnRequest.newBuilder().setReturnId(r.getReturnId())
            .setReason("photos show wear").build()));
        assertThat(rejected.getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_REJECTED);
        assertThat(rejected.getRejectionReason()).isEqualTo("photos show wear");
        assertThat(rejected.getHistoryList()).last().satisfies(h -> {
            assertThat(h.getFromStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_REQUESTED);
            assertThat(h.getReason()).isEqualTo("photos show wear");
        });

        Outcome<ReturnRequest> approveAfter = invoke(ReturnServiceGrpcClient.ApproveReturn,
            ApproveReturnRequest.newBuilder().setReturnId(r.getReturnId()).build());
        assertThat(approveAfter.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(approveAfter.message()).contains("rejected");
        assertThat(approveAfter.details().errorInfo().getReason()).isEqualTo("TRANSITION_NOT_ALLOWED");
        assertThat(approveAfter.details().errorInfo().getDomain()).isEqualTo(RpcError.DOMAIN);
        assertThat(approveAfter.details().preconditionViolations()).singleElement()
            .satisfies(v -> assertThat(v.getSubject()).isEqualTo("returns/" + r.getReturnId()));
        tap.await(r.getReturnId(), "return.rejected");
        // The rejected units are free again.
        assertThat(create(order.getOrderId(), item("1", 1, "other")).getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_REQUESTED);
    }

    @Test
    void aReturnCanBeCancelledUntilItsItemsArrive() throws Exception {
        OrderDetails order = deliveredOrder(customer(), clock.instant().minus(Duration.ofDays(3)), new OrderSimulator.Line(product(6), 2));
        awaitProjected(order.getOrderId());
        ReturnRequest a = create(order.getOrderId(), item("1", 1, "other"));
        approve(a.getReturnId());
        ReturnRequest cancelled = exchange(() -> client.cancelReturn(CancelReturnRequest.newBuilder().setReturnId(a.getReturnId())
            .setReason("kept it").build()));
        assertThat(cancelled.getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_CANCELLED);

        ReturnRequest b = create(order.getOrderId(), item("1", 2, "other"));
        receiveAll(approve(b.getReturnId()));
        Outcome<ReturnRequest> tooLate = invoke(ReturnServiceGrpcClient.CancelReturn,
            CancelReturnRequest.newBuilder().setReturnId(b.getReturnId()).build());
        assertThat(tooLate.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(tooLate.message()).isEqualTo("cannot cancel a return that is items_received");
    }

    @Test
    void badInputNamesTheFieldAndChangesNothing() throws Exception {
        OrderDetails order = deliveredOrder(customer(), clock.instant().minus(Duration.ofDays(3)), new OrderSimulator.Line(product(7), 1));
        Outcome<ReturnRequest> badReason = invoke(ReturnServiceGrpcClient.CreateReturnRequest,
            CreateReturnRequest.newBuilder().setOrderId(order.getOrderId()).addItems(item("1", 1, "broken")).build());
        assertThat(badReason.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(badReason.message()).startsWith("items[0].reason");
        assertThat(badReason.details().errorInfo().getReason()).isEqualTo("INVALID_FIELD");
        assertThat(badReason.details().fieldViolations()).containsExactly("items[0].reason");
        Outcome<ReturnRequest> badItem = invoke(ReturnServiceGrpcClient.CreateReturnRequest,
            CreateReturnRequest.newBuilder().setOrderId(order.getOrderId()).addItems(item("7", 1, "other")).build());
        assertThat(badItem.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(badItem.message()).startsWith("items[0].order_item_id");
        Outcome<ReturnRequest> someoneElse = invoke(ReturnServiceGrpcClient.CreateReturnRequest,
            CreateReturnRequest.newBuilder().setOrderId(order.getOrderId()).setCustomerId("cust-other").addItems(item("1", 1,
                    "other")).build());
        assertThat(someoneElse.status()).isEqualTo(GrpcStatus.PERMISSION_DENIED);
        Outcome<ReturnRequest> unknown = invoke(ReturnServiceGrpcClient.GetReturnRequest,
            GetReturnRequestRequest.newBuilder().setReturnId("no-such-return").build());
        assertThat(unknown.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(unknown.details().errorInfo().getReason()).isEqualTo("RETURN_NOT_FOUND");
        // The same details over HTTP/JSON, in the body.
        HttpReply unknownOverHttp = http(app.grpcPort(), null, HttpMethod.GET, "/v1/returns/no-such-return", null);
        assertThat(unknownOverHttp.status()).isEqualTo(404);
        assertThat(unknownOverHttp.details().errorInfo().getReason()).isEqualTo("RETURN_NOT_FOUND");
        HttpReply badOverHttp = http(app.grpcPort(), null, HttpMethod.POST, "/v1/returns",
            "{\"order_id\":\"" + order.getOrderId() + "\",\"items\":[{\"order_item_id\":\"1\",\"quantity\":0,\"reason\":\"other\"}]}");
        assertThat(badOverHttp.status()).isEqualTo(400);
        assertThat(badOverHttp.details().errorInfo().getReason()).isEqualTo("INVALID_FIELD");
        assertThat(badOverHttp.details().fieldViolations()).containsExactly("items[0].quantity");
        assertThat(queryLong("SELECT count(*) FROM return_requests WHERE order_id = ?", order.getOrderId())).isZero();
    }

    @Test
    void anOrderNotYetProjectedIsFetchedFromTheOrderService() throws Exception {
        // A delivered order made without publishing: only the Order service knows it.
        String customer = customer();
        OrderDetails order = sim.order().createDeliveredOrder(customer, clock.instant().minus(Duration.ofDays(1)),
            new OrderSimulator.Line(product(8), 1)).await();
        ReturnRequest r = create(order.getOrderId(), item("1", 1, "wrong_item"));
        assertThat(r.getCustomerId()).isEqualTo(customer);
        assertThat(queryString("SELECT status FROM order_projection WHERE order_id = ?", order.getOrderId())).isEqualTo("delivered");
    }

    @Test
    void processRefundRetriedTwentyTimesConcurrentlyRefundsOnce() throws Exception {
        OrderDetails order = deliveredOrder(customer(), clock.instant().minus(Duration.ofDays(2)), new OrderSimulator.Line(product(9), 2));
        awaitProjected(order.getOrderId());
        ReturnRequest r = receiveAll(approve(create(order.getOrderId(), item("1", 2, "damaged")).getReturnId()));
        List<Future<ReturnRequest>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ProcessRefundRequest refund = ProcessRefundRequest.newBuilder().setReturnId(r.getReturnId()).build();
            calls.add(OnContext.call(vertx, () -> client.processRefund(refund)));
        }
        Future.join(new ArrayList<>(calls)).await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        Set<String> refundIds = new HashSet<>();
        for (Future<ReturnRequest> call : calls) {
            assertThat(call.succeeded()).as("every retry succeeds: " + call.cause()).isTrue();
            refundIds.add(call.result().getRefunds(0).getRefundId());
        }
        assertThat(refundIds).hasSize(1);
        String key = r.getReturnId() + ":refund";
        ReturnRequest done = awaitStatus(r.getReturnId(), ReturnStatus.RETURN_STATUS_COMPLETED);
        assertThat(sim.payment().refundsIssued(key)).isEqualTo(1);
        assertThat(sim.payment().refundsForOrder(order.getOrderId())).hasSize(1);
        assertThat(queryLong("SELECT count(*) FROM return_refunds WHERE return_id = ?", r.getReturnId())).isEqualTo(1);
        assertThat(queryLong("SELECT count(*) FROM outbox WHERE aggregate_id = ? AND event_type = 'refund.completed'", r.getReturnId()))
            .isEqualTo(1);
        assertThat(sim.payment().refundedForOrder(order.getOrderId())).isEqualTo(done.getRefunds(0).getAmount().getAmountMinor());
        // Everything paid back: both units and the shipping, exactly the order's total.
        assertThat(done.getRefunds(0).getAmount().getAmountMinor()).isEqualTo(order.getGrandTotal().getAmountMinor());
    }

    @Test
    void anEventWrittenWhileNoRelayRunsIsPublishedOnceOneDoes() throws Exception {
        // A service of its own database that does not publish: the event is committed with the return and waits.
        Map<String, String> quiet = new HashMap<>(env);
        String ownSchema = pg.freshSchema("returns_quiet");
        quiet.put("CARTWRIGHT_RETURN_DB_SCHEMA", ownSchema);
        quiet.put("CARTWRIGHT_RETURN_CONSUMER_GROUP", env.get("CARTWRIGHT_RETURN_CONSUMER_GROUP") + "_quiet");
        quiet.put("CARTWRIGHT_RETURN_OUTBOX_RELAY", "false");
        OrderDetails order = sim.order().createDeliveredOrder(customer(), clock.instant().minus(Duration.ofDays(2)),
            new OrderSimulator.Line(product(11), 1)).await();
        String id;
        ReturnApplication writer = ReturnApplication.start(vertx, ReturnConfig.read(ConfigReader.from(quiet)), new SimpleMeterRegistry(),
            clock, UUID::randomUUID).await();
        try {
            id = ReturnServiceGrpcClient.create(grpc, SocketAddress.inetSocketAddress(writer.grpcPort(), "127.0.0.1"))
                .createReturnRequest(CreateReturnRequest.newBuilder().setOrderId(order.getOrderId())
                    .addItems(item("1", 1, "defective")).build()).await().getReturnId();
        } finally {
            writer.stop().await(20, TimeUnit.SECONDS);
        }
        String unpublished = "SELECT count(*) FROM outbox WHERE aggregate_id = ? AND published_at IS NULL";
        assertThat(queryLong(ownSchema, unpublished, id)).isEqualTo(1);
        assertThat(tap.forReturn(id)).isEmpty();

        // A service that publishes, on the same database: the waiting event goes out, once, with its outbox id.
        quiet.put("CARTWRIGHT_RETURN_OUTBOX_RELAY", "true");
        ReturnApplication publisher = ReturnApplication.start(vertx, ReturnConfig.read(ConfigReader.from(quiet)),
            new SimpleMeterRegistry(), clock, UUID::randomUUID).await();
        try {
            ReturnEventsTap.Seen requested = tap.await(id, "return.requested");
            try (Connection c = pg.connect(ownSchema); PreparedStatement s = c.prepareStatement(
                "SELECT event_id::text FROM outbox WHERE aggregate_id = ? AND event_type = 'return.requested'")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    assertThat(r.next()).isTrue();
                    assertThat(requested.event().getId()).isEqualTo(r.getString(1));
                }
            }
            Instant until = Instant.now().plus(PATIENCE);
            while (queryLong(ownSchema, unpublished, id) > 0 && Instant.now().isBefore(until)) {
                Thread.sleep(50);
            }
            assertThat(queryLong(ownSchema, unpublished, id)).isZero();
        } finally {
            publisher.stop().await(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRefundWhilePaymentIsDownEndsRefundedOnceItRecovers() throws Exception {
        OrderDetails order = deliveredOrder(customer(), clock.instant().minus(Duration.ofDays(2)), new OrderSimulator.Line(product(12), 1));
        awaitProjected(order.getOrderId());
        ReturnRequest r = receiveAll(approve(create(order.getOrderId(), item("1", 1, "defective")).getReturnId()));
        sim.knobs(SimService.PAYMENT).down(true);
        ReturnRequest pending = refund(r.getReturnId());
        assertThat(pending.getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_ITEMS_RECEIVED);
        assertThat(pending.getRefunds(0).getStatus()).isEqualTo(RefundStatus.REFUND_STATUS_PENDING);
        assertThat(pending.getRefunds(0).getLastError()).contains("payment");
        assertThat(pending.getRefunds(0).getAttempts()).isGreaterThanOrEqualTo(1);
        String key = r.getReturnId() + ":refund";
        assertThat(sim.payment().refundsIssued(key)).isZero();

        sim.knobs(SimService.PAYMENT).down(false);
        ReturnRequest done = awaitStatus(r.getReturnId(), ReturnStatus.RETURN_STATUS_COMPLETED);
        assertThat(done.getRefunds(0).getStatus()).isEqualTo(RefundStatus.REFUND_STATUS_COMPLETED);
        assertThat(done.getRefunds(0).getLastError()).isEmpty();
        assertThat(sim.payment().refundsIssued(key)).isEqualTo(1);
        assertThat(sim.payment().refundsForOrder(order.getOrderId())).hasSize(1);
        tap.await(r.getReturnId(), "refund.completed");
        assertThat(tap.typesFor(r.getReturnId()).stream().filter("refund.completed"::equals).count()).isEqualTo(1);
    }

    @Test
    void storeCreditAndExchangesAreSettledAsTheirOwnKinds() throws Exception {
        OrderDetails order = deliveredOrder(customer(), clock.instant().minus(Duration.ofDays(2)),
            new OrderSimulator.Line(product(13), 1), new OrderSimulator.Line(product(14), 1));
        awaitProjected(order.getOrderId());
        ReturnRequest credit = exchange(() -> client.createReturnRequest(CreateReturnRequest.newBuilder().setOrderId(order.getOrderId())
            .setResolution("store_credit").addItems(item("1", 1, "other")).build()));
        ReturnRequest credited = refund(receiveAll(approve(credit.getReturnId())).getReturnId());
        assertThat(credited.getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_COMPLETED);
        assertThat(credited.getRefunds(0).getKind()).isEqualTo("store_credit");
        assertThat(credited.getRefunds(0).getIdempotencyKey()).isEqualTo(credit.getReturnId() + ":store_credit");
        assertThat(credited.getRefunds(0).getPaymentRefundId()).startsWith("credit-");
        assertThat(credited.getRefunds(0).getAmount().getAmountMinor()).isEqualTo(order.getItems(0).getTotal().getAmountMinor());
        assertThat(sim.payment().refundsForOrder(order.getOrderId())).isEmpty();

        String replacement = product(15);
        ReturnRequest exchange = exchange(() -> client.createReturnRequest(CreateReturnRequest.newBuilder().setOrderId(order.getOrderId())
            .setResolution("exchange").addItems(item("2", 1, "wrong_item").toBuilder().setExchangeProductId(replacement)).build()));
        ReturnRequest exchanged = refund(receiveAll(approve(exchange.getReturnId())).getReturnId());
        assertThat(exchanged.getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_COMPLETED);
        assertThat(exchanged.getRefunds(0).getKind()).isEqualTo("exchange");
        String exchangeOrderId = exchanged.getRefunds(0).getExchangeOrderId();
        assertThat(exchangeOrderId).isNotEmpty();
        assertThat(sim.order().order(exchangeOrderId)).hasValueSatisfying(o -> {
            assertThat(o.getItemsList()).extracting(i -> i.getProductId()).containsExactly(replacement);
            assertThat(o.getCustomerId()).isEqualTo(order.getCustomerId());
        });
        assertThat(sim.order().orderByIdempotencyKey(exchange.getReturnId() + ":exchange")).isPresent();
        assertThat(sim.payment().refundsForOrder(order.getOrderId())).isEmpty();
    }

    @Test
    void customersTouchOnlyTheirOwnReturnsAndStaffDecide() throws Exception {
        Map<String, String> jwtEnv = new HashMap<>(env);
        jwtEnv.put("CARTWRIGHT_AUTH_MODE", "jwt");
        jwtEnv.put("CARTWRIGHT_JWT_KEY", JWT_KEY);
        jwtEnv.put("CARTWRIGHT_JWT_ISSUER", JWT_ISSUER);
        jwtEnv.put("CARTWRIGHT_JWT_AUDIENCE", JWT_AUDIENCE);
        jwtEnv.put("CARTWRIGHT_RETURN_CONSUMER_GROUP", env.get("CARTWRIGHT_RETURN_CONSUMER_GROUP") + "_jwt");
        ReturnApplication secured = ReturnApplication.start(vertx, ReturnConfig.read(ConfigReader.from(jwtEnv)), new SimpleMeterRegistry(),
            clock, UUID::randomUUID).await();
        try {
            SocketAddress at = SocketAddress.inetSocketAddress(secured.grpcPort(), "127.0.0.1");
            JWTAuth tokens = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256")
                .setBuffer(JWT_KEY)));
            JWTOptions signed = new JWTOptions().setAlgorithm("HS256").setIssuer(JWT_ISSUER).setAudience(List.of(JWT_AUDIENCE))
                .setExpiresInMinutes(10);
            String owner = customer();
            String ownerToken = tokens.generateToken(new JsonObject().put("sub", owner), signed);
            String strangerToken = tokens.generateToken(new JsonObject().put("sub", customer()), signed);
            String staffToken = tokens.generateToken(new JsonObject().put("sub", "agent-7").put("roles", new JsonArray().add("staff")),
                signed);
            OrderDetails order = deliveredOrder(owner, clock.instant().minus(Duration.ofDays(2)), new OrderSimulator.Line(product(16), 2));
            awaitProjected(order.getOrderId());
            CreateReturnRequest request = CreateReturnRequest.newBuilder().setOrderId(order.getOrderId())
                .addItems(item("1", 1, "changed_mind")).build();

            assertThat(invokeAs(at, null, ReturnServiceGrpcClient.CreateReturnRequest, request).status())
                .isEqualTo(GrpcStatus.PERMISSION_DENIED);
            // Another customer's order is answered like one that does not exist.
            Outcome<ReturnRequest> strangersOrder = invokeAs(at, strangerToken, ReturnServiceGrpcClient.CreateReturnRequest, request);
            assertThat(strangersOrder.status()).isEqualTo(GrpcStatus.NOT_FOUND);
            assertThat(strangersOrder.message()).isEqualTo("order " + order.getOrderId() + " not found");
            Outcome<ReturnRequest> mine = invokeAs(at, ownerToken, ReturnServiceGrpcClient.CreateReturnRequest, request);
            assertThat(mine.status()).isEqualTo(GrpcStatus.OK);
            String id = mine.value().getReturnId();
            assertThat(mine.value().getHistory(0).getActor()).isEqualTo("customer:" + owner);
            GetReturnRequestRequest get = GetReturnRequestRequest.newBuilder().setReturnId(id).build();
            // Another customer's return is answered exactly like one that does not exist, over gRPC and HTTP/JSON.
            Outcome<ReturnRequest> strangers = invokeAs(at, strangerToken, ReturnServiceGrpcClient.GetReturnRequest, get);
            Outcome<ReturnRequest> nobodys = invokeAs(at, strangerToken, ReturnServiceGrpcClient.GetReturnRequest,
                GetReturnRequestRequest.newBuilder().setReturnId("no-such-return").build());
            assertThat(strangers.status()).isEqualTo(GrpcStatus.NOT_FOUND);
            assertThat(nobodys.status()).isEqualTo(GrpcStatus.NOT_FOUND);
            assertThat(strangers.message()).isEqualTo(nobodys.message().replace("no-such-return", id));
            HttpReply strangersOverHttp = http(secured.grpcPort(), strangerToken, HttpMethod.GET, "/v1/returns/" + id, null);
            HttpReply nobodysOverHttp = http(secured.grpcPort(), strangerToken, HttpMethod.GET, "/v1/returns/no-such-return", null);
            assertThat(strangersOverHttp.status()).isEqualTo(404);
            assertThat(nobodysOverHttp.status()).isEqualTo(404);
            assertThat(strangersOverHttp.body()).isEqualTo(nobodysOverHttp.body().replace("no-such-return", id));
            assertThat(http(secured.grpcPort(), strangerToken, HttpMethod.POST, "/v1/returns/" + id + "/cancel", "{}").status())
                .isEqualTo(404);
            assertThat(http(secured.grpcPort(), ownerToken, HttpMethod.GET, "/v1/returns/" + id, null).status()).isEqualTo(200);
            assertThat(invokeAs(at, ownerToken, ReturnServiceGrpcClient.GetReturnRequest, get).status()).isEqualTo(GrpcStatus.OK);

            ApproveReturnRequest approveIt = ApproveReturnRequest.newBuilder().setReturnId(id).build();
            Outcome<ReturnRequest> selfApproved = invokeAs(at, ownerToken, ReturnServiceGrpcClient.ApproveReturn, approveIt);
            assertThat(selfApproved.status()).isEqualTo(GrpcStatus.PERMISSION_DENIED);
            assertThat(selfApproved.message()).contains("staff");
            Outcome<ReturnRequest> approvedByStaff = invokeAs(at, staffToken, ReturnServiceGrpcClient.ApproveReturn, approveIt);
            assertThat(approvedByStaff.status()).isEqualTo(GrpcStatus.OK);
            assertThat(approvedByStaff.value().getHistoryList()).last().satisfies(h -> assertThat(h.getActor()).isEqualTo("staff:agent-7"));

            Outcome<ListReturnRequestsResponse> listed = invokeAs(at, ownerToken, ReturnServiceGrpcClient.ListReturnRequests,
                ListReturnRequestsRequest.getDefaultInstance());
            assertThat(listed.value().getReturnRequestsList()).extracting(ReturnRequest::getReturnId).containsExactly(id);
            assertThat(invokeAs(at, strangerToken, ReturnServiceGrpcClient.CancelReturn,
                CancelReturnRequest.newBuilder().setReturnId(id).build()).status()).isEqualTo(GrpcStatus.NOT_FOUND);

            // Tokens that must not work, each claiming to be the owner or staff: not one call succeeds, nothing changes.
            // Tokens are checked against the real time, not the test clock of the service.
            long now = Instant.now().getEpochSecond();
            JsonObject ownerClaims = new JsonObject().put("sub", owner).put("iss", JWT_ISSUER).put("aud", JWT_AUDIENCE)
                .put("exp", now + 600);
            JsonObject staffClaims = ownerClaims.copy().put("sub", "agent-7").put("roles", new JsonArray().add("staff"));
            JWTAuth otherKey = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256")
                .setBuffer("another-key-of-32-bytes-or-more-for-hs256")));
            JWTOptions bare = new JWTOptions().setAlgorithm("HS256");
            Map<String, String> bad = new HashMap<>();
            bad.put("expired", tokens.generateToken(ownerClaims.copy().put("iat", now - 7200).put("exp", now - 3600), bare));
            bad.put("wrong audience", tokens.generateToken(ownerClaims.copy().put("aud", "another-api"), bare));
            bad.put("wrong issuer", tokens.generateToken(staffClaims.copy().put("iss", "https://issuer.example"), bare));
            bad.put("no exp", tokens.generateToken(without(staffClaims, "exp"), bare));
            bad.put("wrong key", otherKey.generateToken(staffClaims, bare));
            bad.put("alg none", unsignedToken(staffClaims));
            CancelReturnRequest cancelIt = CancelReturnRequest.newBuilder().setReturnId(id).build();
            RejectReturnRequest rejectIt = RejectReturnRequest.newBuilder().setReturnId(id).setReason("forged").build();
            int successes = 0;
            for (Map.Entry<String, String> token : bad.entrySet()) {
                for (Outcome<?> outcome : List.of(invokeAs(at, token.getValue(), ReturnServiceGrpcClient.GetReturnRequest, get),
                    invokeAs(at, token.getValue(), ReturnServiceGrpcClient.CancelReturn, cancelIt),
                    invokeAs(at, token.getValue(), ReturnServiceGrpcClient.RejectReturn, rejectIt),
                    invokeAs(at, token.getValue(), ReturnServiceGrpcClient.CreateReturnRequest, request))) {
                    assertThat(outcome.status()).as(token.getKey()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
                    successes += outcome.status() == GrpcStatus.OK ? 1 : 0;
                }
            }
            assertThat(successes).isZero();
            assertThat(invokeAs(at, ownerToken, ReturnServiceGrpcClient.GetReturnRequest, get).value().getStatus())
                .isEqualTo(ReturnStatus.RETURN_STATUS_APPROVED);

            Outcome<ReturnRequest> cancelled = invokeAs(at, ownerToken, ReturnServiceGrpcClient.CancelReturn,
                CancelReturnRequest.newBuilder().setReturnId(id).build());
            assertThat(cancelled.value().getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_CANCELLED);
        } finally {
            secured.stop().await(20, TimeUnit.SECONDS);
        }
    }

    private static JsonObject without(JsonObject claims, String name) {
        JsonObject copy = claims.copy();
        copy.remove(name);
        return copy;
    }

    /** A token with {@code alg: none} and no signature. */
    private static String unsignedToken(JsonObject claims) {
        java.util.Base64.Encoder base64 = java.util.Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
            + base64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8)) + ".";
    }

    /** Publishes an order event the way the Order service does: a CloudEvent in binary mode, keyed by the order id. */
    private void publishOrderEvent(String eventId, String type, String orderId, com.google.protobuf.Message payload) throws Exception {
        CloudEvent event = CloudEventBuilder.v1().withId(eventId).withType(type).withSource(URI.create("/test/orders"))
            .withSubject(orderId).withDataContentType("application/json")
            .withData(JsonFormat.printer().print(payload).getBytes(StandardCharsets.UTF_8)).build();
        producer.send(new ProducerRecord<>(orderTopic, orderId, event)).get(30, TimeUnit.SECONDS);
    }

    private static OrderDelivered delivered(String orderId, String customer, Instant at) {
        return OrderDelivered.newBuilder().setOrderId(orderId).setCustomerId(customer)
            .addItems(OrderEventItem.newBuilder().setOrderItemId("1").setProductId("p-1").setCategoryId("c1").setQuantity(2)
                .setUnitPrice(money(1000)).setTax(money(150)).setTotal(money(2150)))
            .setShipping(money(499)).setGrandTotal(money(2649)).setPaymentReference("pay-" + orderId)
            .setDeliveredAt(ReturnEvents.timestamp(at)).build();
    }

    private static dev.cartwright.proto.common.v1.Money money(long minor) {
        return ReturnEvents.money(minor, "EUR");
    }

    @Test
    void aRedeliveredOrderEventChangesNothingAndShippedNeverUndoesDelivered() throws Exception {
        String orderId = "ord-evt-" + UUID.randomUUID();
        String first = UUID.randomUUID().toString();
        Instant deliveredAt = clock.instant().minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        publishOrderEvent(first, "order.delivered", orderId, delivered(orderId, "cust-a", deliveredAt));
        awaitProjected(orderId);
        // The same event again (same id), changed: ignored. A late order.shipped: does not move it back.
        publishOrderEvent(first, "order.delivered", orderId, delivered(orderId, "cust-b", deliveredAt));
        publishOrderEvent(UUID.randomUUID().toString(), "order.shipped", orderId, OrderShipped.newBuilder().setOrderId(orderId)
            .setCustomerId("cust-a").addAllItems(delivered(orderId, "cust-a", deliveredAt).getItemsList()).setShipping(money(499))
            .setGrandTotal(money(2649)).build());
        // A marker behind them on the same partition: once it is projected, the two before it were handled.
        String marker = "ord-evt-" + UUID.randomUUID();
        publishOrderEvent(UUID.randomUUID().toString(), "order.delivered", marker, delivered(marker, "cust-m", deliveredAt));
        awaitProjected(marker);

        assertThat(queryString("SELECT customer_id FROM order_projection WHERE order_id = ?", orderId)).isEqualTo("cust-a");
        assertThat(queryString("SELECT status FROM order_projection WHERE order_id = ?", orderId)).isEqualTo("delivered");
        assertThat(queryLong("SELECT count(*) FROM processed_events WHERE event_id = ?", first)).isEqualTo(1);
        // And the projected order is returnable with its own prices: one of two units plus shipping (damaged).
        ReturnRequest r = create(orderId, item("1", 1, "damaged"));
        assertThat(r.getCustomerId()).isEqualTo("cust-a");
        assertThat(r.getRefundAmount().getAmountMinor()).isEqualTo(1075 + 499);
        assertThat(r.getRefundAmount().getCurrencyCode()).isEqualTo("EUR");
    }

    @Test
    void aPoisonOrderEventIsParkedWithItsReasonAndTheNextOneIsProjected() throws Exception {
        Instant deliveredAt = clock.instant().minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        double parkedBefore = registry.counter("cartwright.returns.order_events", "outcome", "parked").count();
        String noUnits = "ord-poison-" + UUID.randomUUID();
        OrderDelivered zero = delivered(noUnits, "cust-p", deliveredAt);
        zero = zero.toBuilder().setItems(0, zero.getItems(0).toBuilder().setQuantity(0)).build();
        String negative = "ord-poison-" + UUID.randomUUID();
        OrderDelivered minus = delivered(negative, "cust-p", deliveredAt).toBuilder().setGrandTotal(money(-1)).build();
        String twice = "ord-poison-" + UUID.randomUUID();
        OrderDelivered doubled = delivered(twice, "cust-p", deliveredAt);
        doubled = doubled.toBuilder().addItems(doubled.getItems(0)).build();
        Map<String, String> eventIds = new HashMap<>();
        for (Map.Entry<String, OrderDelivered> bad : Map.of(noUnits, zero, negative, minus, twice, doubled).entrySet()) {
            String eventId = UUID.randomUUID().toString();
            eventIds.put(bad.getKey(), eventId);
            publishOrderEvent(eventId, "order.delivered", bad.getKey(), bad.getValue());
        }
        // Keyed like the last bad one, so it is behind it on the same partition; it must not wait for ever.
        String valid = "ord-evt-" + UUID.randomUUID();
        publishOrderEvent(UUID.randomUUID().toString(), "order.delivered", twice, delivered(valid, "cust-v", deliveredAt));
        awaitProjected(valid);
        for (String orderId : List.of(noUnits, negative, twice)) {
            Instant until = Instant.now().plus(PATIENCE);
            while (queryLong("SELECT count(*) FROM parked_order_events WHERE order_id = ?", orderId) == 0
                && Instant.now().isBefore(until)) {
                Thread.sleep(50);
            }
            assertThat(queryLong("SELECT count(*) FROM order_projection WHERE order_id = ?", orderId)).as(orderId).isZero();
            assertThat(queryString("SELECT event_id FROM parked_order_events WHERE order_id = ?", orderId))
                .isEqualTo(eventIds.get(orderId));
        }
        assertThat(queryString("SELECT reason FROM parked_order_events WHERE order_id = ?", noUnits)).contains("items[0].quantity");
        assertThat(queryString("SELECT reason FROM parked_order_events WHERE order_id = ?", negative)).contains("grand_total");
        assertThat(queryString("SELECT reason FROM parked_order_events WHERE order_id = ?", twice)).contains("items[1].order_item_id");
        assertThat(queryString("SELECT event_type FROM parked_order_events WHERE order_id = ?", twice)).isEqualTo("order.delivered");
        assertThat(queryString("SELECT payload FROM parked_order_events WHERE order_id = ?", negative)).contains(negative);
        assertThat(registry.counter("cartwright.returns.order_events", "outcome", "parked").count() - parkedBefore).isEqualTo(3);
    }

    @Test
    void anIdempotencyKeyBelongsToOneRequestForADayAndToOneCustomer() throws Exception {
        String customer = customer();
        OrderDetails order = deliveredOrder(customer, clock.instant().minus(Duration.ofDays(2)), new OrderSimulator.Line(product(17), 3));
        awaitProjected(order.getOrderId());
        String key = "key-" + UUID.randomUUID();
        CreateReturnRequest one = CreateReturnRequest.newBuilder().setOrderId(order.getOrderId()).setIdempotencyKey(key)
            .addItems(item("1", 1, "changed_mind")).build();
        ReturnRequest first = exchange(() -> client.createReturnRequest(one));
        // The same request again: the same return, nothing new.
        assertThat(exchange(() -> client.createReturnRequest(one)).getReturnId()).isEqualTo(first.getReturnId());
        // The same key with another request is refused, never answered with the first one's return.
        for (CreateReturnRequest other : List.of(one.toBuilder().setItems(0, item("1", 2, "changed_mind")).build(),
            one.toBuilder().setNote("a different note").build(), one.toBuilder().setResolution("store_credit").build())) {
            Outcome<ReturnRequest> reused = invoke(ReturnServiceGrpcClient.CreateReturnRequest, other);
            assertThat(reused.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
            assertThat(reused.message()).isEqualTo("idempotency_key: key reused with different parameters");
        }
        assertThat(queryLong("SELECT count(*) FROM return_requests WHERE order_id = ?", order.getOrderId())).isEqualTo(1);
        assertThat(queryString("SELECT request_fingerprint FROM return_requests WHERE return_id = ?", first.getReturnId()))
            .hasSize(64);

        // Another customer's request with the same key is theirs alone.
        OrderDetails another = deliveredOrder(customer(), clock.instant().minus(Duration.ofDays(2)),
            new OrderSimulator.Line(product(18), 1));
        awaitProjected(another.getOrderId());
        ReturnRequest theirs = exchange(() -> client.createReturnRequest(one.toBuilder().setOrderId(another.getOrderId()).build()));
        assertThat(theirs.getReturnId()).isNotEqualTo(first.getReturnId());
        assertThat(theirs.getCustomerId()).isEqualTo(another.getCustomerId());

        // Keys are kept a day, counted, and then forgotten: the key may be used again.
        Instant until = Instant.now().plus(PATIENCE);
        while (keysGauge() != countKeys() && Instant.now().isBefore(until)) {
            Thread.sleep(50);
        }
        assertThat(keysGauge()).isEqualTo(countKeys()).isGreaterThanOrEqualTo(2);
        clock.advance(Duration.ofHours(25));
        ReturnRequest later = exchange(() -> client.createReturnRequest(one.toBuilder().setItems(0, item("1", 2, "changed_mind")).build()));
        assertThat(later.getReturnId()).isNotEqualTo(first.getReturnId());
        assertThat(later.getItems(0).getQuantity()).isEqualTo(2);
        until = Instant.now().plus(PATIENCE);
        while (queryLong("SELECT count(*) FROM return_requests WHERE idempotency_key IS NOT NULL AND return_id = ?",
            first.getReturnId()) > 0 && Instant.now().isBefore(until)) {
            Thread.sleep(50);
        }
        assertThat(queryString("SELECT idempotency_key FROM return_requests WHERE return_id = ?", first.getReturnId())).isNull();
        assertThat(queryString("SELECT idempotency_key FROM return_requests WHERE return_id = ?", later.getReturnId())).isEqualTo(key);
    }

    private long keysGauge() {
        var gauge = registry.find("cartwright.returns.idempotency_keys").gauge();
        return gauge == null ? -1 : (long) gauge.value();
    }

    private long countKeys() throws SQLException {
        try (Connection c = pg.connect(schema); PreparedStatement s = c.prepareStatement(
            "SELECT count(*) FROM return_requests WHERE idempotency_key IS NOT NULL"); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void aRefundThatExhaustsItsAttemptsStaysVisibleAndStaffCanDriveItAgain() throws Exception {
        SimpleMeterRegistry fewMeters = new SimpleMeterRegistry();
        ReturnApplication few = givingUpAfterTwoAttempts("returns_few", fewMeters);
        HttpServer admin = vertx.createHttpServer().requestHandler(few.refundsAdmin()).listen(0, "127.0.0.1").await();
        try {
            ReturnServiceGrpcClient fewClient = ReturnServiceGrpcClient.create(grpc, SocketAddress.inetSocketAddress(few.grpcPort(),
                "127.0.0.1"));
            OrderDetails order = sim.order().createDeliveredOrder(customer(), clock.instant().minus(Duration.ofDays(2)),
                new OrderSimulator.Line(product(19), 1)).await();
            String id = fewClient.createReturnRequest(CreateReturnRequest.newBuilder().setOrderId(order.getOrderId())
                .addItems(item("1", 1, "defective")).build()).await().getReturnId();
            fewClient.approveReturn(ApproveReturnRequest.newBuilder().setReturnId(id).build()).await();
            fewClient.receiveItems(ReceiveItemsRequest.newBuilder().setReturnId(id).addItems(ReceivedItem.newBuilder()
                .setOrderItemId("1").setQuantityReceived(1).setCondition("resellable").setPassedInspection(true)).build()).await();
            GetReturnRequestRequest get = GetReturnRequestRequest.newBuilder().setReturnId(id).build();
            // Refused outright on both attempts (each a call and its retry), so payment is sure it paid nothing.
            sim.knobs(SimService.PAYMENT).failNext(4);
            fewClient.processRefund(ProcessRefundRequest.newBuilder().setReturnId(id).build()).await();
            Instant until = Instant.now().plus(PATIENCE);
            ReturnRequest r = fewClient.getReturnRequest(get).await();
            while (r.getRefunds(0).getStatus() != RefundStatus.REFUND_STATUS_FAILED && Instant.now().isBefore(until)) {
                Thread.sleep(50);
                r = fewClient.getReturnRequest(get).await();
            }
            // Given up on, and visible as such: the refund's status and reason over the API, the return where it was.
            assertThat(r.getRefunds(0).getStatus()).isEqualTo(RefundStatus.REFUND_STATUS_FAILED);
            assertThat(r.getRefunds(0).getAttempts()).isEqualTo(2);
            assertThat(r.getRefunds(0).getLastError()).contains("payment");
            assertThat(r.getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_ITEMS_RECEIVED);
            until = Instant.now().plus(PATIENCE);
            while (fewMeters.find("cartwright.returns.refunds.failed").gauge() == null
                || fewMeters.find("cartwright.returns.refunds.failed").gauge().value() != 1.0) {
                assertThat(Instant.now()).isBefore(until);
                Thread.sleep(50);
            }
            HttpReply listed = http(admin.actualPort(), null, HttpMethod.GET, "/refunds", null);
            assertThat(listed.status()).isEqualTo(200);
            assertThat(listed.body()).contains(id).contains("payment");

            assertThat(r.getRefunds(0).getLastError()).contains("payment has no refund under its key");
            assertThat(sim.payment().refundsIssued(id + ":refund")).isZero();

            // Driven again by staff once payment is back: paid once, the return completed.
            assertThat(http(admin.actualPort(), null, HttpMethod.POST, "/refunds/no-such-return/retry", "").status()).isEqualTo(404);
            HttpReply retried = http(admin.actualPort(), null, HttpMethod.POST, "/refunds/" + id + "/retry", "");
            assertThat(retried.status()).isEqualTo(200);
            assertThat(retried.body()).contains("\"completed\"");
            ReturnRequest done = fewClient.getReturnRequest(get).await();
            assertThat(done.getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_COMPLETED);
            assertThat(done.getRefunds(0).getStatus()).isEqualTo(RefundStatus.REFUND_STATUS_COMPLETED);
            assertThat(sim.payment().refundsIssued(id + ":refund")).isEqualTo(1);
            assertThat(http(admin.actualPort(), null, HttpMethod.POST, "/refunds/" + id + "/retry", "").status()).isEqualTo(409);
            until = Instant.now().plus(PATIENCE);
            while (fewMeters.find("cartwright.returns.refunds.failed").gauge().value() != 0.0) {
                assertThat(Instant.now()).isBefore(until);
                Thread.sleep(50);
            }
        } finally {
            admin.close().await(10, TimeUnit.SECONDS);
            few.stop().await(20, TimeUnit.SECONDS);
        }
    }

    /** A service of its own (own schema, own consumer group) that gives up on a refund after two attempts. */
    private ReturnApplication givingUpAfterTwoAttempts(String schemaPrefix, SimpleMeterRegistry meters) {
        Map<String, String> fewEnv = new HashMap<>(env);
        fewEnv.put("CARTWRIGHT_RETURN_DB_SCHEMA", pg.freshSchema(schemaPrefix));
        fewEnv.put("CARTWRIGHT_RETURN_CONSUMER_GROUP", env.get("CARTWRIGHT_RETURN_CONSUMER_GROUP") + "_" + schemaPrefix);
        fewEnv.put("CARTWRIGHT_RETURN_REFUND_MAX_ATTEMPTS", "2");
        fewEnv.put("CARTWRIGHT_NEIGHBOUR_TIMEOUT", "2s");
        return ReturnApplication.start(vertx, ReturnConfig.read(ConfigReader.from(fewEnv)), meters, clock, UUID::randomUUID).await();
    }

    @Test
    void aRefundWhoseAnswersWereLostIsNotGivenUpWhilePaymentPaidIt() throws Exception {
        ReturnApplication few = givingUpAfterTwoAttempts("returns_lost", new SimpleMeterRegistry());
        try {
            ReturnServiceGrpcClient fewClient = ReturnServiceGrpcClient.create(grpc, SocketAddress.inetSocketAddress(few.grpcPort(),
                "127.0.0.1"));
            OrderDetails order = sim.order().createDeliveredOrder(customer(), clock.instant().minus(Duration.ofDays(2)),
                new OrderSimulator.Line(product(21), 1)).await();
            String id = fewClient.createReturnRequest(CreateReturnRequest.newBuilder().setOrderId(order.getOrderId())
                .addItems(item("1", 1, "defective")).build()).await().getReturnId();
            fewClient.approveReturn(ApproveReturnRequest.newBuilder().setReturnId(id).build()).await();
            fewClient.receiveItems(ReceiveItemsRequest.newBuilder().setReturnId(id).addItems(ReceivedItem.newBuilder()
                .setOrderItemId("1").setQuantityReceived(1).setCondition("resellable").setPassedInspection(true)).build()).await();
            // Every refund call of both attempts (a call and its retry each) is carried out by payment, whose answer
            // then never arrives: the first pays, the others find that refund under the key; none is answered.
            sim.knobs(SimService.PAYMENT).commitThenTimeoutNext(4);
            fewClient.processRefund(ProcessRefundRequest.newBuilder().setReturnId(id).build()).await();
            GetReturnRequestRequest get = GetReturnRequestRequest.newBuilder().setReturnId(id).build();
            Instant until = Instant.now().plus(PATIENCE);
            ReturnRequest r = fewClient.getReturnRequest(get).await();
            while (r.getRefunds(0).getStatus() == RefundStatus.REFUND_STATUS_PENDING && Instant.now().isBefore(until)) {
                Thread.sleep(50);
                r = fewClient.getReturnRequest(get).await();
            }
            // Paid once, so completed: not given up on as failed while the customer has the money.
            assertThat(sim.payment().refundsIssued(id + ":refund")).isEqualTo(1);
            assertThat(r.getRefunds(0).getStatus()).isEqualTo(RefundStatus.REFUND_STATUS_COMPLETED);
            assertThat(r.getRefunds(0).getPaymentRefundId()).isEqualTo(sim.payment().refund(id + ":refund").orElseThrow().getRefundId());
            assertThat(r.getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_COMPLETED);
            assertThat(sim.payment().refundsForOrder(order.getOrderId())).hasSize(1);
        } finally {
            few.stop().await(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void twentyConcurrentRetriesWithOneKeyMakeOneReturn() throws Exception {
        OrderDetails order = deliveredOrder(customer(), clock.instant().minus(Duration.ofDays(2)), new OrderSimulator.Line(product(20), 2));
        awaitProjected(order.getOrderId());
        CreateReturnRequest same = CreateReturnRequest.newBuilder().setOrderId(order.getOrderId())
            .setIdempotencyKey("key-" + UUID.randomUUID()).addItems(item("1", 2, "damaged")).build();
        List<Future<ReturnRequest>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(OnContext.call(vertx, () -> client.createReturnRequest(same)));
        }
        Future.join(new ArrayList<>(calls)).await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        Set<String> ids = new HashSet<>();
        for (Future<ReturnRequest> call : calls) {
            assertThat(call.succeeded()).as("every retry succeeds: " + call.cause()).isTrue();
            ids.add(call.result().getReturnId());
        }
        assertThat(ids).hasSize(1);
        assertThat(queryLong("SELECT count(*) FROM return_requests WHERE order_id = ?", order.getOrderId())).isEqualTo(1);
        assertThat(queryLong("SELECT count(*) FROM outbox WHERE event_type = 'return.requested' AND aggregate_id = ?",
            ids.iterator().next())).isEqualTo(1);
    }

    // ---- tracing ---------------------------------------------------------------------------------------------

    @Test
    void theConsumerContinuesTheEventsTraceAndACallIsOneTraceToItsEvent() throws Exception {
        OrderDetails order = deliveredOrder(customer(), clock.instant().minus(Duration.ofDays(1)), new OrderSimulator.Line(product(9), 2));
        CloudEvent delivered = orderEvents.await(s -> order.getOrderId().equals(s.key()) && "order.delivered".equals(s.event().getType()),
            PATIENCE, "order.delivered for " + order.getOrderId()).event();

        // The same event again, as a producer inside a trace would send it.
        String producerTrace = hex(32);
        String producerSpan = hex(16);
        CloudEvent traced = CloudEventBuilder.v1(delivered).withId(UUID.randomUUID().toString())
            .withExtension("traceparent", "00-" + producerTrace + "-" + producerSpan + "-01").build();
        producer.send(new ProducerRecord<>(orderTopic, order.getOrderId(), traced)).get(30, TimeUnit.SECONDS);
        SpanData consumed = awaitSpan(producerTrace, "order.delivered process");
        assertThat(consumed.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(consumed.getParentSpanId()).isEqualTo(producerSpan);
        assertThat(consumed.getAttributes().asMap().toString()).contains(traced.getId());
        // What the projection did for it (its SQL) is inside the consumer's span.
        assertThat(spansOf(producerTrace)).anyMatch(s -> s.getParentSpanId().equals(consumed.getSpanId()));
        assertThat(spans.getFinishedSpanItems()).as("an event without a trace context starts none")
            .noneMatch(s -> s.getName().equals("order.delivered process") && !s.getTraceId().equals(producerTrace));

        String callTrace = hex(32);
        String callerSpan = hex(16);
        ReturnRequest created = OnContext.call(vertx, () -> grpc.request(address, ReturnServiceGrpcClient.CreateReturnRequest)
            .compose(req -> {
                req.headers().set("traceparent", "00-" + callTrace + "-" + callerSpan + "-01");
                return req.send(CreateReturnRequest.newBuilder().setOrderId(order.getOrderId())
                    .addItems(ReturnItemRequest.newBuilder().setOrderItemId("1").setQuantity(1).setReason("defective")).build());
            }).compose(resp -> resp.last().onFailure(e -> {
                throw new AssertionError("CreateReturnRequest answered " + resp.status() + ": " + resp.statusMessage());
            }))).await(30, TimeUnit.SECONDS);
        SpanData call = awaitSpan(callTrace, "return.v1.ReturnService/CreateReturnRequest");
        assertThat(call.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(call.getParentSpanId()).isEqualTo(callerSpan);
        CloudEvent requested = tap.await(created.getReturnId(), "return.requested").event();
        assertThat(requested.getExtension("traceparent")).asString().startsWith("00-" + callTrace + "-");
    }

    private static String hex(int length) {
        return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "").substring(0, length);
    }

    private List<SpanData> spansOf(String traceId) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    private SpanData awaitSpan(String traceId, String name) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<SpanData> span = spansOf(traceId).stream().filter(s -> s.getName().equals(name)).findFirst();
            if (span.isPresent()) {
                return span.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no span " + name + " in trace " + traceId + "; it holds "
            + spansOf(traceId).stream().map(SpanData::getName).toList());
    }
}
