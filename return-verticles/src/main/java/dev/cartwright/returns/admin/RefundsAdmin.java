package dev.cartwright.returns.admin;

import static dev.cartwright.service.admin.AdminAnswer.allowed;
import static dev.cartwright.service.admin.AdminAnswer.reply;

import dev.cartwright.returns.store.StoredRefund;
import dev.cartwright.returns.store.StoredReturn;
import dev.cartwright.returns.workflow.ReturnFailure;
import dev.cartwright.returns.workflow.Settlements;
import dev.cartwright.service.admin.AdminAnswer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The refunds given up on, on the Return Service's admin port, for staff (and {@code ./cartwright refunds}):
 * <ul>
 *   <li>{@code GET /refunds} lists the failed refunds, oldest first, each with its return, amount, attempts and the
 *       last error;</li>
 *   <li>{@code POST /refunds/<return_id>/retry} drives one again: it becomes pending with a fresh count of attempts
 *       and one attempt is made at once; 200 with the refund as it is after that attempt (completed, or pending while
 *       the retry worker keeps trying), 404 when there is no such return, 409 when it has no failed refund or
 *       paying it now would pay out more than the order paid.</li>
 * </ul>
 * A database that cannot be reached answers 503 and changes nothing. Replies are JSON.
 */
public final class RefundsAdmin implements Handler<HttpServerRequest> {

    /** Where the refunds are served on the admin port. */
    public static final String PATH = "/refunds";

    /** The actor the history and the logs name for a retry from here. */
    static final String ACTOR = "staff:admin-port";

    private static final int LIST_LIMIT = 1_000;

    private final Settlements settlements;

    public RefundsAdmin(Settlements settlements) {
        this.settlements = settlements;
    }

    @Override
    public void handle(HttpServerRequest request) {
        String rest = request.path().substring(PATH.length());
        if (rest.isEmpty() || rest.equals("/")) {
            if (allowed(request, HttpMethod.GET)) {
                answer(request, list());
            }
        } else if (rest.endsWith("/retry") && rest.indexOf('/', 1) == rest.length() - "/retry".length()) {
            String returnId = URLDecoder.decode(rest.substring(1, rest.length() - "/retry".length()), StandardCharsets.UTF_8);
            if (returnId.isBlank() || returnId.length() > 200 || returnId.chars().anyMatch(Character::isISOControl)) {
                reply(request, 400, new JsonObject().put("error", "not a return id: " + returnId));
            } else if (allowed(request, HttpMethod.POST)) {
                answer(request, settlements.retryFailed(returnId, ACTOR).map(r -> AdminAnswer.ok(json(r))));
            }
        } else {
            reply(request, 404, new JsonObject().put("error", "no such path; see GET " + PATH));
        }
    }

    private Future<AdminAnswer> list() {
        return settlements.failedRefunds(LIST_LIMIT).map(refunds -> {
            JsonArray failed = new JsonArray();
            refunds.forEach(f -> failed.add(json(f)));
            return AdminAnswer.ok(new JsonObject().put("count", refunds.size()).put("failed", failed));
        });
    }

    private static JsonObject json(StoredReturn r) {
        JsonObject body = new JsonObject().put("return_id", r.returnId()).put("order_id", r.orderId()).put("status", r.status().wireName());
        r.refund().ifPresent(f -> body.put("refund", json(f)));
        return body;
    }

    private static JsonObject json(StoredRefund f) {
        return new JsonObject().put("return_id", f.returnId()).put("refund_id", f.refundId()).put("order_id", f.orderId())
            .put("kind", f.kind().wireName()).put("status", f.status()).put("amount_minor", f.amount()).put("currency", f.currency())
            .put("attempts", f.attempts()).put("last_error", f.lastError()).put("created_at", f.createdAt().toString());
    }

    /** A refusal of the workflow is the operator's answer (404, 409, 400...); anything else is a store out of reach. */
    private static void answer(HttpServerRequest request, Future<AdminAnswer> answer) {
        AdminAnswer.send(request, answer.recover(failure -> failure instanceof ReturnFailure f
            ? Future.succeededFuture(new AdminAnswer(status(f), new JsonObject().put("error", f.getMessage())))
            : Future.failedFuture(failure)), "return_db", "refunds_admin_unavailable");
    }

    private static int status(ReturnFailure failure) {
        return switch (failure.kind()) {
            case NOT_FOUND -> 404;
            case FAILED_PRECONDITION, ABORTED -> 409;
            case INVALID_ARGUMENT -> 400;
            case PERMISSION_DENIED -> 403;
            case UNAVAILABLE -> 503;
        };
    }
}
