package dev.cartwright.service.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StopLoggingLastTest {

    @Test
    void logging_stops_only_once_the_announced_service_shutdown_is_done() throws Exception {
        LoggerContext context = new LoggerContext();
        context.start();
        StopLoggingLast hook = new StopLoggingLast();
        hook.setContext(context);

        StopLoggingLast.expectServiceShutdown();
        assertThat(StopLoggingLast.awaitServiceShutdowns(Duration.ZERO)).isFalse();
        Thread exit = new Thread(hook, "jvm-exit");
        exit.start();
        exit.join(200);
        assertThat(exit.isAlive()).as("the hook waits for the service's shutdown").isTrue();
        assertThat(context.isStarted()).isTrue();

        StopLoggingLast.serviceShutdownDone();
        exit.join();
        assertThat(context.isStarted()).isFalse();
        assertThat(StopLoggingLast.awaitServiceShutdowns(Duration.ZERO)).isTrue();
    }

    @Test
    void without_an_announced_shutdown_logging_stops_at_once() {
        LoggerContext context = new LoggerContext();
        context.start();
        StopLoggingLast hook = new StopLoggingLast();
        hook.setContext(context);

        hook.run();

        assertThat(context.isStarted()).isFalse();
    }
}
