package dev.cartwright.cart.store;

import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cartwright.cart.store.RedisDurabilityCheck.Verdict;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/**
 * The durability check against redis-servers of the test's own, set up as production should be, as a managed service
 * that forbids CONFIG (and one that forbids INFO too), and as the default development server is.
 */
class RedisDurabilityCheckIT {

    private Vertx vertx;
    private final List<Process> servers = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();

    @BeforeEach
    void open() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void close() throws IOException {
        await(vertx.close());
        for (Process server : servers) {
            server.destroyForcibly();
        }
        for (Path dir : dirs) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    /** A redis-server on a free port with {@code settings}; its client. */
    private Redis server(String... settings) throws Exception {
        Path dir = Files.createTempDirectory("cartwright-durability-check");
        dirs.add(dir);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
            "--save", "", "--dir", dir.toString(), "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString()));
        command.addAll(List.of(settings));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        servers.add(process);
        for (int attempt = 0; attempt < 400; attempt++) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:" + port));
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
                }
                Thread.sleep(25);
            }
        }
        throw new IllegalStateException("redis-server on port " + port + " did not answer");
    }

    @Test
    void aServerSetUpForProductionIsDurableByItsConfig() throws Exception {
        Redis redis = server("--maxmemory-policy", "noeviction", "--appendonly", "yes", "--appendfsync", "always");

        Verdict verdict = await(RedisDurabilityCheck.inspect(redis));

        assertThat(verdict).isEqualTo(new Verdict.Durable(
            new RedisDurabilityCheck.Settings("noeviction", true, Optional.of("always"), "CONFIG GET"), List.of()));
    }

    @Test
    void aServerThatForbidsConfigIsReadFromInfo() throws Exception {
        Redis redis = server("--maxmemory-policy", "noeviction", "--appendonly", "yes", "--rename-command", "CONFIG", "");

        Verdict verdict = await(RedisDurabilityCheck.inspect(redis));

        assertThat(verdict).isEqualTo(new Verdict.Durable(
            new RedisDurabilityCheck.Settings("noeviction", true, Optional.empty(), "INFO"), List.of()));
    }

    @Test
    void aServerThatForbidsConfigAndInfoCannotBeJudged() throws Exception {
        Redis redis = server("--rename-command", "CONFIG", "", "--rename-command", "INFO", "");

        Verdict verdict = await(RedisDurabilityCheck.inspect(redis));

        assertThat(verdict).isInstanceOf(Verdict.Unknown.class);
        assertThat(((Verdict.Unknown) verdict).reason()).contains("CONFIG GET").contains("INFO");
        assertThat(await(RedisDurabilityCheck.enforce(verdict, RedisDurabilityCheck.Mode.AUTO, true, "redis://x")
            .map(ok -> "started").otherwise(failure -> failure.getMessage()))).contains("CARTWRIGHT_REDIS_CHECK=skip");
    }

    @Test
    void aDevelopmentServerWithoutAofAndWithAnEvictingPolicyIsNotDurable() throws Exception {
        Redis redis = server("--maxmemory-policy", "allkeys-lru", "--appendonly", "no");

        Verdict verdict = await(RedisDurabilityCheck.inspect(redis));

        assertThat(verdict).isInstanceOf(Verdict.NotDurable.class);
        assertThat(((Verdict.NotDurable) verdict).problems()).hasSize(2);
    }
}
