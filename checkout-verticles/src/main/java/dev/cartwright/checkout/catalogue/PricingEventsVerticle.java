package dev.cartwright.checkout.catalogue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.cartwright.proto.events.v1.PriceChanged;
import dev.cartwright.proto.events.v1.ProductChanged;
import dev.cartwright.proto.events.v1.StockChanged;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.cartwright.service.tracing.EventTraces;
import io.vertx.core.Future;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.kafka.client.common.KafkaClientOptions;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the Kafka consumer of the neighbours' change events: price.changed, stock.changed, product.changed and
 * promotion.changed (CloudEvents, protobuf JSON data), each handed to the {@link PricingFeed} once. Every process
 * keeps its own snapshot, so every process reads every event: the consumer group is unique to the process and
 * starts at the newest offset (the start-up load covered the past). Redelivered events are skipped by event id.
 */
public final class PricingEventsVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(PricingEventsVerticle.class);
    private static final JsonFormat.Parser JSON = JsonFormat.parser().ignoringUnknownFields();

    public static final String PRICE_CHANGED = "price.changed";
    public static final String STOCK_CHANGED = "stock.changed";
    public static final String PRODUCT_CHANGED = "product.changed";
    public static final String PROMOTION_CHANGED = "promotion.changed";

    private final String bootstrap;
    private final List<String> topics;
    private final PricingFeed feed;
    private final RecentEventIds seen = new RecentEventIds(50_000);
    private final Counter applied;
    private final Counter duplicates;
    private final Counter rejected;
    private KafkaConsumer<String, CloudEvent> consumer;

    public PricingEventsVerticle(String bootstrap, List<String> topics, PricingFeed feed, MeterRegistry registry) {
        this.bootstrap = bootstrap;
        this.topics = List.copyOf(topics);
        this.feed = feed;
        this.applied = counter(registry, "applied");
        this.duplicates = counter(registry, "duplicate");
        this.rejected = counter(registry, "rejected");
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("cartwright.pricing.events")
            .description("Neighbour change events consumed, by outcome")
            .tag("outcome", outcome)
            .register(registry);
    }

    @Override
    public Future<?> start() {
        Map<String, String> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "checkout-pricing-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, CloudEventDeserializer.class.getName());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "checkout-pricing");
        // Traced from the CloudEvent's own trace context (EventTraces), not from the client's plain headers.
        consumer = KafkaConsumer.create(vertx, new KafkaClientOptions().setConfig(new HashMap<>(config))
            .setTracingPolicy(TracingPolicy.IGNORE));
        consumer.exceptionHandler(e -> LOG.warn("event=pricing_consumer_error error=\"{}\"", e.toString()));
        consumer.handler(this::handle);
        // Subscribing does not wait for the broker; with Kafka down the consumer keeps trying in the background.
        return consumer.subscribe(Set.copyOf(topics))
            .onSuccess(v -> LOG.info("event=pricing_consumer_subscribed topics={}", topics));
    }

    @Override
    public Future<?> stop() {
        return consumer == null ? Future.succeededFuture() : consumer.close();
    }

    private void handle(KafkaConsumerRecord<String, CloudEvent> record) {
        CloudEvent event = record.value();
        if (event == null) {
            rejected.increment();
            return;
        }
        if (!seen.firstTime(event.getSource() + "/" + event.getId())) {
            duplicates.increment();
            return;
        }
        EventTraces.continueFrom(event, () -> apply(event));
    }

    private Future<Void> apply(CloudEvent event) {
        try {
            Future<Void> done = Future.succeededFuture();
            switch (event.getType()) {
                case PRICE_CHANGED -> feed.applyPriceChanged(parse(event, PriceChanged.newBuilder()));
                case STOCK_CHANGED -> feed.applyStockChanged(parse(event, StockChanged.newBuilder()));
                case PRODUCT_CHANGED -> feed.applyProductChanged(parse(event, ProductChanged.newBuilder()));
                case PROMOTION_CHANGED -> done = feed.reloadPromotions()
                    .onFailure(e -> LOG.warn("event=promotions_reload_failed error=\"{}\"", e.getMessage()));
                default -> {
                    rejected.increment();
                    return done;
                }
            }
            applied.increment();
            return done;
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            rejected.increment();
            LOG.warn("event=pricing_event_rejected type={} id={} error=\"{}\"", event.getType(), event.getId(), e.getMessage());
            return Future.failedFuture(e);
        }
    }

    @SuppressWarnings("unchecked")
    static <T extends Message> T parse(CloudEvent event, Message.Builder builder) throws InvalidProtocolBufferException {
        if (event.getData() == null) {
            throw new InvalidProtocolBufferException("event has no data");
        }
        JSON.merge(new String(event.getData().toBytes(), StandardCharsets.UTF_8), builder);
        return (T) builder.build();
    }
}
