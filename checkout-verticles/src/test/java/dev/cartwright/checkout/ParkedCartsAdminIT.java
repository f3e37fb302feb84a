package dev.cartwright.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.checkout.CheckoutHarness.Reply;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Parked carts through the Checkout Service's admin port and {@code ./cartwright parked}: a cart the schema refuses
 * (the test narrows the quantity CHECK under a running service) is listed with the database's reason, a replay
 * before the cause is fixed is refused again (409), and after the fix it is stored and gone from the list.
 */
@ExtendWith(RealServices.class)
class ParkedCartsAdminIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static CheckoutHarness harness;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        harness = CheckoutHarness.start(postgres, redis, kafka, Map.of());
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    private static String admin(String path) {
        return "http://127.0.0.1:" + harness.service.adminPort() + path;
    }

    private record Http(int status, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    private static Http http(String method, String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(admin(path)))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
            return new Http(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private record Run(int exitCode, String output) {
    }

    /** {@code ./cartwright parked <args>} from the repository root, pointed at this service's admin port. */
    private static Run cartwright(String... args) {
        Path script = Path.of(System.getProperty("user.dir")).getParent().resolve("cartwright");
        String[] command = new String[args.length + 2];
        command[0] = script.toString();
        command[1] = "parked";
        System.arraycopy(args, 0, command, 2, args.length);
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("CARTWRIGHT_CHECKOUT_ADMIN_PORT", Integer.toString(harness.service.adminPort()));
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            return new Run(process.exitValue(), output);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sql(String statementText) {
        try (Connection connection = harness.postgres.connect(harness.schema); Statement statement = connection.createStatement()) {
            statement.execute(statementText);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + CheckoutHarness.WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within " + CheckoutHarness.WAIT);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static Cart ok(Reply<Cart> reply) {
        assertThat(reply.status()).as("status (%s)", reply.message()).isEqualTo(GrpcStatus.OK);
        return reply.body();
    }

    private static JsonObject parkedEntry(String cartId) {
        JsonArray parked = http("GET", "/parked-carts").json().getJsonArray("parked");
        for (Object entry : parked) {
            if (cartId.equals(((JsonObject) entry).getString("cart_id"))) {
                return (JsonObject) entry;
            }
        }
        return null;
    }

    @Test
    void aRefusedCartIsListedRefusedAgainWhileTheCauseLastsAndStoredOnceItIsFixed() {
        sql("ALTER TABLE cart_items DROP CONSTRAINT cart_items_quantity_check");
        sql("ALTER TABLE cart_items ADD CONSTRAINT cart_items_quantity_check CHECK (quantity BETWEEN 1 AND 5)");
        Cart cart = ok(harness.callNow(CartServiceGrpcClient.CreateCart, CreateCartRequest.newBuilder().setCurrencyCode("USD").build()));
        Cart refused = ok(harness.callNow(CartServiceGrpcClient.AddItem, AddItemRequest.newBuilder().setCartId(cart.getCartId())
            .setProductId("456").setQuantity(6).build()));

        eventually(() -> parkedEntry(cart.getCartId()) != null);
        JsonObject parked = parkedEntry(cart.getCartId());
        assertThat(parked.getLong("version")).isEqualTo(refused.getVersion());
        assertThat(parked.getString("sql_state")).isEqualTo("23514");
        assertThat(parked.getString("reason")).contains("cart_items_quantity_check");
        assertThat(parked.getJsonObject("cart").getJsonArray("lines").getJsonObject(0).getInteger("quantity")).isEqualTo(6);
        Run listed = cartwright("list");
        assertThat(listed.exitCode()).isZero();
        assertThat(listed.output()).contains(cart.getCartId()).contains("cart_items_quantity_check");

        Http tooSoon = http("POST", "/parked-carts/" + cart.getCartId() + "/replay");
        assertThat(tooSoon.status()).isEqualTo(409);
        assertThat(tooSoon.json().getString("outcome")).isEqualTo("refused_again");
        Run tooSoonByScript = cartwright("replay", cart.getCartId());
        assertThat(tooSoonByScript.exitCode()).isNotZero();
        assertThat(tooSoonByScript.output()).contains("refused again");

        sql("ALTER TABLE cart_items DROP CONSTRAINT cart_items_quantity_check");
        sql("ALTER TABLE cart_items ADD CONSTRAINT cart_items_quantity_check CHECK (quantity BETWEEN 1 AND 999)");
        Run replayed = cartwright("replay", cart.getCartId());

        assertThat(replayed.exitCode()).as(replayed.output()).isZero();
        assertThat(replayed.output()).contains(cart.getCartId() + "  stored at version " + refused.getVersion());
        assertThat(parkedEntry(cart.getCartId())).isNull();
        assertThat(http("POST", "/parked-carts/" + cart.getCartId() + "/replay").status()).isEqualTo(404);
        Run all = cartwright("replay-all");
        assertThat(all.exitCode()).isZero();
        assertThat(all.output()).contains("replayed 0, superseded 0, refused again 0");
    }

    @Test
    void badRequestsAreAnsweredWithTheReason() {
        assertThat(http("POST", "/parked-carts/not%20a%20cart/replay").status()).isEqualTo(400);
        assertThat(http("GET", "/parked-carts/c1/replay").status()).isEqualTo(405);
        assertThat(http("DELETE", "/parked-carts").status()).isEqualTo(405);
        Http badLimit = http("GET", "/parked-carts?limit=0");
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(badLimit.json().getString("error")).contains("limit");
        assertThat(http("GET", "/parked-carts/nothing-here").status()).isEqualTo(404);
    }
}
