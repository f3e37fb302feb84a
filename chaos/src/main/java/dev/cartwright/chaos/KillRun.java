package dev.cartwright.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One run of the kill faults under load: shoppers change carts while the Checkout Service is killed with SIGKILL and
 * started again, and the suite's Redis is killed and started again from its append-only file; afterwards the ledger
 * is compared with Redis, PostgreSQL and Kafka.
 */
public final class KillRun {

    /**
     * What one run did and found.
     *
     * @param serviceKills  SIGKILLs of the Checkout Service
     * @param redisKills    SIGKILLs of Redis
     * @param requests      requests the shoppers sent, retries included
     * @param unknown       unknown outcomes met, by status, each retried with the same key
     * @param anomalies     answers that contradicted what the shoppers knew
     * @param findings      the ledger comparison
     */
    public record Result(int serviceKills, int redisKills, long requests, Map<String, Long> unknown, List<String> anomalies,
                         LedgerCheck.Findings findings) {

        public boolean clean() {
            return anomalies.isEmpty() && findings.clean();
        }

        /** One line for logs and failure messages. */
        public String summary() {
            return String.format("service kills %d, Redis kills %d, requests %d, acknowledged %d, unknown outcomes %s, anomalies %d, "
                    + "lost %d (Redis %d, PostgreSQL %d, Kafka %d), duplicated %d, out of order %d, unexpected %d",
                serviceKills, redisKills, requests, findings.acknowledged(), unknown, anomalies.size(), findings.lost(),
                findings.lostRedis(), findings.lostPostgres(), findings.lostKafka(), findings.duplicated(), findings.outOfOrder(),
                findings.unexpected());
        }
    }

    /**
     * @param serviceKills how many times to kill the service
     * @param redisKills   how many times to kill Redis (spread among the service kills)
     * @param between      load time before each kill and after the last
     * @param catchUp      how long the background work may take to catch up before the comparison is final
     */
    public static Result run(ChaosRig rig, String runId, int shoppers, int cartsEach, int serviceKills, int redisKills,
                             Duration between, Duration catchUp) {
        return run(rig, new Ledger(), runId, shoppers, cartsEach, serviceKills, redisKills, between, catchUp);
    }

    /** As above, filling the given ledger. */
    public static Result run(ChaosRig rig, Ledger ledger, String runId, int shoppers, int cartsEach, int serviceKills, int redisKills,
                             Duration between, Duration catchUp) {
        CartLoad load = new CartLoad(rig.calls, ledger, runId, Duration.ofMinutes(3));
        load.start(shoppers, cartsEach, runId.hashCode());
        List<String> problems = new ArrayList<>();
        int faults = serviceKills + redisKills;
        int redisDone = 0;
        for (int f = 0; f < faults; f++) {
            Loopback.pause(between);
            boolean redisTurn = redisDone < redisKills && (long) (f + 1) * redisKills >= (long) (redisDone + 1) * faults;
            if (redisTurn) {
                rig.redis.killAndRestart(Duration.ofMillis(500));
                redisDone++;
            } else {
                rig.service.kill();
                Loopback.pause(Duration.ofMillis(300));
                rig.service.restart();
            }
        }
        Loopback.pause(between);
        load.stop();
        if (!rig.service.alive()) {
            problems.add("the Checkout Service is not running at the end of the run");
        }
        LedgerCheck.Findings findings = rig.check(ledger).run(catchUp);
        List<String> anomalies = new ArrayList<>(load.anomalies());
        anomalies.addAll(problems);
        return new Result(rig.service.kills(), rig.redis.kills(), load.requests(), load.unknownOutcomes(), anomalies, findings);
    }

    private KillRun() {
    }
}
