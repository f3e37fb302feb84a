package dev.cartwright.cart.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The rest after each transaction of a spread write-behind batch: as long as it took, never past half the pace. */
class WriteBehindSpreadTest {

    private static final Duration PACE = Duration.ofSeconds(1);

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void restsAsLongAsTheTransactionTook() {
        assertThat(WriteBehind.restAfterChunk(ms(40), ms(100), PACE)).isEqualTo(40);
    }

    @Test
    void restsNoFurtherThanHalfThePaceSinceTheBatchWasTaken() {
        assertThat(WriteBehind.restAfterChunk(ms(40), ms(480), PACE)).isEqualTo(20);
        assertThat(WriteBehind.restAfterChunk(ms(40), ms(500), PACE)).isZero();
        assertThat(WriteBehind.restAfterChunk(ms(40), ms(900), PACE)).isZero();
    }

    @Test
    void withoutAPaceItNeverRests() {
        assertThat(WriteBehind.restAfterChunk(ms(40), 0, Duration.ZERO)).isZero();
    }
}
