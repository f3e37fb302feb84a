package dev.cartwright.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The short version of the bad-input fuzz: a few hundred requests drawn from the proto descriptors, to every RPC of the
 * Checkout Service and of the Return Service over gRPC and HTTP/JSON. No INTERNAL, UNKNOWN or 5xx answer, no crash,
 * and no cart or return changed by a refused request; and bytes that are no message of the method's type are
 * INVALID_ARGUMENT, never a reset stream. The full run ({@code ./cartwright chaos}) sends ten thousand to each.
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
            FuzzedRequests generators = new FuzzedRequests(victims);
            judge("checkout", fuzz, fuzz.run(generators.draw(400, 20261202L), victims, 4), 400);
            assertUndecodableIsInvalidArgument("checkout", fuzz, generators, victims);
        }
    }

    @Test
    void badInputToTheReturnServiceIsRefusedCleanlyAndChangesNothing(PostgresInfo postgres, KafkaInfo kafka) {
        PgTarget pg = new PgTarget(postgres.host(), postgres.port(), postgres.user(), postgres.password(), postgres.database(),
            postgres.freshSchema("chaos_fuzz_returns"));
        ReturnRig.Topics topics = new ReturnRig.Topics(kafka.createTopic("fuzz_return_events"), kafka.createTopic("fuzz_r_order_events"),
            kafka.createTopic("fuzz_r_pricing_events"), kafka.createTopic("fuzz_r_warehouse_events"), kafka.freshGroupId("fuzz_returns"));
        try (ReturnRig rig = ReturnRig.start(pg, kafka.bootstrapServers(), topics, Path.of("target", "chaos-logs", pg.schema()),
            Map.of())) {
            ReturnFuzzTarget target = new ReturnFuzzTarget(rig);
            InputFuzz fuzz = new InputFuzz(rig.vertx, target);
            List<String> victims = fuzz.victims(6, pg.schema());
            List<String> known = new ArrayList<>(victims);
            known.addAll(target.related());
            FuzzedRequests generators = FuzzedRequests.returns(known);
            judge("returns", fuzz, fuzz.run(generators.draw(300, 20261203L), victims, 4), 300);
            assertUndecodableIsInvalidArgument("returns", fuzz, generators, victims);
        }
    }

    private static void judge(String service, InputFuzz fuzz, InputFuzz.Result result, int requests) {
        System.out.println("InputFuzzIT " + service + ": " + result.summary());
        fuzz.unanswered().forEach(u -> System.out.println("InputFuzzIT " + service + ": no answer: " + u));
        assertThat(result.requests()).isEqualTo(requests);
        assertThat(result.failures()).as("defects, with reproductions").isEmpty();
        assertThat(result.internal()).isZero();
        assertThat(result.noAnswerWellFormed()).isZero();
        assertThat(result.crashed()).isFalse();
        assertThat(result.stateChanges()).isZero();
    }

    private static void assertUndecodableIsInvalidArgument(String service, InputFuzz fuzz, FuzzedRequests generators,
                                                           List<String> victims) {
        List<FuzzedRequests.Request> garbage = generators.undecodable();
        InputFuzz.Result result = fuzz.run(garbage, victims, 2);
        System.out.println("InputFuzzIT " + service + " undecodable: " + result.summary());
        assertThat(garbage).hasSizeGreaterThan(2 * generators.rpcs().size());
        assertThat(result.outcomes()).as("every undecodable request answered INVALID_ARGUMENT")
            .containsOnlyKeys("INVALID_ARGUMENT");
        assertThat(result.stateChanges()).isZero();
    }
}
