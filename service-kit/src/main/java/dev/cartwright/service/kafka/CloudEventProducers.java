package dev.cartwright.service.kafka;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventSerializer;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Owns how every Kafka producer of the project is configured: CloudEvents in binary mode keyed by a string (the
 * aggregate id), idempotent with {@code acks=all} and at most 5 requests in flight per connection, so that a retried
 * send neither duplicates nor reorders one key's records. What differs between producers is who they are (the
 * client id) and how long a send may wait ({@link Waits}): the cart events bridge fails fast and retries from its
 * stream, an outbox relay waits longer.
 */
public final class CloudEventProducers {

    private CloudEventProducers() {
    }

    /**
     * How long a send may wait: for metadata or buffer space ({@code max.block.ms}), for one broker answer
     * ({@code request.timeout.ms}), in all ({@code delivery.timeout.ms}, which Kafka requires to be at least linger
     * plus request timeout), and to fill a batch ({@code linger.ms}). A broker that is not there fails a send within
     * these bounds instead of holding it for Kafka's default minute.
     */
    public record Waits(Duration maxBlock, Duration request, Duration delivery, Duration linger) {

        /** The outboxes' and the simulators' waits: 10 s, 10 s, 30 s, 2 ms. */
        public static final Waits STANDARD = new Waits(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofMillis(2));

        public Waits {
            if (delivery.compareTo(request.plus(linger)) < 0) {
                throw new IllegalArgumentException("delivery (" + delivery + ") must be at least request (" + request
                    + ") plus linger (" + linger + ")");
            }
        }
    }

    /** The configuration of a producer to {@code bootstrapServers} named {@code clientId}, waiting {@code waits}. */
    public static Map<String, String> config(String bootstrapServers, String clientId, Waits waits) {
        return config(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), clientId, waits);
    }

    /**
     * As above, starting from {@code given} (at least {@code bootstrap.servers}; a client id or a wait given there
     * wins), with the guarantees above set whatever {@code given} says.
     */
    public static Map<String, String> config(Map<String, String> given, String clientId, Waits waits) {
        if (!given.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG + " is missing");
        }
        Map<String, String> config = new HashMap<>();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(waits.maxBlock().toMillis()));
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(waits.request().toMillis()));
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(waits.delivery().toMillis()));
        config.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(waits.linger().toMillis()));
        config.putAll(given);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, BinaryCloudEventSerializer.class.getName());
        config.put(CloudEventSerializer.ENCODING_CONFIG, "BINARY");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        return Map.copyOf(config);
    }

    /** A producer with {@code config} (one of the above), on {@code vertx}. */
    public static KafkaProducer<String, CloudEvent> create(Vertx vertx, Map<String, String> config) {
        return KafkaProducer.create(vertx, config);
    }
}
