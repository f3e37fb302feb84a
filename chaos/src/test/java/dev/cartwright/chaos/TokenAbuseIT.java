package dev.cartwright.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * In jwt mode, expired tokens, the wrong audience or issuer, alg none, the wrong key, no expiry, garbage and another
 * customer's token never create, read or change a customer's cart.
 */
@ExtendWith(RealServices.class)
class TokenAbuseIT {

    @Test
    void badCredentialsNeverSucceed(PostgresInfo postgres, KafkaInfo kafka) {
        PgTarget pg = new PgTarget(postgres.host(), postgres.port(), postgres.user(), postgres.password(), postgres.database(),
            postgres.freshSchema("chaos_jwt"));
        ChaosRig.Topics topics = new ChaosRig.Topics(kafka.createTopic("jwt_cart_events"), kafka.createTopic("jwt_order_events"),
            kafka.createTopic("jwt_pricing_events"), kafka.createTopic("jwt_warehouse_events"),
            kafka.createTopic("jwt_catalog_events"), kafka.createTopic("jwt_promotion_events"));
        String key = "chaos-suite-hs256-key-of-more-than-32-bytes";
        try (ChaosRig rig = ChaosRig.start(pg, kafka.bootstrapServers(), topics, Path.of("target", "chaos-logs", pg.schema()),
            TokenAbuse.settings(key))) {
            TokenAbuse.Result result = TokenAbuse.run(rig, key, pg.schema());
            System.out.println("TokenAbuseIT: " + result);

            assertThat(result.attempts()).isEqualTo(40);
            assertThat(result.failures()).isEmpty();
            assertThat(result.successes()).isZero();
            assertThat(result.stateMoved()).isFalse();
        }
    }
}
