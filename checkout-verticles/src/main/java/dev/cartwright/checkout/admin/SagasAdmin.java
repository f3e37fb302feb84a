package dev.cartwright.checkout.admin;

import static dev.cartwright.service.admin.AdminAnswer.allowed;
import static dev.cartwright.service.admin.AdminAnswer.reply;

import dev.cartwright.cart.CartText;
import dev.cartwright.checkout.store.CheckoutStore;
import dev.cartwright.service.admin.AdminAnswer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The confirmations that need attention, on the Checkout Service's admin port, for operators (and
 * {@code ./cartwright sagas}):
 * <ul>
 *   <li>{@code GET /sagas} lists them, longest waiting first, each with since when, why, and the step its saga was at;</li>
 *   <li>{@code GET /sagas/<checkout_id>} shows one (404 when it does not need attention);</li>
 *   <li>{@code POST /sagas/<checkout_id>/retry} hands one back to the recovery verticle, which resumes it with the same
 *       idempotency keys; the bound counts again from now (404 when it does not need attention).</li>
 * </ul>
 * A database that cannot be reached answers 503 and changes nothing. Replies are JSON.
 */
public final class SagasAdmin implements Handler<HttpServerRequest> {

    /** Where the sagas needing attention are served on the admin port. */
    public static final String PATH = "/sagas";

    private static final Logger LOG = LoggerFactory.getLogger(SagasAdmin.class);
    private static final int LIMIT = 1_000;

    private final CheckoutStore store;
    private final Clock clock;

    public SagasAdmin(CheckoutStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }


    @Override
    public void handle(HttpServerRequest request) {
        String rest = request.path().substring(PATH.length());
        if (rest.isEmpty() || rest.equals("/")) {
            if (allowed(request, HttpMethod.GET)) {
                send(request, store.needingAttention(LIMIT).map(list -> {
                    JsonArray sagas = new JsonArray();
                    list.forEach(a -> sagas.add(json(a)));
                    return new AdminAnswer(200, new JsonObject().put("count", list.size()).put("sagas", sagas));
                }));
            }
            return;
        }
        boolean retry = rest.endsWith("/retry");
        String checkoutId = rest.substring(1, retry ? rest.length() - "/retry".length() : rest.length());
        if (!CartText.isCartId(checkoutId)) {
            reply(request, 400, new JsonObject().put("error", "checkout_id must be 1-64 letters, digits, '-' or '_': " + checkoutId));
        } else if (retry) {
            if (allowed(request, HttpMethod.POST)) {
                LOG.info("event=saga_retry_requested checkout={}", checkoutId);
                send(request, store.retryAttention(checkoutId, clock.instant()).map(done -> done
                    ? new AdminAnswer(200, new JsonObject().put("checkout_id", checkoutId).put("outcome", "retried"))
                    : notNeedingAttention(checkoutId)));
            }
        } else if (allowed(request, HttpMethod.GET)) {
            send(request, store.attention(checkoutId).map(found -> found.map(a -> new AdminAnswer(200, json(a)))
                .orElseGet(() -> notNeedingAttention(checkoutId))));
        }
    }

    private static AdminAnswer notNeedingAttention(String checkoutId) {
        return new AdminAnswer(404, new JsonObject().put("checkout_id", checkoutId).put("outcome", "not_needing_attention"));
    }

    static JsonObject json(CheckoutStore.Attention a) {
        return new JsonObject()
            .put("checkout_id", a.checkoutId())
            .put("cart_id", a.cartId())
            .put("customer_id", a.customerId())
            .put("saga_step", a.sagaStep())
            .put("since", a.since().toString())
            .put("reason", a.reason());
    }

    private static void send(HttpServerRequest request, Future<AdminAnswer> answer) {
        AdminAnswer.send(request, answer, "checkout_db", "sagas_admin_unavailable");
    }
}
