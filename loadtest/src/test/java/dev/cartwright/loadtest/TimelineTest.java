package dev.cartwright.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class TimelineTest {

    private static final long MS = 1_000_000L;

    @Test
    void answersLandInTheSlotTheyCameBackInWithTheirMeanLatency() {
        Timeline timeline = new Timeline(1_000 * MS, 1_700_000_000_000L, 100 * MS);
        timeline.record(1_000 * MS, 10 * MS);
        timeline.record(1_099 * MS, 30 * MS);
        timeline.record(1_250 * MS, 5 * MS);

        JsonObject json = timeline.toJson();

        assertThat(json.getLong("startEpochMs")).isEqualTo(1_700_000_000_000L);
        assertThat(json.getDouble("slotMs")).isEqualTo(100.0);
        assertThat(json.getJsonArray("answers")).isEqualTo(new JsonArray().add(2L).add(0L).add(1L));
        assertThat(json.getJsonArray("meanLatencyMs").getList()).containsExactly(20.0, null, 5.0);
    }

    @Test
    void aStallIsASlotWithFewerThanHalfTheMedianAnswers() {
        Timeline timeline = new Timeline(0, 0, 100 * MS);
        int[] perSlot = {10, 10, 10, 2, 10, 10, 10, 10, 10, 10, 7};
        for (int slot = 0; slot < perSlot.length; slot++) {
            for (int i = 0; i < perSlot[slot]; i++) {
                timeline.record(slot * 100 * MS + i, MS);
            }
        }

        JsonObject summary = timeline.toJson().getJsonObject("answersPerSlot");

        // the first and the last slot (7, cut short by the end of the phase) are left out of the summary
        assertThat(summary.getLong("min")).isEqualTo(2);
        assertThat(summary.getLong("median")).isEqualTo(10);
        assertThat(summary.getLong("max")).isEqualTo(10);
        assertThat(summary.getLong("slotsUnderHalfTheMedian")).isEqualTo(1);
    }

    @Test
    void answersBeforeTheStartOrAfterAnHourAreNotPlaced() {
        Timeline timeline = new Timeline(1_000 * MS, 1_700_000_000_000L, 100 * MS);
        timeline.record(999 * MS, MS);
        timeline.record(1_000 * MS + Timeline.MAX_SLOTS * 100 * MS, MS);
        timeline.record(1_000 * MS + 1_000 * 100 * MS, MS);

        JsonArray answers = timeline.toJson().getJsonArray("answers");

        assertThat(answers.size()).as("grown to the slot of the last placed answer").isEqualTo(1_001);
        assertThat(answers.stream().mapToLong(n -> (Long) n).sum()).isEqualTo(1);
    }

    @Test
    void aSlotMustHaveALength() {
        assertThatThrownBy(() -> new Timeline(0, 0, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slotNanos");
    }
}
