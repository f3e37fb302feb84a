package dev.cartwright.checkout.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SagaSettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        SagaSettings s = SagaSettings.read(ConfigReader.from(Map.of()));
        assertThat(s.eventsTopic()).isEqualTo("checkout.events");
        assertThat(s.reservationTtl()).isEqualTo(Duration.ofMinutes(15));
        assertThat(s.lease()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.recoveryEvery()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void overridesAreReadAndBadValuesNameTheirKey() {
        SagaSettings s = SagaSettings.read(ConfigReader.from(Map.of("CARTWRIGHT_CHECKOUT_RESERVATION_TTL", "5m",
            "CARTWRIGHT_SAGA_LEASE", "2s")));
        assertThat(s.reservationTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.lease()).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> SagaSettings.read(ConfigReader.from(Map.of("CARTWRIGHT_CHECKOUT_EVENTS_TOPIC", "bad topic"))))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("CARTWRIGHT_CHECKOUT_EVENTS_TOPIC"));
        assertThatThrownBy(() -> SagaSettings.read(ConfigReader.from(Map.of("CARTWRIGHT_SAGA_LEASE", "0s"))))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("CARTWRIGHT_SAGA_LEASE"));
    }
}
