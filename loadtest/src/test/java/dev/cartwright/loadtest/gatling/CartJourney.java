package dev.cartwright.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One shopper's visit over the HTTP/JSON endpoints, shared by every simulation: create a cart,
 * add 1 to 10 products, change a quantity, remove a line, apply a promotion and read the cart.
 * Settings come from system properties so a run can point anywhere and change the think time.
 */
final class CartJourney {

    static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:9003");
    static final Duration THINK = Duration.ofMillis(Long.getLong("thinkMs", 1000));
    static final int MAX_P95_MS = Integer.getInteger("maxP95Ms", 50);
    private static final List<String> PRODUCTS = products(Integer.getInteger("products", 2000));

    private CartJourney() {
    }

    static HttpProtocolBuilder protocol() {
        return http.baseUrl(BASE_URL)
            .contentTypeHeader("application/json")
            .acceptHeader("application/json");
    }

    private static ChainBuilder think() {
        return THINK.isZero() ? exec(session -> session) : pause(THINK.multipliedBy(1), THINK.multipliedBy(2));
    }

    static ChainBuilder visit() {
        return exec(http("CreateCart").post("/v1/carts").body(StringBody("{\"currency_code\":\"USD\"}"))
                .check(status().is(200), jsonPath("$.cartId").saveAs("cartId")))
            .exec(session -> session.set("items", 1 + ThreadLocalRandom.current().nextInt(10)))
            .exec(think())
            .repeat(session -> session.getInt("items")).on(
                exec(session -> session.set("productId", PRODUCTS.get(ThreadLocalRandom.current().nextInt(PRODUCTS.size()))))
                    .exec(http("AddItem").post("/v1/carts/#{cartId}/items")
                        .body(StringBody("{\"product_id\":\"#{productId}\",\"quantity\":1}"))
                        .check(status().is(200)))
                    .exec(think()))
            .exec(http("UpdateItem").put("/v1/carts/#{cartId}/items/#{productId}")
                .body(StringBody("{\"quantity\":3}")).check(status().is(200)))
            .exec(think())
            .exec(http("ApplyPromotion").post("/v1/carts/#{cartId}/promotions")
                .body(StringBody("{\"code\":\"SAVE10\"}")).check(status().is(200)))
            .exec(think())
            .exec(http("RemoveItem").delete("/v1/carts/#{cartId}/items/#{productId}").check(status().is(200)))
            .exec(think())
            .exec(http("GetCart").get("/v1/carts/#{cartId}").check(status().is(200), jsonPath("$.version").exists()));
    }

    static ScenarioBuilder shoppers(String name) {
        return scenario(name).exec(visit());
    }

    static ScenarioBuilder repeatingShoppers(String name, Duration length) {
        return scenario(name).during(length).on(exec(visit()));
    }

    /** Ids the simulator's seeded catalogue sells and keeps in stock (see platform-sim). */
    private static List<String> products(int upTo) {
        List<String> ids = new ArrayList<>();
        for (int id = 1; id <= upTo; id++) {
            if (id % 997 != 0 && id % 499 != 0) {
                ids.add(Integer.toString(id));
            }
        }
        return ids;
    }

}
