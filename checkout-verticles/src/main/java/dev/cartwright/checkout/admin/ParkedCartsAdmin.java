package dev.cartwright.checkout.admin;

import static dev.cartwright.service.admin.AdminAnswer.allowed;
import static dev.cartwright.service.admin.AdminAnswer.reply;

import dev.cartwright.cart.CartText;
import dev.cartwright.cart.store.ParkedCartReplay;
import dev.cartwright.cart.store.ParkedCartReplay.Outcome;
import dev.cartwright.cart.store.ParkedCarts;
import dev.cartwright.service.admin.AdminAnswer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parked carts on the Checkout Service's admin port, for operators (and {@code ./cartwright parked}):
 * <ul>
 *   <li>{@code GET /parked-carts[?limit=100]} lists them, oldest first, each with the reason PostgreSQL gave, the
 *       version refused and the version stored now, and the cart as it was refused;</li>
 *   <li>{@code POST /parked-carts/<cart_id>/replay} replays one: 200 when stored (or already stored, "superseded"),
 *       409 when refused again (the reason in the body), 404 when the cart is not parked;</li>
 *   <li>{@code POST /parked-carts/replay-all[?limit=1000]} replays them one after the other and reports each.</li>
 * </ul>
 * A database or Redis that cannot be reached answers 503 and changes nothing. Replies are JSON.
 */
public final class ParkedCartsAdmin implements Handler<HttpServerRequest> {

    /** Where the parked carts are served on the admin port. */
    public static final String PATH = "/parked-carts";

    private static final Logger LOG = LoggerFactory.getLogger(ParkedCartsAdmin.class);
    private static final int MAX_LIMIT = 10_000;

    private final ParkedCartReplay replay;

    public ParkedCartsAdmin(ParkedCartReplay replay) {
        this.replay = replay;
    }

    @Override
    public void handle(HttpServerRequest request) {
        String rest = request.path().substring(PATH.length());
        if (rest.isEmpty() || rest.equals("/")) {
            if (allowed(request, HttpMethod.GET)) {
                limit(request, 100).ifPresent(limit -> send(request, list(limit)));
            }
        } else if (rest.equals("/replay-all")) {
            if (allowed(request, HttpMethod.POST)) {
                limit(request, 1_000).ifPresent(limit -> send(request, replayAll(limit)));
            }
        } else if (rest.endsWith("/replay") && rest.indexOf('/', 1) == rest.length() - "/replay".length()) {
            String cartId = rest.substring(1, rest.length() - "/replay".length());
            if (!CartText.isCartId(cartId)) {
                reply(request, 400, new JsonObject().put("error", "cart_id must be 1-64 letters, digits, '-' or '_': " + cartId));
            } else if (allowed(request, HttpMethod.POST)) {
                send(request, replayOne(cartId));
            }
        } else {
            reply(request, 404, new JsonObject().put("error", "no such path; see GET " + PATH));
        }
    }


    private Future<AdminAnswer> list(int limit) {
        return replay.parked().list(limit).map(carts -> {
            JsonArray parked = new JsonArray();
            carts.forEach(cart -> parked.add(json(cart)));
            return new AdminAnswer(200, new JsonObject().put("count", carts.size()).put("parked", parked));
        });
    }

    private Future<AdminAnswer> replayOne(String cartId) {
        LOG.info("event=parked_cart_replay_requested cart_id={}", cartId);
        return replay.replay(cartId).map(outcome -> new AdminAnswer(status(outcome), json(outcome)));
    }

    private Future<AdminAnswer> replayAll(int limit) {
        LOG.info("event=parked_carts_replay_all_requested limit={}", limit);
        return replay.replayAll(limit).map(outcomes -> {
            JsonArray results = new JsonArray();
            outcomes.forEach(outcome -> results.add(json(outcome)));
            return new AdminAnswer(200, new JsonObject()
                .put("replayed", count(outcomes, Outcome.Replayed.class))
                .put("superseded", count(outcomes, Outcome.Superseded.class))
                .put("refused_again", count(outcomes, Outcome.RefusedAgain.class))
                .put("results", results));
        });
    }

    private static long count(List<Outcome> outcomes, Class<? extends Outcome> kind) {
        return outcomes.stream().filter(kind::isInstance).count();
    }

    private static int status(Outcome outcome) {
        if (outcome instanceof Outcome.RefusedAgain) {
            return 409;
        }
        if (outcome instanceof Outcome.NotParked) {
            return 404;
        }
        return 200;
    }

    static JsonObject json(Outcome outcome) {
        JsonObject body = new JsonObject().put("cart_id", outcome.cartId());
        if (outcome instanceof Outcome.Replayed replayed) {
            return body.put("outcome", "replayed").put("version", replayed.version());
        }
        if (outcome instanceof Outcome.Superseded superseded) {
            return body.put("outcome", "superseded").put("parked_version", superseded.parkedVersion())
                .put("stored_version", superseded.storedVersion());
        }
        if (outcome instanceof Outcome.RefusedAgain refused) {
            return body.put("outcome", "refused_again").put("version", refused.version()).put("reason", refused.reason())
                .put("sql_state", refused.sqlState().orElse(null));
        }
        return body.put("outcome", "not_parked");
    }

    static JsonObject json(ParkedCarts.ParkedCart cart) {
        return new JsonObject()
            .put("cart_id", cart.cartId())
            .put("version", cart.version())
            .put("stored_version", cart.storedVersion().isPresent() ? cart.storedVersion().getAsLong() : null)
            .put("entry_id", cart.entryId())
            .put("reason", cart.reason())
            .put("sql_state", cart.sqlState().orElse(null))
            .put("parked_at", cart.parkedAt().toString())
            .put("replay_attempts", cart.replayAttempts())
            .put("last_replay_at", cart.lastReplayAt().map(Object::toString).orElse(null))
            .put("cart", cart.cart().orElse(null));
    }

    /** The {@code limit} parameter, or the default; a bad one is answered with 400 (and empty here). */
    private static Optional<Integer> limit(HttpServerRequest request, int defaultLimit) {
        String value = request.getParam("limit");
        if (value == null) {
            return Optional.of(defaultLimit);
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return Optional.of(limit);
            }
        } catch (NumberFormatException notANumber) {
            // Answered below.
        }
        reply(request, 400, new JsonObject().put("error", "limit must be a whole number from 1 to " + MAX_LIMIT + ", was " + value));
        return Optional.empty();
    }

    private static void send(HttpServerRequest request, Future<AdminAnswer> answer) {
        AdminAnswer.send(request, answer, "checkout_db or Redis", "parked_carts_unavailable");
    }
}
