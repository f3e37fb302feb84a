package dev.cartwright.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ResolutionStepTest {

    @Test
    void theFirstWayThatWorksWinsAndLaterWaysAreNotTried() {
        List<String> tried = new ArrayList<>();
        String found = ResolutionStep.firstAvailable("Thing", List.of(
            new ResolutionStep<>("environment", () -> {
                tried.add("environment");
                return Optional.empty();
            }),
            new ResolutionStep<>("local port", () -> {
                tried.add("local port");
                return Optional.of("local");
            }),
            new ResolutionStep<>("container", () -> {
                tried.add("container");
                return Optional.of("container");
            })), "start it");

        assertThat(found).isEqualTo("local");
        assertThat(tried).containsExactly("environment", "local port");
    }

    @Test
    void whenNothingWorksTheMessageNamesEveryWayTriedAndHowToStartTheService() {
        List<ResolutionStep<String>> steps = List.of(
            new ResolutionStep<>("CARTWRIGHT_X", Optional::empty),
            new ResolutionStep<>("127.0.0.1:1234", Optional::empty));

        assertThatThrownBy(() -> ResolutionStep.firstAvailable("Thing", steps, "Run: thing-server --daemonize"))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("No Thing for integration tests")
            .hasMessageContaining("CARTWRIGHT_X")
            .hasMessageContaining("127.0.0.1:1234")
            .hasMessageContaining("Run: thing-server --daemonize");
    }

    @Test
    void aConfiguredWayThatIsBrokenFailsInsteadOfFallingThrough() {
        List<String> tried = new ArrayList<>();
        List<ResolutionStep<String>> steps = List.of(
            new ResolutionStep<>("environment", () -> {
                throw new IllegalStateException("CARTWRIGHT_X set but nothing answers");
            }),
            new ResolutionStep<>("local port", () -> {
                tried.add("local port");
                return Optional.of("local");
            }));

        assertThatThrownBy(() -> ResolutionStep.firstAvailable("Thing", steps, "start it"))
            .hasMessageContaining("CARTWRIGHT_X set but nothing answers");
        assertThat(tried).isEmpty();
    }

    @Test
    void aCheckedFailureIsReportedWithTheWayThatFailed() {
        List<ResolutionStep<String>> steps = List.of(
            new ResolutionStep<>("in-process broker", () -> {
                throw new IOException("disk full");
            }));

        assertThatThrownBy(() -> ResolutionStep.firstAvailable("Kafka", steps, "start it"))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("Kafka: in-process broker failed: disk full");
    }
}
