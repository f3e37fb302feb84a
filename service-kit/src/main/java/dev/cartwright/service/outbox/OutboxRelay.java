package dev.cartwright.service.outbox;

import dev.cartwright.service.kafka.CloudEventProducers;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.cartwright.service.kafka.EventTopic;
import dev.cartwright.service.tracing.EventTraces;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns moving the rows of one outbox table to Kafka: each unpublished row becomes one CloudEvents 1.0 event (binary
 * mode through the CloudEvents Kafka binding; {@code id} = the row's {@code event_id}, {@code type} = its
 * {@code event_type}, {@code subject} and Kafka key = its {@code aggregate_id}, {@code time} = its
 * {@code created_at}, data = its JSON payload, and the trace context its {@code headers} kept as the distributed-tracing
 * extension), sent with an idempotent producer ({@code acks=all}), and the row is
 * marked published only after the broker acknowledged it.
 *
 * <p>Each batch is one short transaction: {@code SELECT ... FOR UPDATE SKIP LOCKED} takes up to
 * {@code batchSize} rows in {@code id} order, they are sent, and {@code published_at} is set before commit. So
 * several relays (in one process or many) never send the same row in the same round, and a crash before commit
 * only means the rows are sent again (delivery is at-least-once; consumers de-duplicate by event id). To keep one
 * aggregate's events in order when several relays run, a relay sends an aggregate's rows only up to the first
 * unpublished row of that aggregate it does not hold itself; the rest wait for a later round.
 *
 * <p>Within a round, different aggregates' rows are sent side by side, but an aggregate's next row goes to the
 * producer only once the broker acknowledged the one before it, and not at all once one failed: a send can fail while
 * a later one of the same key succeeds (a fresh producer waiting for the topic's metadata, a batch expiring), and
 * sending the failed row again after that would put it behind its successor. The rows acknowledged are marked and
 * committed; the round then counts as failed, so the relay backs off and the rest go first in the next round.
 *
 * <p>Kafka or PostgreSQL unreachable: nothing is acknowledged, nothing is marked, the relay backs off
 * (doubling up to {@code maxBackoff}) and the rows flow when both are back. Wake-ups come from
 * {@code LISTEN} on the notify channel (when configured), from {@link #wake()}, or from the poll timer.
 */
public final class OutboxRelay extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

    private final Pool pool;
    private final Optional<PgConnectOptions> listenOn;
    private final OutboxRelayOptions options;
    private final BiFunction<Vertx, Map<String, String>, KafkaProducer<String, CloudEvent>> producers;
    private final String selectBatch;
    private final String selectAggregates;
    private final String markPublished;
    private final String selectLag;

    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong oldestAgeMillis = new AtomicLong();
    private final AtomicLong publishedTotal = new AtomicLong();
    private final List<Meter> meters = new ArrayList<>();
    private Counter publishedCounter;
    private Counter failureCounter;

    private KafkaProducer<String, CloudEvent> producer;
    private PgSubscriber subscriber;
    private boolean stopped;
    private boolean running;
    private boolean wakeRequested;
    private long timerId = -1;
    private long lagTimerId = -1;
    private int consecutiveFailures;
    private Future<Void> inFlight = Future.succeededFuture();
    /** Completes once the topic exists as configured; nothing is sent before. */
    private Future<Void> topicReady = Future.succeededFuture();
    private boolean waitingForTopic;

    /** A relay woken by its poll timer and {@link #wake()} only. */
    public OutboxRelay(Pool pool, OutboxRelayOptions options) {
        this(pool, Optional.empty(), options);
    }

    /**
     * A relay that also LISTENs on {@code options.notifyChannel()} through its own connection made with
     * {@code listenOn}.
     */
    public OutboxRelay(Pool pool, Optional<PgConnectOptions> listenOn, OutboxRelayOptions options) {
        this(pool, listenOn, options, KafkaProducer::create);
    }

    /**
     * A relay whose producer is made by {@code producers} when it starts, from the relay's Vert.x and the producer
     * settings it derived from {@code options} (e.g. over a kafka-clients {@code Producer} of the caller's choosing).
     */
    public OutboxRelay(Pool pool, Optional<PgConnectOptions> listenOn, OutboxRelayOptions options,
                       BiFunction<Vertx, Map<String, String>, KafkaProducer<String, CloudEvent>> producers) {
        this.pool = pool;
        this.listenOn = listenOn;
        this.options = options;
        this.producers = producers;
        String t = options.table().name();
        this.selectBatch = "SELECT id, event_id, aggregate_id, event_type, payload::text AS payload, created_at, headers::text AS headers"
            + " FROM " + t
            + " WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED";
        this.selectAggregates = "SELECT aggregate_id, id FROM " + t
            + " WHERE published_at IS NULL AND aggregate_id = ANY($1) AND id <= $2 ORDER BY id";
        this.markPublished = "UPDATE " + t + " SET published_at = now() WHERE id = ANY($1)";
        this.selectLag = "SELECT count(*) AS pending,"
            + " COALESCE(EXTRACT(EPOCH FROM (now() - min(created_at))) * 1000, 0)::bigint AS age_ms FROM " + t
            + " WHERE published_at IS NULL";
    }

    @Override
    public Future<?> start() {
        Map<String, String> kafka = CloudEventProducers.config(options.kafka(), "outbox-" + options.table().name(),
            CloudEventProducers.Waits.STANDARD);
        producer = producers.apply(vertx, kafka);
        topicReady = options.topicSettings()
            .map(settings -> new EventTopic(kafka.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG), options.topic(), settings)
                .ensure(vertx, () -> !stopped))
            .orElse(Future.succeededFuture());
        options.metrics().ifPresent(this::registerMeters);
        Future<Void> listening = listen();
        scheduleLagRefresh();
        return listening.onComplete(ar -> tick());
    }

    @Override
    public Future<?> stop() {
        stopped = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        if (lagTimerId >= 0) {
            vertx.cancelTimer(lagTimerId);
        }
        options.metrics().ifPresent(registry -> meters.forEach(registry::remove));
        return inFlight.transform(ar -> {
            Future<Void> closeSubscriber = subscriber == null ? Future.succeededFuture() : subscriber.close();
            return Future.join(closeSubscriber, producer.close()).mapEmpty();
        });
    }

    /**
     * Asks for a round now (safe from any thread). Writers call it after committing when they share a process with
     * the relay; a relay elsewhere hears the NOTIFY or its poll timer.
     */
    public void wake() {
        if (context != null) {
            context.runOnContext(v -> {
                wakeRequested = true;
                if (!running && !stopped) {
                    if (timerId >= 0) {
                        vertx.cancelTimer(timerId);
                        timerId = -1;
                    }
                    tick();
                }
            });
        }
    }

    /** Rows published by this relay since it started. */
    public long publishedCount() {
        return publishedTotal.get();
    }

    private Future<Void> listen() {
        if (listenOn.isEmpty() || options.notifyChannel().isEmpty()) {
            return Future.succeededFuture();
        }
        subscriber = PgSubscriber.subscriber(vertx, listenOn.get())
            .reconnectPolicy(retries -> Math.min(5_000L, 100L * (1L << Math.min(retries, 6))));
        subscriber.channel(options.notifyChannel().get()).handler(payload -> wake());
        return subscriber.connect()
            .onFailure(e -> LOG.warn("outbox={} cannot LISTEN on {} ({}); polling only", options.table(),
                options.notifyChannel().get(), e.toString()))
            .recover(e -> Future.succeededFuture());
    }

    private void tick() {
        timerId = -1;
        if (stopped || running) {
            return;
        }
        if (!topicReady.isComplete()) {
            if (!waitingForTopic) {
                waitingForTopic = true;
                topicReady.onComplete(ready -> {
                    waitingForTopic = false;
                    tick();
                });
            }
            return;
        }
        running = true;
        wakeRequested = false;
        Future<Integer> round = publishBatch();
        inFlight = round.mapEmpty();
        round.onComplete(ar -> {
            running = false;
            if (stopped) {
                return;
            }
            if (ar.succeeded()) {
                if (consecutiveFailures > 0) {
                    LOG.info("outbox={} publishing again after {} failed rounds", options.table(), consecutiveFailures);
                }
                consecutiveFailures = 0;
                boolean more = ar.result() >= options.batchSize();
                if (more || wakeRequested) {
                    vertx.runOnContext(v -> tick());
                } else {
                    schedule(options.pollInterval());
                }
            } else {
                consecutiveFailures++;
                if (failureCounter != null) {
                    failureCounter.increment();
                }
                Duration backoff = backoff(consecutiveFailures);
                LOG.warn("outbox={} round failed ({} in a row), next try in {} ms: {}", options.table(), consecutiveFailures,
                    backoff.toMillis(), ar.cause().toString());
                schedule(backoff);
            }
        });
    }

    private Duration backoff(int failures) {
        long base = options.pollInterval().toMillis();
        long millis = base << Math.min(failures, 20);
        return Duration.ofMillis(Math.min(millis, options.maxBackoff().toMillis()));
    }

    private void schedule(Duration delay) {
        timerId = vertx.setTimer(Math.max(1, delay.toMillis()), id -> tick());
    }

    /**
     * One round: the rows sent and the acknowledged ones marked, in one transaction; how many were marked. Fails
     * (after the commit) when a send failed.
     */
    private Future<Integer> publishBatch() {
        return pool.withTransaction(conn -> conn.preparedQuery(selectBatch).execute(Tuple.of(options.batchSize()))
            .compose(rows -> {
                List<Row> taken = new ArrayList<>();
                rows.forEach(taken::add);
                if (taken.isEmpty()) {
                    return Future.succeededFuture(new Round(0, Optional.empty()));
                }
                return inOrder(conn, taken).compose(sendable -> send(sendable)
                    .compose(sent -> markPublished(conn, sent.acknowledged()).map(marked -> new Round(marked, sent.failure()))));
            }))
            .compose(round -> round.failure().isPresent()
                ? Future.<Integer>failedFuture(round.failure().get())
                : Future.succeededFuture(round.marked()));
    }

    /** What a round did: rows marked published, and the first send that failed, if one did. */
    private record Round(int marked, Optional<Throwable> failure) {
    }

    /** The rows the broker acknowledged, and the first failure, if any. */
    private record Sent(List<Long> acknowledged, Optional<Throwable> failure) {
    }

    /** The taken rows an aggregate may send now: those before the first of its unpublished rows held elsewhere. */
    private Future<List<Row>> inOrder(SqlConnection conn, List<Row> taken) {
        Set<Long> held = new HashSet<>();
        Set<String> aggregates = new HashSet<>();
        long maxId = 0;
        for (Row r : taken) {
            held.add(r.getLong("id"));
            aggregates.add(r.getString("aggregate_id"));
            maxId = Math.max(maxId, r.getLong("id"));
        }
        return conn.preparedQuery(selectAggregates).execute(Tuple.of(aggregates.toArray(new String[0]), maxId)).map(rows -> {
            Map<String, Boolean> blocked = new HashMap<>();
            Set<Long> allowed = new HashSet<>();
            for (Row r : rows) {
                String aggregate = r.getString("aggregate_id");
                long id = r.getLong("id");
                if (blocked.getOrDefault(aggregate, false)) {
                    continue;
                }
                if (held.contains(id)) {
                    allowed.add(id);
                } else {
                    blocked.put(aggregate, true);
                }
            }
            List<Row> sendable = new ArrayList<>();
            for (Row r : taken) {
                if (allowed.contains(r.getLong("id"))) {
                    sendable.add(r);
                }
            }
            return sendable;
        });
    }

    /**
     * Sends in id order, different aggregates side by side and each aggregate's rows one after the other (the next
     * once the broker acknowledged the previous; none after one failed). Completes once every send has ended.
     */
    private Future<Sent> send(List<Row> rows) {
        List<Future<Long>> acks = new ArrayList<>(rows.size());
        Map<String, Future<Long>> lastOfAggregate = new HashMap<>();
        for (Row r : rows) {
            long id = r.getLong("id");
            CloudEvent event = toCloudEvent(r);
            Future<Long> previous = lastOfAggregate.getOrDefault(event.getSubject(), Future.succeededFuture(0L));
            Future<Long> acked = previous.compose(v -> producer.send(KafkaProducerRecord.create(options.topic(), event.getSubject(), event))
                .map(meta -> id));
            lastOfAggregate.put(event.getSubject(), acked);
            acks.add(acked);
        }
        return Future.join(new ArrayList<>(acks)).transform(ar -> {
            List<Long> ids = new ArrayList<>(acks.size());
            Optional<Throwable> failure = Optional.empty();
            for (Future<Long> ack : acks) {
                if (ack.succeeded()) {
                    ids.add(ack.result());
                } else if (failure.isEmpty()) {
                    failure = Optional.of(ack.cause());
                }
            }
            return Future.succeededFuture(new Sent(ids, failure));
        });
    }

    private CloudEvent toCloudEvent(Row r) {
        UUID eventId = r.getUUID("event_id");
        OffsetDateTime created = r.getOffsetDateTime("created_at");
        CloudEventBuilder event = CloudEventBuilder.v1()
            .withId(eventId.toString())
            .withType(r.getString("event_type"))
            .withSource(options.source())
            .withSubject(r.getString("aggregate_id"))
            .withTime(created)
            .withDataContentType("application/json")
            .withData(r.getString("payload").getBytes(StandardCharsets.UTF_8));
        return EventTraces.carry(event, traceContext(r.getString("headers"))).build();
    }

    /** The trace context a row kept ({@code {"traceparent": ..., "tracestate": ...}}); nothing from a row without one. */
    private static Map<String, String> traceContext(String headers) {
        if (headers == null || headers.isEmpty() || headers.equals("{}")) {
            return Map.of();
        }
        JsonObject kept = new JsonObject(headers);
        Map<String, String> carried = new HashMap<>(2);
        for (String name : List.of(EventTraces.TRACEPARENT, EventTraces.TRACESTATE)) {
            if (kept.getValue(name) instanceof String value) {
                carried.put(name, value);
            }
        }
        return carried;
    }

    private Future<Integer> markPublished(SqlConnection conn, List<Long> ids) {
        if (ids.isEmpty()) {
            return Future.succeededFuture(0);
        }
        return conn.preparedQuery(markPublished).execute(Tuple.of(ids.toArray(new Long[0]))).map(done -> {
            publishedTotal.addAndGet(ids.size());
            if (publishedCounter != null) {
                publishedCounter.increment(ids.size());
            }
            LOG.debug("outbox={} published {} events to {}", options.table(), ids.size(), options.topic());
            return ids.size();
        });
    }

    private void registerMeters(MeterRegistry registry) {
        String table = options.table().name();
        meters.add(Gauge.builder("cartwright.outbox.pending", pending, AtomicLong::get)
            .description("Outbox rows not yet published to Kafka").tag("table", table).register(registry));
        meters.add(Gauge.builder("cartwright.outbox.lag.seconds", oldestAgeMillis, a -> a.get() / 1000.0)
            .description("Age of the oldest unpublished outbox row").tag("table", table).register(registry));
        publishedCounter = Counter.builder("cartwright.outbox.published").description("Outbox rows published")
            .tag("table", table).register(registry);
        failureCounter = Counter.builder("cartwright.outbox.failures").description("Outbox rounds that failed and will be retried")
            .tag("table", table).register(registry);
        meters.add(publishedCounter);
        meters.add(failureCounter);
    }

    private void scheduleLagRefresh() {
        if (options.metrics().isEmpty()) {
            return;
        }
        lagTimerId = vertx.setPeriodic(0, Math.max(100, options.lagRefresh().toMillis()), id -> {
            if (stopped) {
                return;
            }
            pool.query(selectLag).execute().onSuccess(rows -> {
                Row row = rows.iterator().next();
                pending.set(row.getLong("pending"));
                oldestAgeMillis.set(row.getLong("age_ms"));
            });
        });
    }

    /** Labels for logs. */
    @Override
    public String toString() {
        Map<String, Object> parts = new LinkedHashMap<>();
        parts.put("table", options.table());
        parts.put("topic", options.topic());
        return "OutboxRelay" + parts;
    }
}
