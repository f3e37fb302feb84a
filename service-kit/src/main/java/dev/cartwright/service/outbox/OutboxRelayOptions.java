package dev.cartwright.service.outbox;

import dev.cartwright.service.kafka.TopicSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How one {@link OutboxRelay} runs.
 *
 * @param table           the outbox table to drain
 * @param topic           the Kafka topic every row goes to
 * @param source          the CloudEvents {@code source} of the events, e.g. {@code /cartwright/return-service}
 * @param kafka           producer settings (at least {@code bootstrap.servers}); serializers, idempotence and
 *                        {@code acks=all} are set by the relay and cannot be overridden
 * @param batchSize       rows taken per transaction
 * @param pollInterval    how long an idle relay waits before looking again (a NOTIFY or {@link OutboxRelay#wake()}
 *                        cuts the wait short)
 * @param maxBackoff      the longest wait after repeated failures (Kafka or PostgreSQL unreachable)
 * @param notifyChannel   a PostgreSQL channel to LISTEN on for wake-ups, if any
 * @param metrics         where the relay's gauges and counters go, if anywhere
 * @param lagRefresh      how often the pending-count and oldest-age gauges are refreshed from the table
 * @param topicSettings   how to make {@code topic} when it is missing, before the first send; empty: sent to as it is
 */
public record OutboxRelayOptions(OutboxTable table, String topic, URI source, Map<String, String> kafka, int batchSize,
                                 Duration pollInterval, Duration maxBackoff, Optional<String> notifyChannel,
                                 Optional<MeterRegistry> metrics, Duration lagRefresh, Optional<TopicSettings> topicSettings) {

    public OutboxRelayOptions {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(source, "source");
        kafka = Map.copyOf(kafka);
        if (!kafka.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("kafka settings need bootstrap.servers");
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("batchSize must be within 1..10000, was " + batchSize);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive");
        }
        if (maxBackoff.compareTo(pollInterval) < 0) {
            throw new IllegalArgumentException("maxBackoff must not be shorter than pollInterval");
        }
        Objects.requireNonNull(notifyChannel, "notifyChannel");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(lagRefresh, "lagRefresh");
        Objects.requireNonNull(topicSettings, "topicSettings");
    }

    /** Defaults: 200 rows a batch, polled every 250 ms, backing off to 5 s, lag gauges refreshed every 5 s. */
    public static OutboxRelayOptions of(OutboxTable table, String topic, URI source, String bootstrapServers) {
        return new OutboxRelayOptions(table, topic, source, Map.of("bootstrap.servers", bootstrapServers), 200,
            Duration.ofMillis(250), Duration.ofSeconds(5), Optional.empty(), Optional.empty(), Duration.ofSeconds(5),
            Optional.empty());
    }

    public OutboxRelayOptions withKafka(Map<String, String> value) {
        return new OutboxRelayOptions(table, topic, source, value, batchSize, pollInterval, maxBackoff, notifyChannel, metrics, lagRefresh,
            topicSettings);
    }

    public OutboxRelayOptions withBatchSize(int value) {
        return new OutboxRelayOptions(table, topic, source, kafka, value, pollInterval, maxBackoff, notifyChannel, metrics, lagRefresh,
            topicSettings);
    }

    public OutboxRelayOptions withPollInterval(Duration value) {
        return new OutboxRelayOptions(table, topic, source, kafka, batchSize, value, maxBackoff, notifyChannel, metrics, lagRefresh,
            topicSettings);
    }

    public OutboxRelayOptions withMaxBackoff(Duration value) {
        return new OutboxRelayOptions(table, topic, source, kafka, batchSize, pollInterval, value, notifyChannel, metrics, lagRefresh,
            topicSettings);
    }

    public OutboxRelayOptions withNotifyChannel(String value) {
        return new OutboxRelayOptions(table, topic, source, kafka, batchSize, pollInterval, maxBackoff, Optional.of(value), metrics,
            lagRefresh, topicSettings);
    }

    public OutboxRelayOptions withMetrics(MeterRegistry value) {
        return new OutboxRelayOptions(table, topic, source, kafka, batchSize, pollInterval, maxBackoff, notifyChannel, Optional.of(value),
            lagRefresh, topicSettings);
    }

    public OutboxRelayOptions withTopicSettings(TopicSettings value) {
        return new OutboxRelayOptions(table, topic, source, kafka, batchSize, pollInterval, maxBackoff, notifyChannel, metrics, lagRefresh,
            Optional.of(value));
    }

    public OutboxRelayOptions withLagRefresh(Duration value) {
        return new OutboxRelayOptions(table, topic, source, kafka, batchSize, pollInterval, maxBackoff, notifyChannel, metrics, value,
            topicSettings);
    }
}
