package dev.cartwright.legacy;

import dev.cartwright.loadtest.LoadDriver;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One Checkout Service instance against two behind the gateway, in the same run: {@link TwoCheckouts} with the second
 * instance taken out of the gateway's rotation by hand for the one-instance phases, and loadtest's gRPC
 * {@link LoadDriver} keeping a fixed number of calls in flight through the gateway. The phases alternate (1, 2, 1, 2) so
 * that a machine getting busier or quieter during the run does not favour one side. A benchmark, not a test: it
 * asserts nothing and runs only when named ({@code ./mvnw -pl order-legacy verify -Dit.test=GatewayScaleOutBench
 * -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}); the figures go to standard output and
 * {@code target/scale-out.txt}.
 *
 * <p>Both instances run in this JVM, next to the driver and the simulators, so on a small machine they share its cores
 * and its heap: the figure shows what a second instance costs or gives on the same machine, not what a second machine
 * would give.
 */
@ExtendWith(RealServices.class)
class GatewayScaleOutBench {

    private static final int IN_FLIGHT = Integer.getInteger("bench.inFlight", 64);
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup", 5);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 15);

    private record Phase(int instances, JsonObject report, String loadAverage) {
    }

    @Test
    void oneInstanceAgainstTwoBehindTheGateway(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) throws Exception {
        try (TwoCheckouts stack = TwoCheckouts.start(postgres, redis, kafka, Map.of("CARTWRIGHT_CHECKOUT_INSTANCES", "2"))) {
            stack.awaitGatewayStatus(TwoCheckouts.SERVERS.get(0), "UP");
            stack.awaitGatewayStatus(TwoCheckouts.SERVERS.get(1), "UP");
            List<Phase> phases = new ArrayList<>();
            for (int instances : new int[] {1, 2, 1, 2}) {
                String second = TwoCheckouts.SERVERS.get(1);
                stack.rotation(second, instances == 2);
                stack.awaitGatewayStatus(second, instances == 2 ? "UP" : "MAINT");
                Path out = Files.createTempFile("scale-out", ".json");
                LoadDriver.main(new String[] {"--target", "127.0.0.1:" + stack.gateway.port(), "--closed", Integer.toString(IN_FLIGHT),
                    "--warmup", Integer.toString(WARMUP_SECONDS), "--duration", Integer.toString(SECONDS), "--shoppers", "500",
                    "--products", "1-500", "--out", out.toString()});
                phases.add(new Phase(instances, new JsonObject(Files.readString(out)), TwoCheckouts.loadAverage()));
            }
            StringBuilder report = new StringBuilder("Scale-out (GatewayScaleOutBench): gRPC cart calls through the gateway, ")
                .append(IN_FLIGHT).append(" in flight, ").append(SECONDS).append(" s per phase after ").append(WARMUP_SECONDS)
                .append(" s of warm-up; ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append('\n');
            report.append("| phase | instances | calls/s | p50 ms | p95 ms | p99 ms | errors | load average after |\n");
            report.append("|---:|---:|---:|---:|---:|---:|---:|---|\n");
            int n = 1;
            for (Phase phase : phases) {
                JsonObject all = phase.report().getJsonObject("all");
                report.append(String.format("| %d | %d | %s | %s | %s | %s | %s | %s |%n", n++, phase.instances(),
                    all.getValue("throughputPerSecond"), all.getValue("p50Ms"), all.getValue("p95Ms"),
                    all.getValue("p99Ms"), phase.report().getValue("errorCount"), phase.loadAverage()));
            }
            report.append("raw: ");
            phases.forEach(p -> report.append(p.report().encode()).append('\n'));
            System.out.print(report);
            TwoCheckouts.writeReport("scale-out.txt", report.toString());
        }
    }
}
