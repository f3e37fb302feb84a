package dev.cartwright.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimConfigTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void ports_follow_the_base_port() {
        SimConfig config = SimConfig.defaults();

        assertThat(config.adminPortToUse()).isEqualTo(9100);
        assertThat(config.portFor(SimService.CATALOG)).isEqualTo(9101);
        assertThat(config.portFor(SimService.PAYMENT)).isEqualTo(9105);
        assertThat(config.portFor(SimService.CUSTOMER)).isEqualTo(9108);
        assertThat(config.withBasePort(0).portFor(SimService.ORDER)).isZero();
        assertThat(config.withBasePort(0).adminPortToUse()).isZero();
    }

    @Test
    void the_environment_overrides_the_local_defaults() {
        SimConfig config = SimConfig.fromEnvironment(Map.of(
            "CARTWRIGHT_SIM_BASE_PORT", "19100",
            "CARTWRIGHT_SIM_PAYMENT_PORT", "19999",
            "CARTWRIGHT_SIM_SEED", "7",
            "CARTWRIGHT_SIM_PRODUCT_COUNT", "100",
            "CARTWRIGHT_KAFKA_BOOTSTRAP", "127.0.0.1:9092",
            "CARTWRIGHT_SIM_ORDER_TOPIC", "orders.test",
            "CARTWRIGHT_SIM_AUTO_DELIVER", "false",
            "CARTWRIGHT_SIM_LATENCY_MS", "5",
            "CARTWRIGHT_SIM_PAYMENT_DECLINE_ALL", "true",
            "CARTWRIGHT_SIM_WAREHOUSE_OUT_OF_STOCK", "456, 457"), CLOCK);

        assertThat(config.portFor(SimService.CATALOG)).isEqualTo(19101);
        assertThat(config.portFor(SimService.PAYMENT)).isEqualTo(19999);
        assertThat(config.adminPortToUse()).isEqualTo(19100);
        assertThat(config.seed()).isEqualTo(7);
        assertThat(config.productCount()).isEqualTo(100);
        assertThat(config.kafkaEnabled()).isTrue();
        assertThat(config.topics()).isEqualTo(new SimTopics("orders.test", "pricing.events", "warehouse.events"));
        assertThat(config.autoDeliver()).isFalse();
        assertThat(config.demoOrder()).isTrue();
        assertThat(config.idBase()).isEqualTo(CLOCK.millis());
        assertThat(config.knobsFor(SimService.CATALOG).latencyMs()).isEqualTo(5);
        assertThat(config.knobsFor(SimService.PAYMENT).declineAll()).isTrue();
        assertThat(config.knobsFor(SimService.WAREHOUSE).outOfStock()).isEqualTo(Set.of("456", "457"));
    }

    @Test
    void without_an_environment_it_is_a_local_run_without_kafka() {
        SimConfig config = SimConfig.fromEnvironment(Map.of(), CLOCK);

        assertThat(config.kafkaEnabled()).isFalse();
        assertThat(config.autoDeliver()).isTrue();
        assertThat(config.demoOrder()).isTrue();
        assertThat(config.portFor(SimService.PRICING)).isEqualTo(9102);
        assertThat(config.topics()).isEqualTo(SimTopics.DEFAULTS);
    }

    @Test
    void a_bad_value_is_reported_with_its_variable() {
        assertThatThrownBy(() -> SimConfig.fromEnvironment(Map.of("CARTWRIGHT_SIM_SEED", "forty-two"), CLOCK))
            .hasMessageStartingWith("CARTWRIGHT_SIM_SEED");
        assertThatThrownBy(() -> SimConfig.fromEnvironment(Map.of("CARTWRIGHT_SIM_BASE_PORT", "70000"), CLOCK))
            .hasMessageStartingWith("CARTWRIGHT_SIM_BASE_PORT");
        assertThatThrownBy(() -> SimConfig.fromEnvironment(Map.of("CARTWRIGHT_SIM_ORDER_ERROR_RATE", "2"), CLOCK))
            .hasMessageStartingWith("CARTWRIGHT_SIM_ORDER_ERROR_RATE");
        assertThatThrownBy(() -> SimConfig.fromEnvironment(Map.of("CARTWRIGHT_SIM_AUTO_DELIVER", "maybe"), CLOCK))
            .hasMessageStartingWith("CARTWRIGHT_SIM_AUTO_DELIVER");
    }
}
