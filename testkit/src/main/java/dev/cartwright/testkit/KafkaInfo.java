package dev.cartwright.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The Kafka cluster shared by every integration test in this JVM. Tests isolate themselves by topic: create one
 * with {@link #createTopic(String)} and give consumers a group id of their own.
 */
public final class KafkaInfo {

    /** How long a topic creation may keep meeting a broker that is still starting. */
    private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(60);

    private final String bootstrapServers;
    private final Source source;
    private final UniqueNames names;
    private Admin admin;

    KafkaInfo(String bootstrapServers, Source source, UniqueNames names) {
        this.bootstrapServers = bootstrapServers;
        this.source = source;
        this.names = names;
    }

    /** {@code host:port[,host:port...]} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** How this cluster was obtained. */
    public Source source() {
        return source;
    }

    /** Creates a topic with one partition that no other test uses and returns its name. */
    public String createTopic(String base) {
        return createTopic(base, 1);
    }

    /**
     * Creates a topic named {@code <base>_<run>_<n>} with {@code partitions} partitions (replication factor 1)
     * and returns its name once the cluster has accepted it.
     *
     * @param base lower case letters, digits and '_', e.g. {@code "cart_events"}
     */
    public String createTopic(String base, int partitions) {
        String topic = names.next(base);
        long deadline = System.nanoTime() + CREATE_TIMEOUT.toNanos();
        while (true) {
            try {
                admin().createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
                return topic;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    return topic; // an earlier attempt got through before its answer was lost
                }
                // A broker that has just started answers before it is unfenced ("Unable to replicate the partition");
                // that, and any retriable error, passes within seconds.
                boolean passing = e.getCause() instanceof InvalidReplicationFactorException
                    || e.getCause() instanceof RetriableException;
                if (!passing || System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka: could not create topic " + topic + " on " + bootstrapServers + ": " + e, e);
                }
                pause();
            } catch (TimeoutException e) {
                throw new IllegalStateException("Kafka: could not create topic " + topic + " on " + bootstrapServers + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topic " + topic, e);
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }

    /** Unique consumer group ids, so tests never share committed offsets. */
    public String freshGroupId(String base) {
        return names.next(base);
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        }
        return admin;
    }

    synchronized void closeAdmin() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }

    @Override
    public String toString() {
        return bootstrapServers + " (" + source.description() + ")";
    }
}
