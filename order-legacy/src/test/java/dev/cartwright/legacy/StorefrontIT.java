package dev.cartwright.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.sim.SimService;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The storefront side, on a stack of its own (both services, the simulators, the gateway): the TypeScript client's
 * own tests call every RPC over gRPC-Web and over HTTP/JSON, and the demo storefront's journey runs in headless
 * Chromium (clients/storefront-demo/test), its page served on an allowed origin ({@code http://storefront.test})
 * and, for the refusal, on one that is not ({@code http://elsewhere.test}). Screenshots are kept in
 * {@code target/storefront-screenshots}. Needs Node and Chromium and the packages of clients/ installed
 * ({@code npm ci}); .ci/run and ./cartwright test install them, elsewhere the test is skipped saying what is missing.
 */
@ExtendWith(RealServices.class)
class StorefrontIT {

    private static final Path CLIENT = GatewayProcess.repositoryRoot().resolve("clients/typescript");
    private static final Path DEMO = GatewayProcess.repositoryRoot().resolve("clients/storefront-demo");
    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");

    private static SplitStack stack;
    private static Process storefront;
    private static int pagePort;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) throws Exception {
        Assumptions.assumeTrue(run(List.of("node", "--version"), CLIENT, Map.of(), "node-version") == 0,
            "Node is not installed (apt-get install -y nodejs npm)");
        Assumptions.assumeTrue(Files.isDirectory(CLIENT.resolve("node_modules")) && Files.isDirectory(DEMO.resolve("node_modules")),
            "the clients' packages are not installed: npm ci in clients/typescript and clients/storefront-demo");
        Assumptions.assumeTrue(Files.isExecutable(Path.of(CHROMIUM)), "Chromium is not installed (apt-get install -y chromium)");
        pagePort = GatewayProcess.freePort();
        stack = SplitStack.start(postgres, redis, kafka, Map.of("CARTWRIGHT_CORS_ORIGINS", "http://storefront.test:" + pagePort));
        assertThat(run(List.of("npm", "run", "build"), DEMO, Map.of(), "storefront-build")).as("the page builds").isZero();
        storefront = new ProcessBuilder("python3", DEMO.resolve("serve.py").toString(), "--port", Integer.toString(pagePort),
            "--catalog", "127.0.0.1:" + stack.sim.port(SimService.CATALOG), "--pricing", "127.0.0.1:" + stack.sim.port(SimService.PRICING))
            .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(storefront.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        assertThat(first).as("serve.py's first line").startsWith("STOREFRONT READY");
        Thread drain = new Thread(() -> out.lines().forEach(line -> { }), "storefront-log");
        drain.setDaemon(true);
        drain.start();
    }

    @AfterAll
    static void stop() {
        if (storefront != null) {
            storefront.destroy();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static Map<String, String> services() {
        return Map.of("CARTWRIGHT_CHECKOUT_URL", "http://127.0.0.1:" + stack.checkout.grpcPort(),
            "CARTWRIGHT_RETURNS_URL", "http://127.0.0.1:" + stack.returns.grpcPort());
    }

    /**
     * The client's tests: every RPC over both protocols (test/services.test.ts) and the errors the services send with
     * their google.rpc details as the client decodes them (test/errors.test.ts; its RetryInfo case takes the shipping
     * simulator down through the simulators' admin endpoint). None may be skipped here.
     */
    @Test
    void theClientCallsEveryRpcAndDecodesTheServicesErrorsOverGrpcWebAndHttpJson() throws Exception {
        Map<String, String> env = new HashMap<>(services());
        env.put("CARTWRIGHT_SIM_ADMIN_URL", "http://127.0.0.1:" + stack.sim.adminPort());
        int exit = run(List.of("npm", "test"), CLIENT, env, "client-tests");
        String log = Files.readString(TARGET.resolve("client-tests.log"));
        assertThat(exit).as(log).isZero();
        assertThat(log).contains("# fail 0").contains("# skipped 0").doesNotContain("# pass 0")
            .contains("over grpc-web").contains("over http-json")
            .contains("errors over grpc-web").contains("errors over http-json").contains("the same error over both protocols");
    }

    @Test
    void theDemoStorefrontWorksInARealBrowserAndOnlyFromAnAllowedOrigin() throws Exception {
        String settings = "/?checkout=http://127.0.0.1:" + stack.checkout.grpcPort()
            + "&returns=http://127.0.0.1:" + stack.returns.grpcPort();
        Map<String, String> env = new HashMap<>(services());
        env.put("STOREFRONT_URL", "http://storefront.test:" + pagePort + settings);
        env.put("STOREFRONT_OTHER_URL", "http://elsewhere.test:" + pagePort + settings);
        env.put("STOREFRONT_HOST_RULES", "MAP storefront.test 127.0.0.1, MAP elsewhere.test 127.0.0.1");
        env.put("STOREFRONT_ARTIFACTS", TARGET.resolve("storefront-screenshots").toString());
        env.put("CHROMIUM", CHROMIUM);
        int exit = run(List.of("node", "--test", "test/journey.test.mjs"), DEMO, env, "storefront-journey");
        String log = Files.readString(TARGET.resolve("storefront-journey.log"));
        assertThat(exit).as(log).isZero();
        assertThat(log).contains("# pass 2").contains("# fail 0");
        assertThat(TARGET.resolve("storefront-screenshots/07-return.png")).exists();
        assertThat(TARGET.resolve("storefront-screenshots/08-other-origin-refused.png")).exists();
    }

    /** Runs a command in {@code dir} with {@code env} added, its output in target/{@code log}.log; answers its exit code. */
    private static int run(List<String> command, Path dir, Map<String, String> env, String log) throws IOException, InterruptedException {
        Files.createDirectories(TARGET);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(TARGET.resolve(log + ".log").toFile());
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return -1;
        }
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return -2;
        }
        return process.exitValue();
    }
}
