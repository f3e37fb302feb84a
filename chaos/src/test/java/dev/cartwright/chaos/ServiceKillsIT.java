package dev.cartwright.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The short version of the kill faults: shoppers change carts while the Checkout Service is killed with SIGKILL three
 * times and the suite's own Redis (AOF always) once; every acknowledged change must then be in Redis, in PostgreSQL
 * and on Kafka, once and in order. The full run is {@code ./cartwright chaos}.
 */
@ExtendWith(RealServices.class)
class ServiceKillsIT {

    @Test
    void noAcknowledgedCartChangeIsLostOrDuplicatedAcrossKills(PostgresInfo postgres, KafkaInfo kafka) {
        PgTarget pg = new PgTarget(postgres.host(), postgres.port(), postgres.user(), postgres.password(), postgres.database(),
            postgres.freshSchema("chaos"));
        ChaosRig.Topics topics = new ChaosRig.Topics(kafka.createTopic("chaos_cart_events"), kafka.createTopic("chaos_order_events"),
            kafka.createTopic("chaos_pricing_events"), kafka.createTopic("chaos_warehouse_events"),
            kafka.createTopic("chaos_catalog_events"), kafka.createTopic("chaos_promotion_events"));
        try (ChaosRig rig = ChaosRig.start(pg, kafka.bootstrapServers(), topics, Path.of("target", "chaos-logs", pg.schema()),
            Map.of())) {
            Ledger ledger = new Ledger();
            FaultRun.Result result = FaultRun.run(rig, ledger, pg.schema(), 4, 4, FaultRun.kills(rig, 3, 1), Duration.ofSeconds(3),
                Duration.ofSeconds(90));
            System.out.println("ServiceKillsIT: " + result.summary());

            assertThat(result.count(FaultRun.SERVICE_KILL)).isEqualTo(3);
            assertThat(result.count(FaultRun.REDIS_KILL)).isEqualTo(1);
            assertThat(rig.service.kills()).isEqualTo(3);
            assertThat(rig.redis.kills()).isEqualTo(1);
            assertThat(result.anomalies()).as("answers that contradicted the ledger").isEmpty();
            assertThat(result.findings().acknowledged()).as("acknowledged changes").isGreaterThan(50);
            assertThat(result.findings().details()).as("ledger findings").isEmpty();
            assertThat(result.findings().lost()).isZero();
            assertThat(result.findings().duplicated()).isZero();
            assertThat(result.findings().outOfOrder()).isZero();

            // The checker itself can fail: one more acknowledged change that no store has is lost everywhere.
            String cart = ledger.carts().iterator().next();
            Ledger.Expected expected = ledger.expected(cart);
            Map<String, Integer> lines = new java.util.HashMap<>(expected.lines());
            lines.merge("2", 1, Integer::sum);
            ledger.record(new Ledger.Entry(cart, expected.version() + 1, Ledger.ITEM_ADDED, "2", false), lines);
            LedgerCheck.Findings broken = rig.check(ledger).run(Duration.ZERO);
            assertThat(broken.lostRedis()).isEqualTo(1);
            assertThat(broken.lostPostgres()).isEqualTo(1);
            assertThat(broken.lostKafka()).isEqualTo(1);
        }
    }
}
