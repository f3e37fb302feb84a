package dev.cartwright.checkout.events;

import dev.cartwright.cart.Cart;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventSerializer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the relay of cart changes to Kafka: it reads the cart change stream as the consumer group
 * {@code kafka-bridge}, turns each published change into a CloudEvent ({@link CartEvents}), sends it with an
 * idempotent producer (acks=all) to the cart events topic keyed by cart id, and acknowledges the stream entry
 * only once the broker has the event. Types that are not published are acknowledged at once.
 *
 * <p>Order: one cart's changes must reach Kafka in version order. The stream holds them in that order, the
 * bridge handles one batch at a time in stream order, and the producer keeps the order of one key's records.
 * Only one bridge in the whole deployment relays at a time, the holder of a lease in Redis; the others wait to
 * take over, so two processes never interleave one cart's events.
 *
 * <p>Kafka down: sends fail, nothing is acknowledged, the entries stay pending in the stream, and the bridge
 * retries them with growing pauses, oldest first, before it reads anything new. A bridge that takes over (after
 * a restart or from a dead process) first claims every pending entry with XAUTOCLAIM and relays those.
 */
public final class KafkaBridge extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBridge.class);
    private static final Duration LEASE_TTL = Duration.ofSeconds(15);
    private static final Duration LEASE_EVERY = Duration.ofSeconds(5);
    private static final long MAX_BACKOFF_MS = 5_000;
    private static final String RENEW_LEASE =
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";

    /** Where and how the bridge reads and writes. */
    public record Settings(String redisUrl, String streamKey, String group, String consumerName, String kafkaBootstrap,
                           String topic, int batchSize, Duration readBlock) {
    }

    private final Settings settings;
    private final Function<String, Future<Optional<Cart>>> carts;
    private final MeterRegistry registry;
    private final AtomicLong lag = new AtomicLong();
    private Counter published;
    private Counter skipped;
    private Counter sendFailures;
    private Redis redis;
    private RedisConnection reader;
    private KafkaProducer<String, CloudEvent> producer;
    private volatile boolean running;
    private boolean leader;
    private boolean recovering = true;
    private long backoffMs;
    private long leaseTimer = -1;
    private long lagTimer = -1;

    /**
     * @param carts looks up a cart's stored state, for what a stream entry does not carry (an abandoned cart's lines)
     */
    public KafkaBridge(Settings settings, Function<String, Future<Optional<Cart>>> carts, MeterRegistry registry) {
        this.settings = settings;
        this.carts = carts;
        this.registry = registry;
    }

    @Override
    public Future<?> start() {
        published = Counter.builder("cartwright.kafka_bridge.published").description("Cart events sent to Kafka and acked")
            .register(registry);
        skipped = Counter.builder("cartwright.kafka_bridge.skipped").description("Cart changes acked without an event")
            .register(registry);
        sendFailures = Counter.builder("cartwright.kafka_bridge.send_failures").description("Kafka sends that failed")
            .register(registry);
        Gauge.builder("cartwright.kafka_bridge.lag", lag, AtomicLong::get)
            .description("Cart changes not yet relayed to Kafka (waiting plus pending in the kafka-bridge group)")
            .register(registry);
        redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(settings.redisUrl())
            .setPreferredProtocolVersion(ProtocolVersion.RESP2).setMaxPoolSize(4).setMaxPoolWaiting(64));
        Map<String, String> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class.getName());
        config.put(CloudEventSerializer.ENCODING_CONFIG, "BINARY");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put("max.in.flight.requests.per.connection", "5");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "checkout-kafka-bridge");
        // With the broker away a send must fail in bounded time so the entry can be retried from the stream.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        producer = KafkaProducer.create(vertx, config);
        producer.exceptionHandler(e -> LOG.warn("event=bridge_producer_error error=\"{}\"", e.toString()));
        running = true;
        leaseTimer = vertx.setPeriodic(0, LEASE_EVERY.toMillis(), id -> tendLease());
        lagTimer = vertx.setPeriodic(1000, 5000, id -> measureLag());
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        running = false;
        vertx.cancelTimer(leaseTimer);
        vertx.cancelTimer(lagTimer);
        Future<?> release = leader
            ? redis.send(Request.cmd(Command.EVAL).arg("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1])"
                + " else return 0 end").arg(1).arg(leaseKey()).arg(settings.consumerName())).otherwise((Response) null)
            : Future.succeededFuture();
        return release.eventually(() -> producer.close(5000)).eventually(() -> reader == null ? Future.succeededFuture() : reader.close())
            .eventually(() -> redis.close());
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
                    if (r == null || r.toLong() == 0) {
                        LOG.warn("event=bridge_lease_lost consumer={}", settings.consumerName());
                        leader = false;
                    }
                })
                .onFailure(e -> LOG.warn("event=bridge_lease_renew_failed error=\"{}\"", e.getMessage()));
            return;
        }
        redis.send(Request.cmd(Command.SET).arg(leaseKey()).arg(settings.consumerName()).arg("NX").arg("PX").arg(LEASE_TTL.toMillis()))
            .onSuccess(r -> {
                if (r != null && "OK".equals(r.toString()) && running && !leader) {
                    leader = true;
                    recovering = true;
                    LOG.info("event=bridge_leader consumer={} stream={} topic={}", settings.consumerName(), settings.streamKey(),
                        settings.topic());
                    ensureGroup().onComplete(ar -> loop());
                }
            })
            .onFailure(e -> LOG.warn("event=bridge_lease_failed error=\"{}\"", e.getMessage()));
    }

    private Future<Void> ensureGroup() {
        return redis.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(settings.streamKey()).arg(settings.group()).arg("0")
                .arg("MKSTREAM"))
            .<Void>mapEmpty()
            .recover(e -> e.getMessage() != null && e.getMessage().startsWith("BUSYGROUP") ? Future.succeededFuture()
                : Future.failedFuture(e));
    }

    /** One round: read a batch (pending first when recovering), relay it, acknowledge what Kafka took, repeat. */
    private void loop() {
        if (!running || !leader) {
            return;
        }
        Future<List<CartChange>> batch = recovering ? claimAndReadPending() : readNew();
        batch.compose(this::relay)
            .onSuccess(allSent -> {
                backoffMs = 0;
                vertx.runOnContext(v -> loop());
            })
            .onFailure(e -> {
                if (!running) {
                    return;
                }
                backoffMs = backoffMs == 0 ? 100 : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
                recovering = true;
                LOG.warn("event=bridge_retry backoff_ms={} error=\"{}\"", backoffMs, e.getMessage());
                if (reader != null && isConnectionFailure(e)) {
                    reader.close();
                    reader = null;
                }
                vertx.setTimer(backoffMs, id -> loop());
            });
    }

    private static boolean isConnectionFailure(Throwable e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return m.contains("connection") || m.contains("closed") || m.contains("reset");
    }

    private Future<RedisConnection> reader() {
        if (reader != null) {
            return Future.succeededFuture(reader);
        }
        return redis.connect().map(c -> {
            c.exceptionHandler(e -> {
                LOG.warn("event=bridge_reader_error error=\"{}\"", e.getMessage());
                if (reader == c) {
                    reader = null;
                }
            });
            reader = c;
            return c;
        });
    }

    private Future<List<CartChange>> claimAndReadPending() {
        // The group is (re)made first: Redis may have been empty or away when the bridge started.
        return ensureGroup().compose(v -> claimAll("0-0")).compose(v -> reader()).compose(c -> c.send(Request.cmd(Command.XREADGROUP)
                .arg("GROUP").arg(settings.group()).arg(settings.consumerName())
                .arg("COUNT").arg(settings.batchSize())
                .arg("STREAMS").arg(settings.streamKey()).arg("0")))
            .map(r -> {
                List<CartChange> changes = StreamReplies.entries(r);
                if (changes.isEmpty()) {
                    recovering = false;
                }
                return changes;
            });
    }

    /** Takes over every pending entry of the group, whoever held it: only the lease holder relays. */
    private Future<Void> claimAll(String cursor) {
        return redis.send(Request.cmd(Command.XAUTOCLAIM).arg(settings.streamKey()).arg(settings.group())
                .arg(settings.consumerName()).arg(0).arg(cursor).arg("COUNT").arg(1000).arg("JUSTID"))
            .compose(r -> {
                String next = r.get(0).toString();
                int claimed = r.get(1) == null ? 0 : r.get(1).size();
                if (claimed > 0) {
                    LOG.info("event=bridge_claimed entries={}", claimed);
                }
                return "0-0".equals(next) ? Future.succeededFuture() : claimAll(next);
            });
    }

    private Future<List<CartChange>> readNew() {
        return reader().compose(c -> c.send(Request.cmd(Command.XREADGROUP)
                .arg("GROUP").arg(settings.group()).arg(settings.consumerName())
                .arg("COUNT").arg(settings.batchSize())
                .arg("BLOCK").arg(settings.readBlock().toMillis())
                .arg("STREAMS").arg(settings.streamKey()).arg(">")))
            .map(StreamReplies::entries);
    }

    /** Sends the batch in stream order; acknowledges each entry whose event the broker acked. Fails if any send failed. */
    private Future<Void> relay(List<CartChange> batch) {
        if (batch.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Future<String>> sends = new ArrayList<>(batch.size());
        // Each send is handed to the producer only after the previous one was (the producer keeps that order);
        // only an abandoned cart's lookup can make the hand-over wait, never the broker's acknowledgement.
        Future<Void> handedOver = Future.succeededFuture();
        for (CartChange change : batch) {
            if (change.fields().isEmpty() || !CartEvents.isPublished(change)) {
                sends.add(Future.succeededFuture(change.entryId()));
                skipped.increment();
                continue;
            }
            Promise<String> acked = Promise.promise();
            handedOver = handedOver.compose(v -> lookupIfNeeded(change)).map(cart -> {
                CloudEvent event;
                try {
                    event = CartEvents.toCloudEvent(change, cart);
                } catch (IllegalArgumentException | ArithmeticException e) {
                    // A malformed entry would block the stream forever; it is logged and passed over.
                    LOG.error("event=bridge_entry_unreadable id={} fields={} error=\"{}\"", change.entryId(), change.fields(),
                        e.getMessage());
                    acked.complete(change.entryId());
                    return (Void) null;
                }
                producer.send(KafkaProducerRecord.create(settings.topic(), change.cartId(), event))
                    .map(meta -> change.entryId()).onComplete(acked);
                return (Void) null;
            });
            handedOver.onFailure(acked::tryFail);
            handedOver = handedOver.otherwiseEmpty();
            sends.add(acked.future());
        }
        return Future.join(new ArrayList<>(sends)).transform(ar -> {
            List<String> done = new ArrayList<>();
            Throwable failure = null;
            int sentEvents = 0;
            for (int i = 0; i < sends.size(); i++) {
                Future<String> f = sends.get(i);
                if (f.succeeded()) {
                    done.add(f.result());
                    if (CartEvents.isPublished(batch.get(i)) && !batch.get(i).fields().isEmpty()) {
                        sentEvents++;
                    }
                } else if (failure == null) {
                    failure = f.cause();
                }
            }
            published.increment(sentEvents);
            Future<Void> acked = ack(done);
            if (failure != null) {
                sendFailures.increment();
                Throwable cause = failure;
                return acked.transform(x -> Future.failedFuture(cause));
            }
            return acked;
        });
    }

    private Future<Optional<Cart>> lookupIfNeeded(CartChange change) {
        if (!CartEvents.ABANDONED.equals(change.type())) {
            return Future.succeededFuture(Optional.empty());
        }
        return carts.apply(change.cartId()).otherwise(Optional.empty());
    }

    private Future<Void> ack(List<String> ids) {
        if (ids.isEmpty()) {
            return Future.succeededFuture();
        }
        Request xack = Request.cmd(Command.XACK).arg(settings.streamKey()).arg(settings.group());
        ids.forEach(xack::arg);
        return redis.send(xack).mapEmpty();
    }

    private void measureLag() {
        redis.send(Request.cmd(Command.XINFO).arg("GROUPS").arg(settings.streamKey()))
            .onSuccess(r -> {
                Optional<Long> value = StreamReplies.groupLag(r, settings.group());
                value.ifPresent(lag::set);
            })
            .onFailure(e -> LOG.debug("event=bridge_lag_unknown error=\"{}\"", e.getMessage()));
    }

    /** For tests: resolves once this bridge holds the lease. */
    public Future<Void> awaitLeadership(Duration within) {
        Promise<Void> promise = Promise.promise();
        long deadline = System.nanoTime() + within.toNanos();
        // Not an initial delay of 0: Vert.x runs such a first tick before the timer can be cancelled, and a leader
        // already in place would then cancel it with a NullPointerException and never complete the promise.
        vertx.setPeriodic(50, 50, id -> {
            if (leader) {
                vertx.cancelTimer(id);
                promise.tryComplete();
            } else if (System.nanoTime() > deadline) {
                vertx.cancelTimer(id);
                promise.tryFail("the bridge did not take the lease within " + within);
            }
        });
        return promise.future();
    }
}
