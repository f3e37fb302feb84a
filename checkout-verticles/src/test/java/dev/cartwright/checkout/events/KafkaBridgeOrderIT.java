package dev.cartwright.checkout.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventSerializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
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
 * The bridge keeps each cart's events in version order on Kafka when a send fails while later sends would succeed:
 * the change stream is the real one (Redis), the producer a kafka-clients {@link MockProducer} that refuses the
 * first send of one cart the way a fresh producer does when the topic's metadata has not arrived in time.
 */
@ExtendWith(RealServices.class)
class KafkaBridgeOrderIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private Vertx vertx;
    private Redis redis;
    private String deployment;

    @BeforeEach
    void open() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void close() throws Exception {
        if (deployment != null) {
            await(vertx.undeploy(deployment));
        }
        if (redis != null) {
            redis.close();
        }
        await(vertx.close());
    }

    /** A producer that acknowledges at once, except for the first {@code failures} sends of {@code failingCart}. */
    private static final class Broker extends MockProducer<String, CloudEvent> {

        private final String failingCart;
        /** Sends of the failing cart that go through before the failures start. */
        private final AtomicInteger passing;
        private final AtomicInteger failures;
        /** Every send as the producer was handed it: cart id and version, and whether it failed. */
        final List<String> attempts = new CopyOnWriteArrayList<>();

        Broker(String failingCart, int failures) {
            this(failingCart, 0, failures);
        }

        Broker(String failingCart, int passing, int failures) {
            super(true, null, new StringSerializer(), serializer());
            this.failingCart = failingCart;
            this.passing = new AtomicInteger(passing);
            this.failures = new AtomicInteger(failures);
        }

        private static CloudEventSerializer serializer() {
            CloudEventSerializer serializer = new CloudEventSerializer();
            serializer.configure(Map.of(CloudEventSerializer.ENCODING_CONFIG, "BINARY"), false);
            return serializer;
        }

        @Override
        public synchronized java.util.concurrent.Future<RecordMetadata> send(ProducerRecord<String, CloudEvent> record, Callback callback) {
            String version = versionOf(record.value());
            if (record.key().equals(failingCart) && passing.getAndDecrement() <= 0 && failures.getAndDecrement() > 0) {
                attempts.add(record.key() + "@" + version + " failed");
                TimeoutException timeout = new TimeoutException("Topic cart not present in metadata after 5000 ms.");
                callback.onCompletion(null, timeout);
                return CompletableFuture.failedFuture(timeout);
            }
            attempts.add(record.key() + "@" + version);
            return super.send(record, callback);
        }

        /** The versions of one cart's published events, in the order the broker took them. */
        List<Long> published(String cartId) {
            List<Long> versions = new ArrayList<>();
            for (ProducerRecord<String, CloudEvent> record : history()) {
                if (record.key().equals(cartId)) {
                    versions.add(Long.parseLong(versionOf(record.value())));
                }
            }
            return versions;
        }
    }

    private static String versionOf(CloudEvent event) {
        return new JsonObject(new String(event.getData().toBytes(), StandardCharsets.UTF_8)).getString("version");
    }

    private static final String SLOW = "cart-slow";
    private static final String OTHER = "cart-other";

    /**
     * A bridge relaying to {@code broker} from a stream holding three changes each of {@link #SLOW} and {@link #OTHER},
     * written before it starts so that its first batch holds both carts' changes, interleaved as customers make them;
     * started, and the lease taken. The stream's key.
     */
    private String relayInterleavedChanges(RedisInfo redisInfo, String name, Broker broker) throws InterruptedException {
        redis = Redis.createClient(vertx, redisInfo.url());
        String stream = redisInfo.key(name);
        KafkaBridge bridge = new KafkaBridge(redis,
            new KafkaBridge.Settings(stream, "kafka-bridge", name, "cart", 100, Duration.ofMillis(100)),
            owner -> KafkaProducer.create(owner, broker), Optional.empty(), Clock.systemUTC(),
            cartId -> Future.succeededFuture(Optional.empty()), new SimpleMeterRegistry());
        for (int version = 1; version <= 3; version++) {
            append(stream, SLOW, version);
            append(stream, OTHER, version);
        }
        deployment = await(vertx.deployVerticle(bridge));
        eventually(bridge::isLeader);
        return stream;
    }

    @Test
    void aCartsLaterEventsWaitForAFailedEarlierOneWhileOtherCartsFlow(RedisInfo redisInfo) throws Exception {
        Broker broker = new Broker(SLOW, 1);
        String stream = relayInterleavedChanges(redisInfo, "bridge-order", broker);

        eventually(() -> broker.published(SLOW).size() == 3 && broker.published(OTHER).size() == 3);
        assertThat(broker.published(SLOW)).as("the cart whose first send failed, as published")
            .containsExactly(1L, 2L, 3L);
        assertThat(broker.published(OTHER)).containsExactly(1L, 2L, 3L);
        // The other cart was not held up by the failure: all of it went out before the failed event was sent again.
        assertThat(broker.attempts).containsSubsequence(SLOW + "@1 failed", OTHER + "@3", SLOW + "@1");
        assertThat(broker.attempts).as("the later events of the failed cart are sent after it, once each")
            .containsSubsequence(SLOW + "@1", SLOW + "@2", SLOW + "@3")
            .filteredOn(attempt -> attempt.startsWith(SLOW)).containsExactly(SLOW + "@1 failed", SLOW + "@1", SLOW + "@2", SLOW + "@3");
        eventually(() -> pending(stream) == 0);
    }

    @Test
    void aFailedSecondChangeHoldsBackTheCartsThirdOnlyAndIsSentAgainBeforeIt(RedisInfo redisInfo) throws Exception {
        Broker broker = new Broker(SLOW, 1, 1);
        String stream = relayInterleavedChanges(redisInfo, "bridge-order-second", broker);

        eventually(() -> broker.published(SLOW).size() == 3 && broker.published(OTHER).size() == 3);
        assertThat(broker.published(SLOW)).containsExactly(1L, 2L, 3L);
        assertThat(broker.published(OTHER)).containsExactly(1L, 2L, 3L);
        assertThat(broker.attempts).as("the third change waits for the second, sent again first")
            .filteredOn(attempt -> attempt.startsWith(SLOW))
            .containsExactly(SLOW + "@1", SLOW + "@2 failed", SLOW + "@2", SLOW + "@3");
        assertThat(broker.attempts).as("the other cart went on meanwhile")
            .containsSubsequence(SLOW + "@2 failed", OTHER + "@3", SLOW + "@2");
        eventually(() -> pending(stream) == 0);
    }

    private void append(String stream, String cartId, int version) {
        Request add = Request.cmd(Command.XADD).arg(stream).arg("*").arg("cart_id").arg(cartId).arg("version").arg(version)
            .arg("customer_id").arg("").arg("currency").arg("EUR").arg("at").arg(1_780_000_000_000L + version);
        if (version == 1) {
            add.arg("type").arg(CartEvents.CREATED);
        } else {
            add.arg("type").arg(CartEvents.ITEM_ADDED).arg("product_id").arg("p-" + version).arg("quantity").arg(1).arg("delta").arg(1)
                .arg("unit_price").arg(250);
        }
        await(redis.send(add));
    }

    private long pending(String stream) {
        return await(redis.send(Request.cmd(Command.XPENDING).arg(stream).arg("kafka-bridge"))).get(0).toLong();
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within " + WAIT);
            }
            Thread.sleep(20);
        }
    }
}
