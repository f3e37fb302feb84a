package dev.cartwright.cart.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * How the write-behind reads its stream: the batch size it is given, in reads of at most {@value WriteBehind#READ_AT_MOST}
 * entries (a reply's bytes stay in the Redis client until the next reply), gathered up to the same limit as before.
 */
class WriteBehindReadsTest {

    private static ChangeStreamConsumer.Settings readsFor(int batchSize) {
        return WriteBehind.consumerSettings(CartStoreConfig.defaults("wb-test").withBatchSize(batchSize));
    }

    @Test
    void theDefaultBatchIsTakenInByReadsOfAThousand() {
        CartStoreConfig defaults = CartStoreConfig.defaults("wb-test");
        ChangeStreamConsumer.Settings settings = WriteBehind.consumerSettings(defaults);
        assertThat(defaults.batchSize()).isEqualTo(10_000);
        assertThat(settings.batchSize()).isEqualTo(1_000);
        assertThat(settings.gatherUpTo()).isEqualTo(30_000);
    }

    @Test
    void aBatchSizeUnderTheReadLimitIsReadWhole() {
        assertThat(readsFor(50).batchSize()).isEqualTo(50);
        assertThat(readsFor(50).gatherUpTo()).isEqualTo(50 * WriteBehind.GATHER_READS);
        assertThat(readsFor(1_000).batchSize()).isEqualTo(1_000);
    }

    @Test
    void aLargerBatchSizeStillGathersAsMuchAsBefore() {
        assertThat(readsFor(2_500).batchSize()).isEqualTo(1_000);
        assertThat(readsFor(2_500).gatherUpTo()).isEqualTo(2_500 * WriteBehind.GATHER_READS);
    }

    @Test
    void theSettingsNameTheWriteBehindGroupAndItsPace() {
        CartStoreConfig defaults = CartStoreConfig.defaults("wb-test");
        ChangeStreamConsumer.Settings settings = WriteBehind.consumerSettings(defaults);
        assertThat(settings.group()).isEqualTo(defaults.writeBehindGroup());
        assertThat(settings.consumerName()).isEqualTo("wb-test");
        assertThat(settings.pace()).isEqualTo(defaults.writeBehindPace());
        assertThat(settings.claimPeriodically()).isTrue();
    }
}
