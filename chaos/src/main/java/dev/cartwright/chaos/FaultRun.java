package dev.cartwright.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of faults under load: shoppers change carts while the faults happen one after the other (a SIGKILL of the
 * Checkout Service with a restart, a SIGKILL of Redis, a dependency stopped for a while, a neighbour misbehaving, a
 * proxy cutting connections); afterwards the ledger is compared with Redis, PostgreSQL and Kafka.
 */
public final class FaultRun {

    /** One fault: what it is called in the report, and what it does (it returns when the fault is over). */
    public record Fault(String name, Runnable action) {
    }

    /**
     * What one run did and found.
     *
     * @param faults        faults done, by name
     * @param requests      requests the shoppers sent, retries included
     * @param unknown       unknown outcomes met, by status, each retried with the same key
     * @param anomalies     answers that contradicted what the shoppers knew
     * @param findings      the ledger comparison
     */
    public record Result(Map<String, Integer> faults, long requests, Map<String, Long> unknown, List<String> anomalies,
                         LedgerCheck.Findings findings) {

        /** Nothing contradicted, nothing lost, and something was acknowledged at all (an empty ledger proves nothing). */
        public boolean clean() {
            return anomalies.isEmpty() && findings.clean() && findings.acknowledged() > 0;
        }

        public int count(String fault) {
            return faults.getOrDefault(fault, 0);
        }

        public int totalFaults() {
            return faults.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** One line for logs and failure messages. */
        public String summary() {
            return String.format("faults %s, requests %d, acknowledged %d, unknown outcomes %s, anomalies %d, "
                    + "lost %d (Redis %d, PostgreSQL %d, Kafka %d), duplicated %d, out of order %d, unexpected %d",
                faults, requests, findings.acknowledged(), unknown, anomalies.size(), findings.lost(),
                findings.lostRedis(), findings.lostPostgres(), findings.lostKafka(), findings.duplicated(), findings.outOfOrder(),
                findings.unexpected());
        }
    }

    public static final String SERVICE_KILL = "Checkout Service SIGKILL";
    public static final String REDIS_KILL = "Redis SIGKILL (AOF always)";

    private FaultRun() {
    }

    /**
     * SIGKILL of the service, then a restart; returns once it answers calls again (a read of a cart that does not
     * exist gets its definite NOT_FOUND), so that the load runs between kills even where a cold start is slow.
     */
    public static Fault serviceKill(ChaosRig rig) {
        return new Fault(SERVICE_KILL, () -> {
            rig.service.kill();
            Loopback.pause(Duration.ofMillis(300));
            try {
                rig.service.restart();
            } catch (IllegalStateException e) {
                // A start that did not come up in time on a loaded machine (the failed process is gone) gets one more
                // chance before the run fails.
                rig.service.restart();
            }
            Loopback.waitFor(() -> rig.calls.call(dev.cartwright.proto.checkout.v1.CartServiceGrpcClient.GetCart,
                dev.cartwright.proto.checkout.v1.GetCartRequest.newBuilder().setCartId("readiness-probe").build()).status() != null,
                Duration.ofSeconds(120));
        });
    }

    /** SIGKILL of Redis, then a start from its append-only file. */
    public static Fault redisKill(ChaosRig rig) {
        return new Fault(REDIS_KILL, () -> rig.redis.killAndRestart(Duration.ofMillis(500)));
    }

    /** {@code serviceKills} service kills with {@code redisKills} Redis kills among them, every fourth fault until done. */
    public static List<Fault> kills(ChaosRig rig, int serviceKills, int redisKills) {
        List<Fault> faults = new ArrayList<>();
        int redisDone = 0;
        int serviceDone = 0;
        for (int f = 0; serviceDone < serviceKills || redisDone < redisKills; f++) {
            if (redisDone < redisKills && (f % 4 == 1 || serviceDone == serviceKills)) {
                faults.add(redisKill(rig));
                redisDone++;
            } else {
                faults.add(serviceKill(rig));
                serviceDone++;
            }
        }
        return faults;
    }

    /**
     * Runs the faults one after the other under load, {@code between} apart (and before the first and after the last),
     * then compares the ledger, giving the background work at most {@code catchUp} to catch up.
     */
    public static Result run(ChaosRig rig, Ledger ledger, String runId, int shoppers, int cartsEach, List<Fault> faults,
                             Duration between, Duration catchUp) {
        // A run may be given an end (system property chaos.deadline, epoch millis): no fault starts after it.
        return run(rig, ledger, runId, shoppers, cartsEach, faults, between, catchUp,
            java.time.Instant.ofEpochMilli(Long.getLong("chaos.deadline", Long.MAX_VALUE)));
    }

    /**
     * As above, starting no fault after {@code deadline}: on a loaded machine, where a restart may take half a minute,
     * the run then ends in bounded time and reports the faults it did make, not the ones it was asked for.
     */
    public static Result run(ChaosRig rig, Ledger ledger, String runId, int shoppers, int cartsEach, List<Fault> faults,
                             Duration between, Duration catchUp, java.time.Instant deadline) {
        CartLoad load = new CartLoad(rig.calls, ledger, runId, Duration.ofMinutes(3));
        load.start(shoppers, cartsEach, runId.hashCode());
        Map<String, Integer> done = new LinkedHashMap<>();
        for (Fault fault : faults) {
            if (java.time.Instant.now().isAfter(deadline)) {
                break;
            }
            Loopback.pause(between);
            fault.action().run();
            done.merge(fault.name(), 1, Integer::sum);
        }
        Loopback.pause(between);
        load.stop();
        List<String> anomalies = new ArrayList<>(load.anomalies());
        if (!rig.service.alive()) {
            anomalies.add("the Checkout Service is not running at the end of the run");
        }
        LedgerCheck.Findings findings = rig.check(ledger).run(catchUp);
        return new Result(done, load.requests(), load.unknownOutcomes(), anomalies, findings);
    }
}
