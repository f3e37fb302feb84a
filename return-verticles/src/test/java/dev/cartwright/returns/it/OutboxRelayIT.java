package dev.cartwright.returns.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.service.kafka.TopicSettings;
import dev.cartwright.service.outbox.Outbox;
import dev.cartwright.service.outbox.OutboxEvent;
import dev.cartwright.service.outbox.OutboxRelay;
import dev.cartwright.service.outbox.OutboxRelayOptions;
import dev.cartwright.service.outbox.OutboxTable;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.Migrations;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventSerializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The outbox relay of service-kit against real PostgreSQL and Kafka, on return_db's outbox table: rows wait while
 * Kafka cannot be reached and flow once it can; several relays on one table send every row once and keep each
 * aggregate's events in order; a send that fails while later ones would succeed holds back its aggregate's later rows
 * and no other aggregate's.
 */
@ExtendWith(RealServices.class)
class OutboxRelayIT {

    private Vertx vertx;
    private Pool pool;
    private PostgresInfo pg;
    private String schema;
    private PgConnectOptions connect;
    private final List<String> deployments = new ArrayList<>();

    @BeforeEach
    void setUp(PostgresInfo postgres) {
        pg = postgres;
        schema = postgres.freshSchema("outbox");
        Migrations.apply(postgres, schema, "classpath:db/return_db");
        vertx = Vertx.vertx();
        connect = new PgConnectOptions().setHost(postgres.host()).setPort(postgres.port()).setUser(postgres.user())
            .setPassword(postgres.password()).setDatabase(postgres.database()).addProperty("search_path", schema);
        pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(6)).connectingTo(connect).using(vertx).build();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (String id : deployments) {
            vertx.undeploy(id).await(20, TimeUnit.SECONDS);
        }
        pool.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private OutboxRelayOptions options(String topic, String bootstrap) {
        Map<String, String> kafka = new HashMap<>();
        kafka.put("bootstrap.servers", bootstrap);
        kafka.put("max.block.ms", "1000");
        kafka.put("request.timeout.ms", "1000");
        kafka.put("delivery.timeout.ms", "2000");
        return OutboxRelayOptions.of(new OutboxTable("outbox"), topic, URI.create("/test/outbox"), bootstrap).withKafka(kafka)
            .withPollInterval(Duration.ofMillis(50)).withMaxBackoff(Duration.ofMillis(400)).withBatchSize(25);
    }

    private String deploy(OutboxRelay relay) throws Exception {
        String id = vertx.deployVerticle(relay).await(20, TimeUnit.SECONDS);
        deployments.add(id);
        return id;
    }

    /** Appends {@code perAggregate} events for each aggregate, interleaved, one transaction per event. */
    private List<OutboxEvent> append(List<String> aggregates, int perAggregate) throws Exception {
        Outbox outbox = new Outbox(new OutboxTable("outbox"), Optional.empty());
        List<OutboxEvent> written = new ArrayList<>();
        for (int n = 0; n < perAggregate; n++) {
            for (String aggregate : aggregates) {
                OutboxEvent e = new OutboxEvent(UUID.randomUUID(), aggregate, "test.happened", "{\"n\":" + n + "}",
                    OffsetDateTime.now(ZoneOffset.UTC));
                pool.withTransaction(c -> outbox.append(c, List.of(e))).await(10, TimeUnit.SECONDS);
                written.add(e);
            }
        }
        return written;
    }

    private long unpublished() throws Exception {
        try (Connection c = pg.connect(schema); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM outbox WHERE published_at IS NULL")) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void rowsWaitWhileKafkaIsUnreachableAndFlowWhenItIsBack(KafkaInfo kafka) throws Exception {
        String topic = kafka.createTopic("outbox_down");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // Nothing listens on port 1: every round fails, and is retried.
        String down = deploy(new OutboxRelay(pool, options(topic, "127.0.0.1:1").withMetrics(registry)));
        List<OutboxEvent> written = append(List.of("agg-1", "agg-2"), 3);
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        while (registry.counter("cartwright.outbox.failures", "table", "outbox").count() < 2 && Instant.now().isBefore(until)) {
            Thread.sleep(50);
        }
        assertThat(registry.counter("cartwright.outbox.failures", "table", "outbox").count()).isGreaterThanOrEqualTo(2);
        assertThat(unpublished()).isEqualTo(written.size());
        vertx.undeploy(down).await(20, TimeUnit.SECONDS);
        deployments.remove(down);

        try (ReturnEventsTap tap = new ReturnEventsTap(kafka.bootstrapServers(), topic, kafka.freshGroupId("outbox"))) {
            deploy(new OutboxRelay(pool, options(topic, kafka.bootstrapServers())));
            for (OutboxEvent e : written) {
                ReturnEventsTap.Seen seen = tap.await(s -> s.event().getId().equals(e.eventId().toString()), Duration.ofSeconds(60),
                    "event " + e.eventId());
                assertThat(seen.key()).isEqualTo(e.aggregateId());
                assertThat(seen.event().getType()).isEqualTo("test.happened");
            }
            assertThat(unpublished()).isZero();
        }
    }

    @Test
    void severalRelaysSendEveryRowOnceAndKeepEachAggregateInOrder(KafkaInfo kafka) throws Exception {
        String topic = kafka.createTopic("outbox_many", 3);
        try (ReturnEventsTap tap = new ReturnEventsTap(kafka.bootstrapServers(), topic, kafka.freshGroupId("outbox"))) {
            List<OutboxRelay> relays = List.of(new OutboxRelay(pool, options(topic, kafka.bootstrapServers())),
                new OutboxRelay(pool, options(topic, kafka.bootstrapServers())),
                new OutboxRelay(pool, options(topic, kafka.bootstrapServers())));
            for (OutboxRelay relay : relays) {
                deploy(relay);
            }
            List<String> aggregates = List.of("a", "b", "c", "d", "e");
            List<OutboxEvent> written = append(aggregates, 40);
            Instant until = Instant.now().plus(Duration.ofSeconds(90));
            while ((tap.forAll().size() < written.size() || unpublished() > 0) && Instant.now().isBefore(until)) {
                Thread.sleep(100);
            }
            assertThat(unpublished()).isZero();
            List<ReturnEventsTap.Seen> seen = tap.forAll();
            assertThat(seen).hasSize(written.size());
            assertThat(seen.stream().map(s -> s.event().getId()).distinct().count()).isEqualTo(written.size());
            for (String aggregate : aggregates) {
                List<String> sent = written.stream().filter(e -> e.aggregateId().equals(aggregate)).map(e -> e.eventId().toString(
                        )).toList();
                List<String> got = seen.stream().filter(s -> s.key().equals(aggregate)).map(s -> s.event().getId()).toList();
                assertThat(got).as("order of aggregate " + aggregate).containsExactlyElementsOf(sent);
            }
            assertThat(relays.stream().mapToLong(OutboxRelay::publishedCount).sum()).isEqualTo(written.size());
        }
    }

    /** A producer that acknowledges at once, except for the first send of one aggregate, refused as a fresh producer may. */
    private static final class Broker extends MockProducer<String, CloudEvent> {

        private final String failing;
        private final AtomicInteger failures = new AtomicInteger(1);

        Broker(String failing) {
            super(true, null, new StringSerializer(), serializer());
            this.failing = failing;
        }

        private static CloudEventSerializer serializer() {
            CloudEventSerializer serializer = new CloudEventSerializer();
            serializer.configure(Map.of(CloudEventSerializer.ENCODING_CONFIG, "BINARY"), false);
            return serializer;
        }

        @Override
        public synchronized java.util.concurrent.Future<RecordMetadata> send(ProducerRecord<String, CloudEvent> record, Callback callback) {
            if (record.key().equals(failing) && failures.getAndDecrement() > 0) {
                TimeoutException timeout = new TimeoutException("Topic returns not present in metadata after 1000 ms.");
                callback.onCompletion(null, timeout);
                return CompletableFuture.failedFuture(timeout);
            }
            return super.send(record, callback);
        }

        /** The ids of one aggregate's events as the broker took them, repeats included. */
        List<String> published(String aggregate) {
            return history().stream().filter(r -> r.key().equals(aggregate)).map(r -> r.value().getId()).toList();
        }
    }

    @Test
    void anAggregatesLaterRowsWaitForAFailedEarlierOneWhileOthersFlow() throws Exception {
        List<OutboxEvent> written = append(List.of("slow", "other"), 3);
        Broker broker = new Broker("slow");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        deploy(new OutboxRelay(pool, Optional.empty(), options("returns", "127.0.0.1:1").withMetrics(registry),
            (owner, settings) -> KafkaProducer.create(owner, broker)));
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        while ((unpublished() > 0 || broker.published("slow").size() < 3) && Instant.now().isBefore(until)) {
            Thread.sleep(50);
        }
        assertThat(unpublished()).isZero();
        for (String aggregate : List.of("slow", "other")) {
            List<String> sent = written.stream().filter(e -> e.aggregateId().equals(aggregate)).map(e -> e.eventId().toString()).toList();
            assertThat(broker.published(aggregate)).as("events of %s as the broker took them", aggregate).containsExactlyElementsOf(sent);
        }
        assertThat(registry.counter("cartwright.outbox.failures", "table", "outbox").count()).isEqualTo(1);
    }

    @Test
    void aMissingTopicIsMadeWithTheConfiguredPartitionsBeforeTheFirstSend(KafkaInfo kafka) throws Exception {
        String topic = "outbox_made_" + UUID.randomUUID().toString().substring(0, 8);
        List<OutboxEvent> written = append(List.of("r-1", "r-2", "r-3", "r-4"), 2);
        deploy(new OutboxRelay(pool, options(topic, kafka.bootstrapServers()).withTopicSettings(new TopicSettings(3, (short) 1, true))));
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        while (unpublished() > 0 && Instant.now().isBefore(until)) {
            Thread.sleep(50);
        }
        assertThat(unpublished()).isZero();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicDescription made = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            assertThat(made.partitions()).hasSize(3);
        }
        try (ReturnEventsTap tap = new ReturnEventsTap(kafka.bootstrapServers(), topic, kafka.freshGroupId("outbox"))) {
            for (OutboxEvent e : written) {
                ReturnEventsTap.Seen seen = tap.await(s -> s.event().getId().equals(e.eventId().toString()), Duration.ofSeconds(60),
                    "event " + e.eventId());
                assertThat(seen.key()).isEqualTo(e.aggregateId());
            }
        }
    }
}
