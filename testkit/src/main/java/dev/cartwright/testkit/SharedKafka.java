package dev.cartwright.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Owns the Kafka cluster of this test JVM: finds or starts it once (falling back to a KRaft broker inside this
 * JVM, which needs nothing installed), and stops what it started.
 */
final class SharedKafka implements AutoCloseable {

    static final String HOW_TO_START = """
        Start a local broker with:
          ./mvnw -q -pl testkit -am package -DskipTests
          java -cp "$(cat testkit/target/classpath.txt):testkit/target/classes" dev.cartwright.testkit.EmbeddedKafka --port 9092
        or point the tests at a cluster: CARTWRIGHT_KAFKA_BOOTSTRAP=host:port""";

    /** Same release as the client library on the classpath. */
    static final String IMAGE = "apache/kafka:4.3.1";

    /** Broker settings for a single node: internal topics cannot ask for three replicas, groups start at once. */
    static final Map<String, String> SINGLE_NODE_SETTINGS = Map.of(
        "offsets.topic.replication.factor", "1",
        "offsets.topic.num.partitions", "1",
        "transaction.state.log.replication.factor", "1",
        "transaction.state.log.min.isr", "1",
        "share.coordinator.state.topic.replication.factor", "1",
        "share.coordinator.state.topic.min.isr", "1",
        "group.initial.rebalance.delay.ms", "0");

    private static final Logger LOG = LoggerFactory.getLogger(SharedKafka.class);
    private static final String LOCAL_DEFAULT = "127.0.0.1:9092";

    private final KafkaInfo info;
    private final AutoCloseable stop;

    private SharedKafka(KafkaInfo info, AutoCloseable stop) {
        this.info = info;
        this.stop = stop;
    }

    KafkaInfo info() {
        return info;
    }

    static SharedKafka resolve(Map<String, String> env) {
        UniqueNames names = new UniqueNames();
        SharedKafka found = ResolutionStep.firstAvailable("Kafka", List.of(
            new ResolutionStep<>("CARTWRIGHT_KAFKA_BOOTSTRAP", () -> fromEnvironment(env, names)),
            new ResolutionStep<>(LOCAL_DEFAULT, () -> fromLocalPort(names)),
            new ResolutionStep<>("Testcontainers (" + IMAGE + ")", () -> fromContainer(names)),
            new ResolutionStep<>("in-process KRaft broker", () -> inProcess(names))
        ), HOW_TO_START);
        LOG.info("Kafka for integration tests: {}", found.info);
        return found;
    }

    private static Optional<SharedKafka> fromEnvironment(Map<String, String> env, UniqueNames names) {
        String bootstrap = env.get("CARTWRIGHT_KAFKA_BOOTSTRAP");
        if (SharedPostgres.blank(bootstrap)) {
            return Optional.empty();
        }
        if (Probes.kafkaClusterId(bootstrap.trim(), Duration.ofSeconds(10)).isEmpty()) {
            throw new IllegalStateException("Kafka: no broker answers at CARTWRIGHT_KAFKA_BOOTSTRAP=" + bootstrap + "\n" + HOW_TO_START);
        }
        return Optional.of(new SharedKafka(new KafkaInfo(bootstrap.trim(), Source.ENVIRONMENT, names), () -> { }));
    }

    /** Port 9092 counts only when a Kafka broker really answers there, not merely something listening. */
    private static Optional<SharedKafka> fromLocalPort(UniqueNames names) {
        if (!Probes.acceptsConnections("127.0.0.1", 9092, Duration.ofMillis(500))
            || Probes.kafkaClusterId(LOCAL_DEFAULT, Duration.ofSeconds(3)).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SharedKafka(new KafkaInfo(LOCAL_DEFAULT, Source.LOCAL_DEFAULT_PORT, names), () -> { }));
    }

    private static Optional<SharedKafka> fromContainer(UniqueNames names) {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return Optional.empty();
        }
        KafkaContainer container = new KafkaContainer(IMAGE);
        container.start();
        return Optional.of(new SharedKafka(new KafkaInfo(container.getBootstrapServers(), Source.TESTCONTAINERS, names), container::stop));
    }

    private static Optional<SharedKafka> inProcess(UniqueNames names) throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
            .setCombined(true)
            .setNumBrokerNodes(1)
            .setNumControllerNodes(1)
            .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        SINGLE_NODE_SETTINGS.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return Optional.of(new SharedKafka(new KafkaInfo(cluster.bootstrapServers(), Source.IN_PROCESS, names), cluster));
    }

    @Override
    public String toString() {
        return info.toString();
    }

    @Override
    public void close() {
        info.closeAdmin();
        try {
            stop.close();
        } catch (Exception e) {
            LOG.warn("Kafka: stopping the broker failed", e);
        }
    }
}
