package dev.cartwright.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The short version of the bad-input fuzz: a few hundred requests drawn from the proto descriptors, to every RPC of the
 * Checkout Service over gRPC and HTTP/JSON. No INTERNAL, UNKNOWN or 5xx answer, no crash, and no cart changed by a
 * refused request. The full run ({@code ./cartwright chaos}) sends ten thousand.
 */
@ExtendWith(RealServices.class)
class InputFuzzIT {

    @Test
    void badInputIsRefusedCleanlyAndChangesNothing(PostgresInfo postgres, KafkaInfo kafka) {
        PgTarget pg = new PgTarget(postgres.host(), postgres.port(), postgres.user(), postgres.password(), postgres.database(),
            postgres.freshSchema("chaos_fuzz"));
        ChaosRig.Topics topics = new ChaosRig.Topics(kafka.createTopic("fuzz_cart_events"), kafka.createTopic("fuzz_order_events"),
            kafka.createTopic("fuzz_pricing_events"), kafka.createTopic("fuzz_warehouse_events"),
            kafka.createTopic("fuzz_catalog_events"), kafka.createTopic("fuzz_promotion_events"));
        try (ChaosRig rig = ChaosRig.start(pg, kafka.bootstrapServers(), topics, Path.of("target", "chaos-logs", pg.schema()),
            Map.of())) {
            InputFuzz fuzz = new InputFuzz(rig);
            List<String> victims = fuzz.victims(4, pg.schema());
            List<FuzzedRequests.Request> requests = new FuzzedRequests(victims).draw(400, 20261202L);
            InputFuzz.Result result = fuzz.run(requests, victims, 4);
            System.out.println("InputFuzzIT: " + result.summary());
            fuzz.unanswered().forEach(u -> System.out.println("InputFuzzIT: no answer: " + u));

            assertThat(result.requests()).isEqualTo(400);
            assertThat(result.failures()).as("defects, with reproductions").isEmpty();
            assertThat(result.internal()).isZero();
            assertThat(result.noAnswerWellFormed()).isZero();
            assertThat(result.crashed()).isFalse();
            assertThat(result.stateChanges()).isZero();
        }
    }
}
