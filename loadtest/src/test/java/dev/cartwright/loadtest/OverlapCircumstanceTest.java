package dev.cartwright.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The driver labels each failed request by what its shopper had going on, so that an UPDATE or REMOVE answered
 * FAILED_PRECONDITION can be told apart: one that overtook the ADD of its line (the open loop under overload sends a
 * busy shopper's next call) from one whose cart lost a change it had acknowledged. The cart here is held in memory
 * and keeps the service's rules for lines (update and remove need the line); each answer waits until the test
 * releases it, so the order in which requests reach the cart is the test's.
 */
class OverlapCircumstanceTest {

    private InMemoryCart cart;
    private LoadDriver driver;
    private LoadDriver.Shopper shopper;

    @BeforeEach
    void oneShopperWithOneItemPerSession() {
        cart = new InMemoryCart();
        // One item per session: ADD, UPDATE, GET, REMOVE, GET, CLEAR.
        driver = new LoadDriver(null, LoadDriver.DriverOptions.parse(new String[] {"--shoppers", "1", "--max-items", "1"}), cart);
        assertThat(driver.createCarts().succeeded()).isTrue();
        shopper = driver.shopper(0);
    }

    @Test
    void oneRequestAfterAnotherGivesNoError() {
        for (int i = 0; i < 12; i++) {
            send();
            cart.answerOldest();
        }

        assertThat(errors().getLong("errorCount")).isZero();
        assertThat(cart.lines).isEmpty();
    }

    @Test
    void anUpdateThatOvertakesItsAddIsCountedAsOverlapping() {
        send(); // ADD
        send(); // UPDATE, sent while the ADD is unanswered
        cart.answerNewest(); // the UPDATE reaches the cart first: its line is not there yet
        cart.answerOldest();

        JsonObject report = errors();
        assertThat(report.getJsonObject("errors").getLong("UPDATE:FAILED_PRECONDITION")).isEqualTo(1);
        assertThat(report.getJsonObject("errorsByCircumstance").getMap())
            .containsExactly(Map.entry("overlapping:UPDATE:FAILED_PRECONDITION", 1L));
        assertThat(report.getLong("unexplainedErrorCount")).isZero();
    }

    @Test
    void theEarlierRequestOfAnOverlappingPairIsCountedAsOverlappingToo() {
        answerInTurn(3); // ADD, UPDATE, GET
        send(); // REMOVE, sent alone
        send(); // GET, overlapping
        send(); // CLEAR, overlapping
        cart.answerNewest(); // the CLEAR first: the REMOVE then finds no line
        cart.answerOldest(); // REMOVE
        cart.answerOldest(); // GET

        assertThat(errors().getJsonObject("errorsByCircumstance").getMap())
            .containsExactly(Map.entry("overlapping:REMOVE:FAILED_PRECONDITION", 1L));
    }

    @Test
    void aLaterRequestOfASessionWhereTwoOverlappedIsCountedAsAfterAnOverlap() {
        answerInTurn(5); // ADD, UPDATE, GET, REMOVE, GET
        send(); // CLEAR, ends the session
        send(); // the next session's ADD, sent while the CLEAR is unanswered
        cart.answerNewest(); // the ADD lands first, then the CLEAR takes its line away
        cart.answerOldest();
        send(); // UPDATE, sent alone: its line is gone
        cart.answerOldest();

        assertThat(errors().getJsonObject("errorsByCircumstance").getMap())
            .containsExactly(Map.entry("after-an-overlap:UPDATE:FAILED_PRECONDITION", 1L));
    }

    @Test
    void aLateFailureOfAnEarlierSessionDoesNotHideTheOverlapOfTheCurrentOne() {
        answerInTurn(3); // ADD X, UPDATE X, GET
        send(); // REMOVE X, sent alone
        send(); // GET, overlapping
        send(); // CLEAR, overlapping
        send(); // the next session's ADD Y, overlapping
        cart.answerNewest(); // ADD Y lands first
        cart.answerNewest(); // then the CLEAR takes Y away
        cart.answerNewest(); // GET
        cart.answerNewest(); // REMOVE X finds no line: a failure of the earlier session, answered last
        send(); // UPDATE Y, sent alone: its line is gone because of the overlap in this session
        cart.answerOldest();

        assertThat(errors().getJsonObject("errorsByCircumstance").getMap()).containsOnly(
            Map.entry("overlapping:REMOVE:FAILED_PRECONDITION", 1L), Map.entry("after-an-overlap:UPDATE:FAILED_PRECONDITION", 1L));
    }

    @Test
    void aLaterRequestOfASessionWithAFailureIsCountedAsAfterAFailure() {
        cart.failNext = () -> new InvalidStatusException(GrpcStatus.OK, GrpcStatus.UNAVAILABLE);
        send(); // ADD, fails and changes nothing
        cart.answerOldest();
        send(); // UPDATE, sent alone
        cart.answerOldest();

        assertThat(errors().getJsonObject("errorsByCircumstance").getMap()).containsOnly(
            Map.entry("none:ADD:UNAVAILABLE", 1L), Map.entry("after-a-failure:UPDATE:FAILED_PRECONDITION", 1L));
        assertThat(errors().getLong("unexplainedErrorCount")).as("nothing in the driver explains the ADD's failure").isEqualTo(1);
    }

    @Test
    void aChangeLostAfterItWasAcknowledgedShowsAsUnexplained() {
        cart.loseNextAdd = true;
        send(); // ADD, answered OK but not kept
        cart.answerOldest();
        send(); // UPDATE, sent alone
        cart.answerOldest();

        JsonObject report = errors();
        assertThat(report.getJsonObject("errorsByCircumstance").getMap())
            .containsExactly(Map.entry("none:UPDATE:FAILED_PRECONDITION", 1L));
        assertThat(report.getLong("unexplainedErrorCount")).isEqualTo(1);
    }

    private void answerInTurn(int requests) {
        for (int i = 0; i < requests; i++) {
            send();
            cart.answerOldest();
        }
    }

    private void send() {
        driver.fire(shopper, System.nanoTime(), true);
    }

    private JsonObject errors() {
        return driver.stats(1_000_000_000L);
    }

    /** One cart of lines, changed in the order the test answers the requests, with the service's rules for lines. */
    /** One cart held in memory with the service's rules for lines; every cart created is that one. */
    static final class InMemoryCart implements CartCalls {

        final Map<String, Integer> lines = new HashMap<>();
        final List<Pending> pending = new ArrayList<>();
        Supplier<RuntimeException> failNext;
        boolean loseNextAdd;

        private record Pending(Promise<Object> answer, Supplier<Object> change) {
        }

        @Override
        public Future<String> create(String currency) {
            return Future.succeededFuture("cart-1");
        }

        @Override
        public Future<?> add(String cartId, String productId, int quantity) {
            return later(() -> {
                if (loseNextAdd) {
                    loseNextAdd = false;
                } else {
                    lines.merge(productId, quantity, Integer::sum);
                }
                return "added";
            });
        }

        @Override
        public Future<?> update(String cartId, String productId, int quantity) {
            return later(() -> lineNeeded(productId, () -> lines.put(productId, quantity)));
        }

        @Override
        public Future<?> remove(String cartId, String productId) {
            return later(() -> lineNeeded(productId, () -> lines.remove(productId)));
        }

        @Override
        public Future<?> get(String cartId) {
            return later(() -> Map.copyOf(lines));
        }

        @Override
        public Future<?> clear(String cartId) {
            return later(() -> {
                lines.clear();
                return "cleared";
            });
        }

        void answerOldest() {
            answer(pending.remove(0));
        }

        void answerNewest() {
            answer(pending.remove(pending.size() - 1));
        }

        private Future<Object> later(Supplier<Object> change) {
            Promise<Object> answer = Promise.promise();
            pending.add(new Pending(answer, change));
            return answer.future();
        }

        private void answer(Pending request) {
            if (failNext != null) {
                RuntimeException failure = failNext.get();
                failNext = null;
                request.answer().fail(failure);
                return;
            }
            try {
                request.answer().complete(request.change().get());
            } catch (InvalidStatusException e) {
                request.answer().fail(e);
            }
        }

        private Object lineNeeded(String productId, Runnable change) {
            if (!lines.containsKey(productId)) {
                throw new InvalidStatusException(GrpcStatus.OK, GrpcStatus.FAILED_PRECONDITION);
            }
            change.run();
            return "changed";
        }
    }
}
