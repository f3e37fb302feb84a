package dev.cartwright.returns.events;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.cartwright.proto.events.v1.OrderDelivered;
import dev.cartwright.proto.events.v1.OrderEventItem;
import dev.cartwright.proto.events.v1.OrderShipped;
import dev.cartwright.returns.domain.OrderLine;
import dev.cartwright.returns.domain.OrderSnapshot;
import dev.cartwright.returns.store.DatabaseTrouble;
import dev.cartwright.returns.store.OrderProjection;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.cartwright.service.tracing.EventTraces;
import io.vertx.core.Future;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.kafka.client.common.KafkaClientOptions;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the order projection's feed: consumes order.shipped and order.delivered CloudEvents from the order topic and
 * writes each into the projection, in the same transaction as the event id goes into processed_events, so a
 * redelivered event changes nothing. Offsets are committed only after the batch is stored (at-least-once); a batch
 * that could not be stored is read again after a back-off.
 *
 * <p>An event that can never be projected (unreadable, an order that cannot be, or one PostgreSQL refuses) is parked
 * in {@code parked_order_events} with its reason and counted, and the feed moves on: one bad event never stalls the
 * projection for every order behind it. Only a failure that may pass (return_db unreachable) holds the feed.
 */
public final class OrderEventsConsumer extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(OrderEventsConsumer.class);
    private static final JsonFormat.Parser JSON = JsonFormat.parser().ignoringUnknownFields();

    public static final String ORDER_SHIPPED = "order.shipped";
    public static final String ORDER_DELIVERED = "order.delivered";

    private final Pool pool;
    private final OrderProjection projection;
    private final Map<String, String> kafka;
    private final String topic;
    private final Clock clock;
    private final Optional<MeterRegistry> registry;
    private KafkaConsumer<String, CloudEvent> consumer;
    private Counter applied;
    private Counter duplicates;
    private Counter parked;
    private boolean stopped;
    private int failures;

    /**
     * @param kafka consumer settings, at least {@code bootstrap.servers} and {@code group.id}
     */
    public OrderEventsConsumer(Pool pool, OrderProjection projection, Map<String, String> kafka, String topic, Clock clock,
                               Optional<MeterRegistry> registry) {
        this.pool = pool;
        this.projection = projection;
        this.kafka = Map.copyOf(kafka);
        this.topic = topic;
        this.clock = clock;
        this.registry = registry;
    }

    @Override
    public Future<?> start() {
        Map<String, String> config = new HashMap<>(kafka);
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, CloudEventDeserializer.class.getName());
        // Traced from the CloudEvent's own trace context (EventTraces), not from the client's plain headers.
        consumer = KafkaConsumer.create(vertx, new KafkaClientOptions().setConfig(new HashMap<>(config))
            .setTracingPolicy(TracingPolicy.IGNORE));
        registry.ifPresent(r -> {
            applied = Counter.builder("cartwright.returns.order_events").tag("outcome", "applied").register(r);
            duplicates = Counter.builder("cartwright.returns.order_events").tag("outcome", "duplicate").register(r);
            parked = Counter.builder("cartwright.returns.order_events").tag("outcome", "parked")
                .description("Order events set aside in parked_order_events because they cannot be projected").register(r);
        });
        return consumer.subscribe(topic).onSuccess(v -> {
            LOG.info("consuming {} from {}", topic, kafka.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
            pollNext();
        });
    }

    @Override
    public Future<?> stop() {
        stopped = true;
        return consumer.close();
    }

    private void pollNext() {
        if (stopped) {
            return;
        }
        consumer.poll(Duration.ofMillis(500)).compose(this::store).onComplete(ar -> {
            if (stopped) {
                return;
            }
            if (ar.succeeded()) {
                failures = 0;
                pollNext();
            } else {
                failures++;
                long backoff = Math.min(5_000, 100L << Math.min(failures, 6));
                LOG.warn("order events not stored ({} in a row), retrying in {} ms: {}", failures, backoff, ar.cause().toString());
                vertx.setTimer(backoff, id -> pollNext());
            }
        });
    }

    /** Stores the batch record by record, then commits; on a failure rewinds to the first record not stored. */
    private Future<Void> store(KafkaConsumerRecords<String, CloudEvent> records) {
        if (records.isEmpty()) {
            return Future.succeededFuture();
        }
        List<KafkaConsumerRecord<String, CloudEvent>> list = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            list.add(records.recordAt(i));
        }
        return storeFrom(list, 0).compose(v -> consumer.commit());
    }

    private Future<Void> storeFrom(List<KafkaConsumerRecord<String, CloudEvent>> list, int index) {
        if (index >= list.size()) {
            return Future.succeededFuture();
        }
        KafkaConsumerRecord<String, CloudEvent> record = list.get(index);
        Future<Void> applied = record.value() == null ? apply(record) : EventTraces.continueFrom(record.value(), () -> apply(record));
        return applied.compose(v -> storeFrom(list, index + 1), failure -> rewind(list, index)
            .compose(v -> Future.failedFuture(failure)));
    }

    /** Seeks every partition of the batch back to its first record not yet stored, so nothing is skipped. */
    private Future<Void> rewind(List<KafkaConsumerRecord<String, CloudEvent>> list, int from) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (int i = from; i < list.size(); i++) {
            KafkaConsumerRecord<String, CloudEvent> r = list.get(i);
            first.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.offset());
        }
        List<Future<Void>> seeks = new ArrayList<>();
        first.forEach((tp, offset) -> seeks.add(consumer.seek(tp, offset)));
        return Future.all(seeks).mapEmpty();
    }

    /**
     * One event into the projection, exactly once by its id; an event that can never be projected is parked. Other
     * event types are skipped.
     */
    private Future<Void> apply(KafkaConsumerRecord<String, CloudEvent> record) {
        CloudEvent event = record.value();
        if (event == null) {
            return Future.succeededFuture();
        }
        Optional<Parsed> parsed;
        try {
            parsed = parse(event);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return park(record, "", "malformed " + event.getType() + " data: " + e.getMessage());
        }
        if (parsed.isEmpty()) {
            return Future.succeededFuture();
        }
        Parsed p = parsed.get();
        Optional<String> defect = p.order().defect();
        if (defect.isPresent()) {
            return park(record, p.order().orderId(), defect.get());
        }
        return project(event, p).recover(failure -> DatabaseTrouble.of(failure).filter(DatabaseTrouble.REFUSED::equals).isPresent()
            ? park(record, p.order().orderId(), "return_db refused it: " + failure.getMessage())
            : Future.failedFuture(failure));
    }

    private Future<Void> project(CloudEvent event, Parsed p) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return pool.withTransaction(c -> projection.markProcessed(c, event.getId(), event.getType(), now).compose(fresh -> {
            if (!fresh) {
                if (duplicates != null) {
                    duplicates.increment();
                }
                return Future.succeededFuture();
            }
            return projection.upsert(c, p.order(), p.shippedAt(), OrderProjection.FROM_EVENT, now).onSuccess(v -> {
                if (applied != null) {
                    applied.increment();
                }
                LOG.debug("order={} projected from {} {}", p.order().orderId(), event.getType(), event.getId());
            });
        }));
    }

    private Future<Void> park(KafkaConsumerRecord<String, CloudEvent> record, String orderId, String reason) {
        CloudEvent event = record.value();
        String payload = event.getData() == null ? "" : new String(event.getData().toBytes(), StandardCharsets.UTF_8);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        OrderProjection.ParkedEvent parkedEvent = new OrderProjection.ParkedEvent(storable(event.getId()), storable(event.getType()),
            storable(orderId), storable(reason), storable(payload), record.topic(), record.partition(), record.offset(), now);
        return pool.withTransaction(c -> projection.park(c, parkedEvent)).onSuccess(v -> {
            if (parked != null) {
                parked.increment();
            }
            LOG.error("parked {} event {} (order={}, {}-{}@{}): {}", event.getType(), event.getId(), orderId, record.topic(),
                record.partition(), record.offset(), reason);
        });
    }

    /** PostgreSQL text cannot hold NUL; the rest is kept as it came. */
    private static String storable(String s) {
        return s == null ? "" : s.replace('\u0000', '\ufffd');
    }

    private record Parsed(OrderSnapshot order, Optional<Instant> shippedAt) {
    }

    private static Optional<Parsed> parse(CloudEvent event) throws InvalidProtocolBufferException {
        String json = event.getData() == null ? "{}" : new String(event.getData().toBytes(), StandardCharsets.UTF_8);
        switch (event.getType()) {
            case ORDER_DELIVERED -> {
                OrderDelivered.Builder b = OrderDelivered.newBuilder();
                JSON.merge(json, b);
                OrderDelivered d = b.build();
                return Optional.of(new Parsed(snapshot(d.getOrderId(), d.getCustomerId(), OrderSnapshot.DELIVERED, d.getItemsList(),
                    d.getShipping().getAmountMinor(), d.getGrandTotal(), d.getPaymentReference(),
                    d.hasDeliveredAt() ? Optional.of(ReturnEvents.instant(d.getDeliveredAt())) : Optional.empty()), Optional.empty()));
            }
            case ORDER_SHIPPED -> {
                OrderShipped.Builder b = OrderShipped.newBuilder();
                JSON.merge(json, b);
                OrderShipped s = b.build();
                return Optional.of(new Parsed(snapshot(s.getOrderId(), s.getCustomerId(), "shipped", s.getItemsList(),
                    s.getShipping().getAmountMinor(), s.getGrandTotal(), s.getPaymentReference(), Optional.empty()),
                    s.hasShippedAt() ? Optional.of(ReturnEvents.instant(s.getShippedAt())) : Optional.empty()));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private static OrderSnapshot snapshot(String orderId, String customerId, String status, List<OrderEventItem> items, long shipping,
                                          dev.cartwright.proto.common.v1.Money grandTotal, String paymentReference,
                                          Optional<Instant> deliveredAt) {
        List<OrderLine> lines = new ArrayList<>();
        for (OrderEventItem i : items) {
            lines.add(new OrderLine(i.getOrderItemId(), i.getProductId(), i.getCategoryId(), i.getQuantity(), i.getUnitPrice(
                    ).getAmountMinor(),
                i.getDiscount().getAmountMinor(), i.getTax().getAmountMinor(), i.getTotal().getAmountMinor()));
        }
        String currency = grandTotal.getCurrencyCode().isEmpty() ? "USD" : grandTotal.getCurrencyCode();
        return new OrderSnapshot(orderId, customerId, status, currency, lines, shipping, grandTotal.getAmountMinor(), paymentReference,
            deliveredAt);
    }
}
