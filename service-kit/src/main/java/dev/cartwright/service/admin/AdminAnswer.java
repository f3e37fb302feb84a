package dev.cartwright.service.admin;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One answer of an operator action on the admin port (a status and a JSON body), and the way every action answers:
 * a wrong method is 405 with {@code allow}, a store that cannot be reached is 503 saying that nothing changed, and
 * every body is pretty-printed JSON.
 */
public record AdminAnswer(int status, JsonObject body) {

    private static final Logger LOG = LoggerFactory.getLogger(AdminAnswer.class);

    public static AdminAnswer ok(JsonObject body) {
        return new AdminAnswer(200, body);
    }

    /** Whether the request uses {@code method}; if not, it is answered 405 here. */
    public static boolean allowed(HttpServerRequest request, HttpMethod method) {
        if (request.method().equals(method)) {
            return true;
        }
        request.response().putHeader("allow", method.name());
        reply(request, 405, new JsonObject().put("error", request.method().name() + " " + request.path() + " is not served; use "
            + method.name()));
        return false;
    }

    /**
     * Sends {@code answer} once it is there; when it failed, 503 naming {@code stores} (what could not be reached) and
     * saying that nothing changed, logged as {@code event=<event>}.
     */
    public static void send(HttpServerRequest request, Future<AdminAnswer> answer, String stores, String event) {
        answer.onComplete(done -> {
            if (done.succeeded()) {
                reply(request, done.result().status(), done.result().body());
            } else {
                LOG.warn("event={} path={} error=\"{}\"", event, request.path(), done.cause().toString());
                reply(request, 503, new JsonObject().put("error", stores + " unavailable, nothing changed: " + done.cause().getMessage()));
            }
        });
    }

    public static void reply(HttpServerRequest request, int status, JsonObject body) {
        request.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encodePrettily());
    }
}
