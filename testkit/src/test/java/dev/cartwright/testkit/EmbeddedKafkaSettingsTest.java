package dev.cartwright.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class EmbeddedKafkaSettingsTest {

    @Test
    void defaultsListenOnLoopback9092WithTheControllerNextToItAndDataUnderTmp() {
        EmbeddedKafka.Settings settings = EmbeddedKafka.Settings.from(List.of(), Map.of());

        assertThat(settings.bootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(settings.controllerPort()).isEqualTo(9093);
        assertThat(settings.dir()).isEqualTo(Path.of("/tmp/cartwright-kafka"));
    }

    @Test
    void argumentsWinOverTheEnvironmentWhichWinsOverDefaults() {
        Map<String, String> env = Map.of("CARTWRIGHT_KAFKA_PORT", "19092", "CARTWRIGHT_KAFKA_DIR", "/var/tmp/k");

        EmbeddedKafka.Settings fromEnv = EmbeddedKafka.Settings.from(List.of(), env);
        EmbeddedKafka.Settings fromArgs = EmbeddedKafka.Settings.from(List.of("--port", "29092", "--dir", "/data/k"), env);

        assertThat(fromEnv.port()).isEqualTo(19092);
        assertThat(fromEnv.controllerPort()).isEqualTo(19093);
        assertThat(fromEnv.dir()).isEqualTo(Path.of("/var/tmp/k"));
        assertThat(fromArgs.port()).isEqualTo(29092);
        assertThat(fromArgs.dir()).isEqualTo(Path.of("/data/k"));
    }

    @Test
    void theBrokerAdvertisesExactlyTheFixedAddressAndKeepsTheControllerApart() {
        Map<String, Object> config = EmbeddedKafka.Settings.from(
            List.of("--host", "127.0.0.1", "--port", "9092", "--controller-port", "9193", "--dir", "/tmp/k"), Map.of()).brokerConfig();

        assertThat(config).containsEntry("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9193")
            .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:9092")
            .containsEntry("controller.quorum.voters", "1@127.0.0.1:9193")
            .containsEntry("log.dirs", "/tmp/k")
            .containsEntry("offsets.topic.replication.factor", "1")
            .containsEntry("transaction.state.log.replication.factor", "1")
            .containsEntry("transaction.state.log.min.isr", "1")
            .containsEntry("group.initial.rebalance.delay.ms", "0");
    }

    @Test
    void badArgumentsAreRejectedWithTheirName() {
        assertThatThrownBy(() -> EmbeddedKafka.Settings.from(List.of("--prot", "9092"), Map.of()))
            .hasMessageContaining("--prot");
        assertThatThrownBy(() -> EmbeddedKafka.Settings.from(List.of("--port"), Map.of()))
            .hasMessageContaining("--port needs a value");
        assertThatThrownBy(() -> EmbeddedKafka.Settings.from(List.of("--port", "ninety"), Map.of()))
            .hasMessageContaining("--port must be a port number");
        assertThatThrownBy(() -> EmbeddedKafka.Settings.from(List.of("--port", "9092", "--controller-port", "9092"), Map.of()))
            .hasMessageContaining("must differ");
    }
}
