package dev.cartwright.checkout.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentEventIdsTest {

    @Test
    void aRepeatIsRecognisedAndTheOldestIdsAreForgottenBeyondCapacity() {
        RecentEventIds ids = new RecentEventIds(3);
        assertThat(ids.firstTime("a")).isTrue();
        assertThat(ids.firstTime("a")).isFalse();
        assertThat(ids.firstTime("b")).isTrue();
        assertThat(ids.firstTime("c")).isTrue();
        assertThat(ids.firstTime("d")).isTrue();
        assertThat(ids.size()).isEqualTo(3);
        assertThat(ids.firstTime("a")).as("forgotten after three newer ids").isTrue();
        assertThat(ids.firstTime("d")).isFalse();
    }
}
