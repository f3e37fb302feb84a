package dev.cartwright.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.PaymentRefund;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP endpoint (JSON, independent of the gRPC contracts) for turning knobs and driving the simulated
 * platform by hand or from load tests:
 * <pre>
 * GET  /status                          ports, calls and injected failures per simulator, demo order id
 * GET  /demo-order                      {"orderId":..., "customerId":"123", "order":{...}}: the delivered demo order
 * POST /demo-order                      a fresh delivered demo order (the old one may be returned in full already)
 * GET  /knobs                           every simulator's knobs
 * POST /knobs                           {"service":"payment"|"all", "latencyMs":50, "errorRate":0.1, "failNext":3,
 *                                        "declineAll":false, "down":false, "outOfStock":["456"], "reset":false,
 *                                        "commitThenTimeoutNext":2}
 *                                       (fields left out keep their value; "reset":true starts from no knobs)
 * POST /knobs/reset                     every simulator well-behaved again
 * GET  /orders/{id}                     an order, as protobuf JSON
 * POST /orders/{id}/ship                mark shipped, publish order.shipped
 * POST /orders/{id}/deliver             mark delivered, publish order.shipped (if needed) and order.delivered
 * POST /orders/delivered                {"customerId":"123","items":[{"productId":"456","quantity":2}]}: a delivered order
 * POST /prices                          {"productId":"456","unitPriceMinor":1299}: change a price, publish price.changed
 * POST /stock                           {"productId":"456","available":10}: set stock, publish stock.changed
 * GET  /refunds?key=K                   refund requests and refunds issued under idempotency key K
 * GET  /refunds?orderId=O               refunds issued for order O and their sum
 * </pre>
 * Bad input gets 400 with {"error": "..."}; an unknown id 404.
 */
final class AdminEndpoint implements Handler<HttpServerRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(AdminEndpoint.class);
    private static final JsonFormat.Printer PROTO_JSON = JsonFormat.printer();

    private final PlatformSim sim;

    AdminEndpoint(PlatformSim sim) {
        this.sim = sim;
    }

    @Override
    public void handle(HttpServerRequest request) {
        request.body()
            .compose(body -> route(request, body.length() == 0 ? new JsonObject() : body.toJsonObject()))
            .onSuccess(reply -> send(request, 200, reply))
            .onFailure(e -> {
                if (e instanceof NotFound) {
                    send(request, 404, new JsonObject().put("error", e.getMessage()));
                } else if (e instanceof IllegalArgumentException || e instanceof DecodeException || e instanceof ClassCastException) {
                    send(request, 400, new JsonObject().put("error", e.getMessage()));
                } else {
                    LOG.warn("admin request {} {} failed", request.method(), request.path(), e);
                    send(request, 500, new JsonObject().put("error", String.valueOf(e)));
                }
            });
    }

    private Future<JsonObject> route(HttpServerRequest request, JsonObject body) {
        String path = request.path();
        HttpMethod method = request.method();
        String[] parts = path.replaceAll("^/+|/+$", "").split("/");
        if (method == HttpMethod.GET && path.equals("/status")) {
            return Future.succeededFuture(status());
        }
        if (path.equals("/demo-order") && method == HttpMethod.GET) {
            return Future.succeededFuture(demoOrder(sim.demoOrder().orElseThrow(() -> new NotFound(
                "no demo order: start with CARTWRIGHT_SIM_DEMO_ORDER=true or POST /demo-order"))));
        }
        if (path.equals("/demo-order") && method == HttpMethod.POST) {
            return sim.newDemoOrder().map(AdminEndpoint::demoOrder);
        }
        if (method == HttpMethod.GET && path.equals("/knobs")) {
            return Future.succeededFuture(allKnobs());
        }
        if (method == HttpMethod.POST && path.equals("/knobs")) {
            return Future.succeededFuture(turnKnobs(body));
        }
        if (method == HttpMethod.POST && path.equals("/knobs/reset")) {
            sim.resetKnobs();
            return Future.succeededFuture(allKnobs());
        }
        if (method == HttpMethod.POST && path.equals("/orders/delivered")) {
            return deliveredOrder(body);
        }
        if (parts.length == 2 && parts[0].equals("orders") && method == HttpMethod.GET) {
            return Future.succeededFuture(proto(sim.order().order(parts[1]).orElseThrow(() -> new NotFound("no order " + parts[1]))));
        }
        if (parts.length == 3 && parts[0].equals("orders") && method == HttpMethod.POST) {
            if (sim.order().order(parts[1]).isEmpty()) {
                return Future.failedFuture(new NotFound("no order " + parts[1]));
            }
            return switch (parts[2]) {
                case "ship" -> sim.order().markShipped(parts[1]).map(AdminEndpoint::proto);
                case "deliver" -> sim.order().markDelivered(parts[1]).map(AdminEndpoint::proto);
                default -> Future.failedFuture(new NotFound("no action " + parts[2]));
            };
        }
        if (method == HttpMethod.POST && path.equals("/delivery-delay")) {
            sim.order().deliveryDelay(java.time.Duration.ofMillis(body.getLong("millis", 0L)));
            return Future.succeededFuture(new JsonObject().put("deliveryDelayMillis", sim.order().deliveryDelay().toMillis()));
        }
        if (method == HttpMethod.POST && path.equals("/prices")) {
            String productId = required(body, "productId");
            long price = body.getLong("unitPriceMinor", -1L);
            return sim.pricing().changePrice(productId, price)
                .map(v -> new JsonObject().put("productId", productId).put("unitPriceMinor", sim.pricing().priceOf(productId)));
        }
        if (method == HttpMethod.POST && path.equals("/stock")) {
            String productId = required(body, "productId");
            int available = body.getInteger("available", -1);
            return sim.warehouse().setStock(productId, available)
                .map(v -> new JsonObject().put("productId", productId).put("available", sim.warehouse().availableOf(productId)));
        }
        if (method == HttpMethod.GET && path.equals("/refunds")) {
            return Future.succeededFuture(refunds(request));
        }
        return Future.failedFuture(new NotFound("no such admin endpoint: " + method + " " + path));
    }

    private JsonObject status() {
        JsonObject simulators = new JsonObject();
        for (SimService service : SimService.values()) {
            ServiceKnobs knobs = sim.knobs(service);
            simulators.put(service.key(), new JsonObject()
                .put("port", sim.ports().getOrDefault(service, 0))
                .put("calls", knobs.calls())
                .put("injectedFailures", knobs.injectedFailures())
                .put("knobs", toJson(knobs.current())));
        }
        return new JsonObject()
            .put("adminPort", sim.adminPort())
            .put("simulators", simulators)
            .put("kafka", sim.publishesEvents())
            .put("autoDeliver", sim.order().autoDeliver())
            .put("deliveryDelayMillis", sim.order().deliveryDelay().toMillis())
            .put("demoOrderId", sim.demoOrder().map(OrderDetails::getOrderId).orElse(null))
            .put("products", sim.catalogue().size())
            .put("orders", sim.order().orderCount())
            .put("refunds", sim.payment().refundCount());
    }

    private JsonObject allKnobs() {
        JsonObject all = new JsonObject();
        for (SimService service : SimService.values()) {
            all.put(service.key(), toJson(sim.knobs(service).current()));
        }
        return all;
    }

    private JsonObject turnKnobs(JsonObject body) {
        String name = required(body, "service");
        List<SimService> services = new ArrayList<>();
        if (name.equalsIgnoreCase("all")) {
            services.addAll(List.of(SimService.values()));
        } else {
            services.add(SimService.byKey(name).orElseThrow(() -> new IllegalArgumentException(
                "service: expected catalog, pricing, promotion, warehouse, payment, shipping, order, customer or all, was " + name)));
        }
        UnaryOperator<Knobs> change = change(body);
        for (SimService service : services) {
            sim.knobs(service).update(change);
        }
        if (services.size() == 1) {
            return toJson(sim.knobs(services.get(0)).current());
        }
        return allKnobs();
    }

    /** The change a POST /knobs body asks for; validated here so a bad body changes nothing. */
    private static UnaryOperator<Knobs> change(JsonObject body) {
        boolean reset = body.getBoolean("reset", false);
        Long latency = body.getLong("latencyMs");
        Double errorRate = body.getDouble("errorRate");
        Integer failNext = body.getInteger("failNext");
        Integer commitThenTimeout = body.getInteger("commitThenTimeoutNext");
        Boolean declineAll = body.getBoolean("declineAll");
        Boolean down = body.getBoolean("down");
        JsonArray outOfStock = body.getJsonArray("outOfStock");
        Set<String> outOfStockIds = new LinkedHashSet<>();
        if (outOfStock != null) {
            for (Object id : outOfStock) {
                outOfStockIds.add(String.valueOf(id));
            }
        }
        Knobs probe = apply(Knobs.NONE, false, latency, errorRate, failNext, declineAll, down, outOfStock == null ? null : outOfStockIds,
            commitThenTimeout);
        LOG.debug("knob change validated: {}", probe);
        return knobs -> apply(knobs, reset, latency, errorRate, failNext, declineAll, down, outOfStock == null ? null : outOfStockIds,
            commitThenTimeout);
    }

    private static Knobs apply(Knobs start, boolean reset, Long latency, Double errorRate, Integer failNext, Boolean declineAll,
        Boolean down, Set<String> outOfStock, Integer commitThenTimeout) {
        Knobs knobs = reset ? Knobs.NONE : start;
        if (commitThenTimeout != null) {
            knobs = knobs.withCommitThenTimeoutNext(commitThenTimeout);
        }
        if (latency != null) {
            knobs = knobs.withLatencyMs(latency);
        }
        if (errorRate != null) {
            knobs = knobs.withErrorRate(errorRate);
        }
        if (failNext != null) {
            knobs = knobs.withFailNext(failNext);
        }
        if (declineAll != null) {
            knobs = knobs.withDeclineAll(declineAll);
        }
        if (down != null) {
            knobs = knobs.withDown(down);
        }
        if (outOfStock != null) {
            knobs = knobs.withOutOfStock(outOfStock);
        }
        return knobs;
    }

    private Future<JsonObject> deliveredOrder(JsonObject body) {
        String customerId = body.getString("customerId", SimConfig.DEMO_CUSTOMER);
        JsonArray items = body.getJsonArray("items");
        if (items == null || items.isEmpty()) {
            throw new IllegalArgumentException("items: at least one {\"productId\":..., \"quantity\":...} is required");
        }
        List<OrderSimulator.Line> lines = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonObject item = items.getJsonObject(i);
            lines.add(new OrderSimulator.Line(required(item, "productId"), item.getInteger("quantity", 1)));
        }
        Instant deliveredAt = Optional.ofNullable(body.getString("deliveredAt")).map(Instant::parse)
            .orElseGet(() -> sim.config().clock().instant());
        return sim.order().createDeliveredOrder(customerId, deliveredAt, lines.toArray(OrderSimulator.Line[]::new))
            .map(AdminEndpoint::proto);
    }

    private JsonObject refunds(HttpServerRequest request) {
        String key = request.getParam("key");
        String orderId = request.getParam("orderId");
        if (key != null) {
            return new JsonObject()
                .put("key", key)
                .put("requests", sim.payment().refundRequests(key))
                .put("issued", sim.payment().refundsIssued(key))
                .put("refund", sim.payment().refund(key).map(AdminEndpoint::proto).orElse(null));
        }
        if (orderId != null) {
            JsonArray refunds = new JsonArray();
            for (PaymentRefund refund : sim.payment().refundsForOrder(orderId)) {
                refunds.add(proto(refund));
            }
            return new JsonObject()
                .put("orderId", orderId)
                .put("refunds", refunds)
                .put("refundedMinor", sim.payment().refundedForOrder(orderId));
        }
        throw new IllegalArgumentException("give ?key=<idempotency key> or ?orderId=<order id>");
    }

    private static JsonObject demoOrder(OrderDetails order) {
        return new JsonObject()
            .put("orderId", order.getOrderId())
            .put("customerId", order.getCustomerId())
            .put("order", proto(order));
    }

    static JsonObject toJson(Knobs knobs) {
        return new JsonObject()
            .put("latencyMs", knobs.latencyMs())
            .put("errorRate", knobs.errorRate())
            .put("failNext", knobs.failNext())
            .put("declineAll", knobs.declineAll())
            .put("down", knobs.down())
            .put("outOfStock", new JsonArray(List.copyOf(knobs.outOfStock())))
            .put("commitThenTimeoutNext", knobs.commitThenTimeoutNext());
    }

    private static String required(JsonObject body, String field) {
        String value = body.getString(field);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }

    private static JsonObject proto(Message message) {
        try {
            return new JsonObject(PROTO_JSON.print(message));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(HttpServerRequest request, int status, JsonObject body) {
        request.response()
            .setStatusCode(status)
            .putHeader("content-type", "application/json")
            .end(body.encodePrettily() + "\n");
    }

    /** An admin request naming something that does not exist. */
    private static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message);
        }
    }
}
