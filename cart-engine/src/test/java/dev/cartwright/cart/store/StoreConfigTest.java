package dev.cartwright.cart.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Key layout, defaults and the write-behind's backoff. */
class StoreConfigTest {

    @Test
    void everyKeyOfACartCarriesItsHashTag() {
        CartStoreConfig config = CartStoreConfig.defaults("node-1").withKeyPrefix("it:x:");

        assertThat(config.cartKey("abc")).isEqualTo("it:x:{cart:abc}");
        assertThat(config.idempotencyKey("abc", "req-1")).isEqualTo("it:x:{cart:abc}:idem:req-1");
        assertThat(config.customerIndexKey("cust-7")).isEqualTo("it:x:customer-cart:{cust-7}");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        CartStoreConfig config = CartStoreConfig.defaults("node-1");

        assertThat(config.streamKey()).isEqualTo("cartwright:cart-changes");
        assertThat(config.writeBehindGroup()).isEqualTo("write-behind");
        assertThat(config.bridgeGroup()).isEqualTo("kafka-bridge");
        assertThat(config.idleTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(config.idempotencyTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(config.batchSize()).isEqualTo(10_000);
        assertThat(config.writeBehindPace()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.abandonAfter()).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void theStreamIsTrimmedEverySecondSoOneTrimFreesASecondOfChangesAtMost() {
        // One XTRIM frees every entry both groups are done with, and Redis serves nothing else meanwhile: at 20 000
        // changes a second, trimming every 10 s held Redis for 30 ms at a time (BENCHMARKS.md).
        assertThat(CartStoreConfig.defaults("node-1").trimInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void badSettingsAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> CartStoreConfig.defaults("node-1").withIdleTtl(Duration.ZERO)).hasMessageContaining("idleTtl");
        assertThatThrownBy(() -> CartStoreConfig.defaults(" ")).hasMessageContaining("consumerName");
        assertThatThrownBy(() -> CartStoreConfig.defaults("n").withBatchSize(0)).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> CartStoreConfig.defaults("n").withWriteBehindPace(Duration.ofMillis(-1)))
            .hasMessageContaining("writeBehindPace");
    }

    @Test
    void theBackoffDoublesFromTheInitialWaitUpToTheCap() {
        CartStoreConfig config = CartStoreConfig.defaults("n").withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));

        assertThat(WriteBehind.backoffMillis(config, 1)).isEqualTo(100);
        assertThat(WriteBehind.backoffMillis(config, 2)).isEqualTo(200);
        assertThat(WriteBehind.backoffMillis(config, 4)).isEqualTo(800);
        assertThat(WriteBehind.backoffMillis(config, 5)).isEqualTo(1_000);
        assertThat(WriteBehind.backoffMillis(config, 500)).isEqualTo(1_000);
    }

    @Test
    void streamIdsCompareNumericallyAndHaveSuccessors() {
        assertThat(StreamEntries.compare("9-5", "10-0")).isNegative();
        assertThat(StreamEntries.compare("10-2", "10-10")).isNegative();
        assertThat(StreamEntries.compare("10-2", "10-2")).isZero();
        assertThat(StreamEntries.successor("10-2")).isEqualTo("10-3");
        assertThat(StreamEntries.millisOf("1700000000123-4")).isEqualTo(1_700_000_000_123L);
    }
}
