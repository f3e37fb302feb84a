package dev.cartwright.cart.store;

import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * {@code scripts/ceiling.sh}, the ceiling every cart bar of {@code ./cartwright bench} is a ratio to, against the real
 * Redis and the real cart script: each of its calls must be the change it stands for (an add that reaches the cart
 * and the stream), not something cheaper such as the replay of an idempotent request.
 */
@ExtendWith(RealServices.class)
class CeilingScriptIT {

    private static final Path SCRIPT = Path.of("..", "scripts", "ceiling.sh");
    private static final int CARTS = 40;
    private static final int REQUESTS = 3_000;

    private Vertx vertx;
    private Redis redis;
    private RedisInfo info;

    @BeforeEach
    void open(RedisInfo redisInfo) {
        info = redisInfo;
        vertx = Vertx.vertx();
        redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(info.url()));
    }

    @AfterEach
    void close() {
        List<String> keys = new ArrayList<>(List.of(info.key("cartwright:bench-changes"), info.key("cartwright:bench-idem-count")));
        for (int i = 0; i < CARTS; i++) {
            keys.add(cart(i));
        }
        await(redis.send(Request.cmd(Command.DEL, keys.toArray())));
        await(vertx.close());
    }

    private String cart(int i) {
        return info.key(String.format("{cart:bench-%012d}", i));
    }

    private record Run(int exitCode, String stdout, String stderr) { }

    private Run ceiling(String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString(), "--redis", info.host() + ":" + info.port()));
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command);
        String userInfo = URI.create(info.url()).getUserInfo();
        if (userInfo != null) {
            builder.environment().put("REDISCLI_AUTH", userInfo.substring(userInfo.indexOf(':') + 1));
        }
        Path out = Files.createTempFile("ceiling", ".out");
        Path err = Files.createTempFile("ceiling", ".err");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("ceiling.sh ended").isTrue();
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    @Test
    void everyCallOfTheCeilingIsAnAddThatChangesACartAndAppendsItsChange() throws Exception {
        Run run = ceiling("--connections", "20", "--requests", Integer.toString(REQUESTS), "--carts", Integer.toString(CARTS),
            "--prefix", info.keyPrefix(), "--keep");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).startsWith("\"test\",\"rps\"").contains("EVALSHA");
        long units = 0;
        for (int i = 0; i < CARTS; i++) {
            Response line = await(redis.send(Request.cmd(Command.HGET, cart(i), "l:1")));
            long quantity = line == null ? 0 : Long.parseLong(line.toString().substring(0, line.toString().indexOf('|')));
            Response version = await(redis.send(Request.cmd(Command.HGET, cart(i), "v")));
            // created at version 1, one version per add
            assertThat(version.toLong()).as("version of cart %d", i).isEqualTo(1 + quantity);
            units += quantity;
        }
        assertThat(units).isEqualTo(REQUESTS);
        assertThat(await(redis.send(Request.cmd(Command.XLEN, info.key("cartwright:bench-changes")))).toLong())
            .isEqualTo(CARTS + REQUESTS);
    }

    @Test
    void withoutKeepItLeavesNoKey() throws Exception {
        Run run = ceiling("--connections", "10", "--requests", "500", "--carts", "5", "--prefix", info.keyPrefix());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        Response keys = await(redis.send(Request.cmd(Command.KEYS, info.keyPrefix() + "*")));
        assertThat(keys.size()).isZero();
    }

    @Test
    void aBadNumberIsNamedAndNothingIsWritten() throws Exception {
        Run run = ceiling("--requests", "lots", "--prefix", info.keyPrefix());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("--requests").contains("lots");
        assertThat(await(redis.send(Request.cmd(Command.KEYS, info.keyPrefix() + "*"))).size()).isZero();
    }
}
