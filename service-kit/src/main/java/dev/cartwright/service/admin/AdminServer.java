package dev.cartwright.service.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Owns the operator's port. {@code GET /live} (liveness) answers 200 whenever the process can answer at all: a
 * dependency that is down is no reason to restart it. {@code GET /ready} (readiness; {@code /health} is the same)
 * runs every registered check (each bounded by a timeout) and answers 200 only when all pass and the service is not
 * draining ({@link #drain}); otherwise 503, so that a load balancer sends it no new work. {@code GET /metrics} is
 * the Prometheus scrape; a service adds its own operator actions under paths of their own ({@link #route}).
 */
public final class AdminServer {

    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final Vertx vertx;
    private final PrometheusMeterRegistry registry;
    private final Map<String, Supplier<Future<?>>> checks = new LinkedHashMap<>();
    private final Map<String, Handler<HttpServerRequest>> routes = new LinkedHashMap<>();
    private volatile boolean draining;

    public AdminServer(Vertx vertx, PrometheusMeterRegistry registry) {
        this.vertx = vertx;
        this.registry = registry;
    }

    /** A named dependency check; a failed future means unhealthy. */
    public AdminServer check(String name, Supplier<Future<?>> check) {
        checks.put(name, check);
        return this;
    }

    /** From now on readiness answers 503 (the service is shutting down); liveness stays 200. */
    public void drain() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }

    /** Hands requests for {@code path} and everything under {@code path + "/"} to {@code handler}. */
    public AdminServer route(String path, Handler<HttpServerRequest> handler) {
        routes.put(path, handler);
        return this;
    }

    public Future<HttpServer> listen(String host, int port) {
        return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
            .requestHandler(this::handle)
            .listen();
    }

    private void handle(HttpServerRequest request) {
        switch (request.path()) {
            case "/live" -> request.response().putHeader("content-type", "application/json").end("{\"status\":\"UP\"}");
            case "/health", "/ready" -> health(request);
            case "/metrics" -> request.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                .end(registry.scrape());
            default -> routed(request);
        }
    }

    private void routed(HttpServerRequest request) {
        String path = request.path();
        for (Map.Entry<String, Handler<HttpServerRequest>> route : routes.entrySet()) {
            if (path.equals(route.getKey()) || path.startsWith(route.getKey() + "/")) {
                route.getValue().handle(request);
                return;
            }
        }
        request.response().setStatusCode(404).end();
    }

    private void health(HttpServerRequest request) {
        if (draining) {
            request.response().setStatusCode(503).putHeader("content-type", "application/json")
                .end(new JsonObject().put("status", "DRAINING").encodePrettily());
            return;
        }
        List<String> names = new ArrayList<>(checks.keySet());
        List<Future<?>> results = new ArrayList<>();
        for (String name : names) {
            results.add(bounded(checks.get(name).get()));
        }
        Future.join(results).onComplete(ignored -> {
            JsonObject body = new JsonObject();
            boolean up = true;
            for (int i = 0; i < names.size(); i++) {
                Future<?> f = results.get(i);
                up &= f.succeeded();
                body.put(names.get(i), f.succeeded() ? "UP" : "DOWN: " + f.cause().getMessage());
            }
            request.response()
                .setStatusCode(up ? 200 : 503)
                .putHeader("content-type", "application/json")
                .end(new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", body).encodePrettily());
        });
    }

    private Future<?> bounded(Future<?> check) {
        return check.timeout(CHECK_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}
