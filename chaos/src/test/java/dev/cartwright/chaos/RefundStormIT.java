package dev.cartwright.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The short version of the refund storm: 12 received returns, 5 ProcessRefund calls at once for each, while payment
 * now and then pays a refund without answering and the connection to it is reset, and the Return Service gives up
 * after two attempts. No order refunded twice, no refund failed (or pending) while paid, none completed unpaid. The
 * full run is {@code ./cartwright chaos --only refunds} (1000 calls).
 */
@ExtendWith(RealServices.class)
class RefundStormIT {

    @Test
    void concurrentRefundsWithAmbiguousFailuresNeverRefundTwiceOrFailWhilePaid(PostgresInfo postgres, KafkaInfo kafka) {
        PgTarget pg = new PgTarget(postgres.host(), postgres.port(), postgres.user(), postgres.password(), postgres.database(),
            postgres.freshSchema("chaos_refunds"));
        ReturnRig.Topics topics = new ReturnRig.Topics(kafka.createTopic("refunds_return_events"),
            kafka.createTopic("refunds_order_events"), kafka.createTopic("refunds_pricing_events"),
            kafka.createTopic("refunds_warehouse_events"), kafka.freshGroupId("refunds"));
        try (ReturnRig rig = ReturnRig.start(pg, kafka.bootstrapServers(), topics, Path.of("target", "chaos-logs", pg.schema()),
            RefundStorm.serviceSettings())) {
            RefundStorm.Result result = RefundStorm.run(rig, pg.schema(), 12, 5, Duration.ofSeconds(90));
            System.out.println("RefundStormIT: " + result.summary() + " " + result.problems());

            assertThat(result.attempts()).isEqualTo(60);
            assertThat(result.heldAnswers()).as("payment answers held after the refund was made: %s", result.summary()).isPositive();
            assertThat(result.problems()).isEmpty();
            assertThat(result.doubleRefunds()).isZero();
            assertThat(result.failedWhilePaid()).isZero();
            assertThat(result.completedUnpaid()).isZero();
            assertThat(result.unsettled()).isZero();
            assertThat(result.paid()).as("refunds paid").isEqualTo(result.completed());
        }
    }
}
