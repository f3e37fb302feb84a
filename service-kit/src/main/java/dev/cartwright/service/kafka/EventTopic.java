package dev.cartwright.service.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns making sure one topic a service publishes to exists as configured ({@link TopicSettings}) before anything is
 * sent to it, so the broker never auto-creates it with its own defaults. A missing topic is created with the
 * configured partitions and replication; an existing one is kept as it is (adding partitions would move keys to other
 * partitions and break their order), with a warning when its partition count differs from the configured one.
 *
 * <p>Kafka not reachable: it tries again, waiting longer each time (up to 5 s), for as long as it is wanted; the
 * service keeps taking changes meanwhile, and its relays start sending once the topic is there.
 */
public record EventTopic(String bootstrapServers, String name, TopicSettings settings) {

    private static final Logger LOG = LoggerFactory.getLogger(EventTopic.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration BACKOFF_INITIAL = Duration.ofMillis(200);
    private static final Duration BACKOFF_MAX = Duration.ofSeconds(5);

    public EventTopic {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(settings, "settings");
    }

    /**
     * Completes once the topic exists (or at once when {@link TopicSettings#create()} is off, after a look that only
     * reports); fails only once {@code wanted} says the caller gave up (it stopped).
     */
    public Future<Void> ensure(Vertx vertx, BooleanSupplier wanted) {
        Promise<Void> ready = Promise.promise();
        if (!settings.create()) {
            vertx.executeBlocking(() -> {
                try (Admin admin = admin()) {
                    report(describe(admin));
                }
                return null;
            }, false).onFailure(e -> LOG.warn("event=topic_unchecked topic={} error=\"{}\"", name, e.toString()));
            ready.complete();
            return ready.future();
        }
        attempt(vertx, wanted, ready, 1);
        return ready.future();
    }

    private void attempt(Vertx vertx, BooleanSupplier wanted, Promise<Void> ready, int attempt) {
        if (!wanted.getAsBoolean()) {
            ready.tryFail("no longer wanted: topic " + name);
            return;
        }
        vertx.<Void>executeBlocking(() -> {
            try (Admin admin = admin()) {
                createIfMissing(admin);
            }
            return null;
        }, false).onSuccess(ready::tryComplete).onFailure(e -> {
            long delay = Math.min(BACKOFF_MAX.toMillis(), BACKOFF_INITIAL.toMillis() << Math.min(attempt - 1, 10));
            LOG.warn("event=topic_not_ready topic={} attempt={} retry_in_ms={} error=\"{}\"", name, attempt, delay, e.toString());
            vertx.setTimer(delay, t -> attempt(vertx, wanted, ready, attempt + 1));
        });
    }

    private Admin admin() {
        return Admin.create(Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            AdminClientConfig.CLIENT_ID_CONFIG, "topics-" + name,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis()));
    }

    private void createIfMissing(Admin admin) throws Exception {
        TopicDescription existing = describe(admin);
        if (existing != null) {
            report(existing);
            return;
        }
        try {
            admin.createTopics(List.of(new NewTopic(name, settings.partitions(), settings.replication())))
                .all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("event=topic_created topic={} partitions={} replication={}", name, settings.partitions(), settings.replication());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            // Made meanwhile by another instance: as good as made here.
            report(describe(admin));
        }
    }

    /** The topic as the cluster has it; null when it does not exist. */
    private TopicDescription describe(Admin admin) throws Exception {
        try {
            return admin.describeTopics(List.of(name)).allTopicNames().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(name);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw e;
        }
    }

    private void report(TopicDescription topic) {
        if (topic == null) {
            LOG.warn("event=topic_missing topic={} message=\"CARTWRIGHT_KAFKA_CREATE_TOPICS is off: create it with {} partitions\"", name,
                settings.partitions());
            return;
        }
        int partitions = topic.partitions().size();
        if (partitions != settings.partitions()) {
            LOG.warn("event=topic_partitions_differ topic={} partitions={} configured={} message=\"kept as it is: adding partitions moves "
                + "keys to other partitions\"", name, partitions, settings.partitions());
        } else {
            LOG.info("event=topic_ready topic={} partitions={}", name, partitions);
        }
    }
}
