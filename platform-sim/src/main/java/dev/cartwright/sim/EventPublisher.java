package dev.cartwright.sim;

import dev.cartwright.service.kafka.CloudEventProducers;
import io.cloudevents.CloudEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;

/** Where simulator events go: to Kafka, or nowhere when no broker is configured. */
public interface EventPublisher {

    /** Sends one event; the future completes once the broker has it (or at once when publishing is off). */
    Future<Void> publish(SimEvent event);

    /** Whether events leave the process at all. */
    boolean enabled();

    Future<Void> close();

    /** Publishing switched off: events are dropped. */
    static EventPublisher none() {
        return new EventPublisher() {
            @Override
            public Future<Void> publish(SimEvent event) {
                return Future.succeededFuture();
            }

            @Override
            public boolean enabled() {
                return false;
            }

            @Override
            public Future<Void> close() {
                return Future.succeededFuture();
            }
        };
    }

    /**
     * Publishes to Kafka through the CloudEvents Kafka binding in binary mode, with an idempotent producer keyed by
     * the aggregate id so the events of one order (or product) stay in order on one partition.
     */
    static EventPublisher kafka(Vertx vertx, String bootstrapServers) {
        // A broker that is not there must not hold a send for a minute; the send fails and is logged.
        KafkaProducer<String, CloudEvent> producer = CloudEventProducers.create(vertx,
            CloudEventProducers.config(bootstrapServers, "platform-sim", CloudEventProducers.Waits.STANDARD));
        return new EventPublisher() {
            @Override
            public Future<Void> publish(SimEvent event) {
                return producer.send(KafkaProducerRecord.create(event.topic(), event.key(), event.event())).mapEmpty();
            }

            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public Future<Void> close() {
                return producer.close();
            }
        };
    }
}
