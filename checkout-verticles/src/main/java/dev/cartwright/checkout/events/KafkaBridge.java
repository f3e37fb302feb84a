package dev.cartwright.checkout.events;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.store.ChangeStreamConsumer;
import dev.cartwright.cart.store.ChangeStreamConsumer.BatchOutcome;
import dev.cartwright.cart.store.change.CartChange;
import dev.cartwright.cart.store.change.CartChange.Abandoned;
import dev.cartwright.cart.store.change.CartChange.Applied;
import dev.cartwright.cart.store.change.CartChange.Unreadable;
import dev.cartwright.service.kafka.CloudEventProducers;
import dev.cartwright.service.kafka.EventTopic;
import dev.cartwright.service.kafka.TopicSettings;
import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the relay of cart changes to Kafka: it reads the cart change stream as the consumer group
 * {@code kafka-bridge} (through a {@link ChangeStreamConsumer}, which reads, takes over, acknowledges and backs off),
 * turns each published change into a CloudEvent ({@link CartEvents}), sends it with an idempotent producer (acks=all)
 * to the cart events topic keyed by cart id, and has the stream entry acknowledged only once the broker has the
 * event. Changes that are not published are acknowledged at once.
 *
 * <p>Order: one cart's changes must reach Kafka in version order. The stream holds them in that order and the
 * consumer hands over one batch at a time in stream order. Within a batch, events go out in rounds: the first change
 * of every cart side by side, then, once the broker has answered all of those, the second of each, and so on. So a
 * cart's next event is handed to the producer only once the broker has acknowledged the one before it: a send can
 * fail while a later one of the same key succeeds (the first send of a fresh producer waiting for the topic's
 * metadata, a batch expiring in the producer), so handing them over together is not enough. Once one of a cart's
 * sends failed, its later changes in the batch are not sent; they stay pending with it and are retried after it,
 * oldest first, before anything newer is read. A round is handed to the producer in one task off the bridge's
 * context, and its answers come back to that context once: a task and a hop per event cost the service more CPU
 * than building the event did. Only one bridge in the whole deployment relays at a time, the
 * holder of a lease in Redis; the others wait to take over, so two processes never interleave one cart's events.
 *
 * <p>Kafka down: sends fail, nothing is acknowledged, the entries stay pending in the stream, and the consumer
 * retries them with growing pauses, oldest first, before it reads anything new. A bridge that takes over (after
 * a restart or from a dead process) first claims every pending entry of the group and relays those.
 */
public final class KafkaBridge extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBridge.class);
    private static final Duration LEASE_TTL = Duration.ofSeconds(15);
    private static final Duration LEASE_EVERY = Duration.ofSeconds(5);
    private static final Duration BACKOFF_INITIAL = Duration.ofMillis(100);
    private static final Duration BACKOFF_MAX = Duration.ofSeconds(5);
    /** Shorter than an outbox's: a send that cannot go fails soon and is retried from the stream, oldest first. */
    private static final CloudEventProducers.Waits BRIDGE_WAITS = new CloudEventProducers.Waits(Duration.ofSeconds(5),
        Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofMillis(5));
    private static final String RENEW_LEASE =
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
    private static final String RELEASE_LEASE =
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

    /** Where the bridge reads and writes. */
    public record Settings(String streamKey, String group, String consumerName, String topic, int batchSize, Duration readBlock) {
    }

    private final Redis redis;
    private final Settings settings;
    private final Function<Vertx, KafkaProducer<String, CloudEvent>> producers;
    private final Optional<EventTopic> topic;
    /** Completes once the topic exists as configured; the bridge relays nothing before. */
    private Future<Void> topicReady = Future.succeededFuture();
    private final Function<String, Future<Optional<Cart>>> carts;
    private final ChangeStreamConsumer consumer;
    private final Counter published;
    private final Counter skipped;
    private final Counter sendFailures;
    private KafkaProducer<String, CloudEvent> producer;
    /** The producer underneath, sent to directly from a blocking task: one task per round of sends, not per event. */
    private Producer<String, CloudEvent> sender;
    private boolean running;
    /** Written on the bridge's event loop; read by health and status checks from other threads. */
    private volatile boolean leader;
    private long leaseTimer = -1;

    /**
     * @param redis a pooled client (the lease, acknowledgements; the consumer opens a connection of its own from it)
     * @param producerConfig the Kafka producer's configuration, e.g. {@link #producerConfig(String)}
     * @param topicSettings how to make the topic when it is missing, before the first send (empty: sent to as it is)
     * @param carts looks up a cart's stored state, for an abandoned cart whose change entry does not carry the cart
     *     (written before entries did)
     */
    public KafkaBridge(Redis redis, Settings settings, Map<String, String> producerConfig, Optional<TopicSettings> topicSettings,
                       Clock clock, Function<String, Future<Optional<Cart>>> carts, MeterRegistry registry) {
        this(redis, settings, owner -> KafkaProducer.create(owner, Map.copyOf(producerConfig)),
            topicSettings.map(made -> new EventTopic(producerConfig.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG), settings.topic(), made)),
            clock, carts, registry);
    }

    /**
     * A bridge whose producer is made by {@code producers} when it starts (on the bridge's own Vert.x), e.g. over a
     * kafka-clients {@code Producer} of the caller's choosing; {@code topic}, when given, is made if missing before the
     * bridge relays anything.
     */
    public KafkaBridge(Redis redis, Settings settings, Function<Vertx, KafkaProducer<String, CloudEvent>> producers,
                       Optional<EventTopic> topic, Clock clock, Function<String, Future<Optional<Cart>>> carts, MeterRegistry registry) {
        this.redis = redis;
        this.settings = settings;
        this.producers = producers;
        this.topic = topic;
        this.carts = carts;
        // One bridge per shard's stream in a process: each one's meters are a series of their own.
        Tags tags = Tags.of("stream", settings.streamKey());
        this.consumer = new ChangeStreamConsumer(redis,
            new ChangeStreamConsumer.Settings(settings.streamKey(), settings.group(), settings.consumerName(), settings.batchSize(),
                settings.readBlock(), Duration.ZERO, Duration.ZERO, false, BACKOFF_INITIAL, BACKOFF_MAX),
            clock, registry,
            new ChangeStreamConsumer.Meters("cartwright.kafka_bridge.lag",
                "Cart changes not yet relayed to Kafka (waiting plus pending in the kafka-bridge group)",
                "cartwright.kafka_bridge.oldest.age", "cartwright.kafka_bridge.acked", "cartwright.kafka_bridge.batch_failures",
                tags),
            this::relay);
        published = Counter.builder("cartwright.kafka_bridge.published").description("Cart events sent to Kafka and acked")
            .tags(tags).register(registry);
        skipped = Counter.builder("cartwright.kafka_bridge.skipped").description("Cart changes acked without an event")
            .tags(tags).register(registry);
        sendFailures = Counter.builder("cartwright.kafka_bridge.send_failures").description("Kafka sends that failed")
            .tags(tags).register(registry);
    }

    /**
     * The producer configuration the service uses: idempotent, acks=all, CloudEvents in binary mode, and bounded
     * waits, so that with the broker away a send fails in bounded time and the entry is retried from the stream.
     */
    public static Map<String, String> producerConfig(String bootstrapServers) {
        return CloudEventProducers.config(bootstrapServers, "checkout-kafka-bridge", BRIDGE_WAITS);
    }

    @Override
    public Future<?> start() {
        producer = producers.apply(vertx);
        sender = producer.unwrap();
        producer.exceptionHandler(e -> LOG.warn("event=bridge_producer_error error=\"{}\"", e.toString()));
        consumer.open(vertx);
        running = true;
        topicReady = topic.map(made -> made.ensure(vertx, () -> running)).orElse(Future.succeededFuture());
        leaseTimer = vertx.setPeriodic(0, LEASE_EVERY.toMillis(), id -> tendLease());
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        running = false;
        vertx.cancelTimer(leaseTimer);
        boolean held = leader;
        leader = false;
        // The batch in hand is finished first, then the lease goes, so the next bridge starts after this one's last send.
        return consumer.close()
            .eventually(() -> held
                ? redis.send(Request.cmd(Command.EVAL).arg(RELEASE_LEASE).arg(1).arg(leaseKey()).arg(settings.consumerName()))
                    .otherwise((Response) null)
                : Future.succeededFuture())
            .eventually(() -> producer.close(5000));
    }

    /** Whether this bridge holds the lease and relays. */
    public boolean isLeader() {
        return leader;
    }

    private String leaseKey() {
        return settings.streamKey() + ":bridge-lease";
    }

    private void tendLease() {
        if (!running) {
            return;
        }
        if (leader) {
            redis.send(Request.cmd(Command.EVAL).arg(RENEW_LEASE).arg(1).arg(leaseKey()).arg(settings.consumerName())
                    .arg(LEASE_TTL.toMillis()))
                .onSuccess(r -> {
                    if ((r == null || r.toLong() == 0) && leader) {
                        LOG.warn("event=bridge_lease_lost consumer={}", settings.consumerName());
                        leader = false;
                        consumer.stopReading();
                    }
                })
                .onFailure(e -> LOG.warn("event=bridge_lease_renew_failed error=\"{}\"", e.getMessage()));
            return;
        }
        redis.send(Request.cmd(Command.SET).arg(leaseKey()).arg(settings.consumerName()).arg("NX").arg("PX").arg(LEASE_TTL.toMillis()))
            .onSuccess(r -> {
                if (r != null && "OK".equals(r.toString()) && running && !leader) {
                    leader = true;
                    LOG.info("event=bridge_leader consumer={} stream={} topic={}", settings.consumerName(), settings.streamKey(),
                        settings.topic());
                    // The topic's metadata first, so the first sends do not each wait for it (and fail after max.block.ms).
                    topicReady.compose(made -> producer.partitionsFor(settings.topic()))
                        .onFailure(e -> LOG.warn("event=bridge_topic_metadata_unavailable topic={} error=\"{}\"", settings.topic(),
                            e.getMessage()))
                        .otherwiseEmpty()
                        .compose(v -> leader ? consumer.startReading() : Future.succeededFuture())
                        .onFailure(e -> LOG.warn("event=bridge_start_failed error=\"{}\"", e.getMessage()));
                }
            })
            .onFailure(e -> LOG.warn("event=bridge_lease_failed error=\"{}\"", e.getMessage()));
    }

    /**
     * Sends the batch's events in rounds: the first change of every cart in the batch, then the second of each, and so
     * on; a round goes to the producer once the broker has answered every send of the round before it. A cart's
     * change is not sent once one of its earlier ones failed. Every entry whose event the broker acked (or that has
     * none) is handled; the others stay pending.
     */
    private Future<BatchOutcome> relay(List<CartChange> batch) {
        List<String> handled = new ArrayList<>(batch.size());
        List<List<Applied>> rounds = new ArrayList<>();
        Map<String, Integer> changesOfCart = new HashMap<>();
        for (CartChange change : batch) {
            if (!(change instanceof Applied applied) || !CartEvents.isPublished(change)) {
                if (change instanceof Unreadable unreadable) {
                    // A malformed entry would block the stream forever; it is logged and passed over.
                    LOG.error("event=bridge_entry_unreadable id={} cart_id={} reason=\"{}\"", unreadable.entryId(), unreadable.cartId(),
                        unreadable.reason());
                }
                handled.add(change.entryId());
                skipped.increment();
                continue;
            }
            int round = changesOfCart.merge(applied.cartId(), 1, Integer::sum) - 1;
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(applied);
        }
        Relay relay = new Relay(handled);
        Future<Void> sent = Future.succeededFuture();
        for (List<Applied> round : rounds) {
            sent = sent.compose(previous -> relay.send(round));
        }
        return sent.map(all -> relay.outcome());
    }

    /** One batch's sends: what is handled so far, the carts that must wait, and the first failure. */
    private final class Relay {

        private final List<String> handled;
        private final Set<String> failedCarts = new HashSet<>();
        private Throwable failure;

        Relay(List<String> handled) {
            this.handled = handled;
        }

        /** One round: at most one change per cart, those of carts with a failed earlier change left out. */
        Future<Void> send(List<Applied> round) {
            List<Applied> going = new ArrayList<>(round.size());
            for (Applied change : round) {
                if (!failedCarts.contains(change.cartId())) {
                    going.add(change);
                }
            }
            if (going.isEmpty()) {
                return Future.succeededFuture();
            }
            List<Future<Optional<Cart>>> carts = new ArrayList<>(going.size());
            for (Applied change : going) {
                carts.add(cartFor(change));
            }
            return Future.all(carts).compose(found -> sendAll(going, carts)).map(results -> {
                int acked = 0;
                for (int i = 0; i < results.length; i++) {
                    Applied change = going.get(i);
                    if (results[i] == null) {
                        handled.add(change.entryId());
                        acked++;
                    } else {
                        failedCarts.add(change.cartId());
                        if (failure == null) {
                            failure = results[i];
                        }
                    }
                }
                published.increment(acked);
                return null;
            });
        }

        BatchOutcome outcome() {
            if (failure != null) {
                sendFailures.increment();
                return new BatchOutcome.Interrupted(handled, failure);
            }
            return new BatchOutcome.Done(handled);
        }
    }

    /**
     * Hands every change's event to the producer in one task off the bridge's context (a send may wait for the topic's
     * metadata or for room in the producer's buffer), and completes on that context once the broker has answered them
     * all: for each change, null when acked (or when it has no event to send), else why not.
     */
    private Future<Throwable[]> sendAll(List<Applied> changes, List<Future<Optional<Cart>>> carts) {
        Promise<Throwable[]> answered = Promise.promise();
        Throwable[] results = new Throwable[changes.size()];
        AtomicInteger waiting = new AtomicInteger(changes.size());
        Runnable oneAnswered = () -> {
            if (waiting.decrementAndGet() == 0) {
                context.runOnContext(go -> answered.tryComplete(results));
            }
        };
        vertx.executeBlocking(() -> {
            for (int i = 0; i < results.length; i++) {
                Applied change = changes.get(i);
                CloudEvent event;
                try {
                    event = CartEvents.toCloudEvent(change, carts.get(i).result());
                } catch (IllegalArgumentException | ArithmeticException e) {
                    LOG.error("event=bridge_entry_unreadable id={} cart_id={} error=\"{}\"", change.entryId(), change.cartId(),
                        e.getMessage());
                    oneAnswered.run();
                    continue;
                }
                int index = i;
                try {
                    sender.send(new ProducerRecord<>(settings.topic(), change.cartId(), event), (metadata, error) -> {
                        results[index] = error;
                        oneAnswered.run();
                    });
                } catch (RuntimeException refused) {
                    results[index] = refused;
                    oneAnswered.run();
                }
            }
            return null;
        }).onFailure(answered::tryFail);
        return answered.future();
    }

    /** The cart an abandoned cart's event lists: as the change left it, else (an older entry) as stored now. */
    private Future<Optional<Cart>> cartFor(Applied change) {
        if (!(change instanceof Abandoned)) {
            return Future.succeededFuture(Optional.empty());
        }
        if (change.cart().isPresent()) {
            try {
                return Future.succeededFuture(Optional.of(change.cart().get().decode().cart()));
            } catch (RuntimeException unreadable) {
                LOG.warn("event=bridge_cart_unreadable id={} cart_id={} error=\"{}\"", change.entryId(), change.cartId(),
                    unreadable.getMessage());
            }
        }
        return carts.apply(change.cartId()).otherwise(Optional.empty());
    }
}
