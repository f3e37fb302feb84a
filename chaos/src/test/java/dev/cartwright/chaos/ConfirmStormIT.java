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
 * The short version of the concurrent confirm storm: 10 carts, 4 callers each starting and confirming a checkout at
 * once while order and payment sometimes commit and then answer after the timeout. At most one order per cart, every
 * order on a live authorization, and no live authorization without its order.
 */
@ExtendWith(RealServices.class)
class ConfirmStormIT {

    @Test
    void concurrentConfirmsWithAmbiguousFailuresNeverDoubleOrderOrCharge(PostgresInfo postgres, KafkaInfo kafka) {
        PgTarget pg = new PgTarget(postgres.host(), postgres.port(), postgres.user(), postgres.password(), postgres.database(),
            postgres.freshSchema("chaos_storm"));
        ChaosRig.Topics topics = new ChaosRig.Topics(kafka.createTopic("storm_cart_events"), kafka.createTopic("storm_order_events"),
            kafka.createTopic("storm_pricing_events"), kafka.createTopic("storm_warehouse_events"),
            kafka.createTopic("storm_catalog_events"), kafka.createTopic("storm_promotion_events"));
        try (ChaosRig rig = ChaosRig.start(pg, kafka.bootstrapServers(), topics, Path.of("target", "chaos-logs", pg.schema()),
            Map.of())) {
            ConfirmStorm.Result result = ConfirmStorm.run(rig, pg.schema(), 10, 4, Duration.ofSeconds(90));
            System.out.println("ConfirmStormIT: " + result.summary() + " " + result.problems());

            assertThat(result.confirmAttempts()).isPositive();
            assertThat(result.problems()).isEmpty();
            assertThat(result.doubleOrders()).isZero();
            assertThat(result.orphanCharges()).isZero();
            assertThat(result.unpaidOrders()).isZero();
        }
    }
}
