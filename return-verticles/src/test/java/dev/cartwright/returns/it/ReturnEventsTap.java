package dev.cartwright.returns.it;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads every CloudEvent of one topic on a thread of its own, so tests can wait for the events they expect. */
final class ReturnEventsTap implements AutoCloseable {

    record Seen(String key, CloudEvent event) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean closed;

    ReturnEventsTap(String bootstrap, String topic, String group) {
        KafkaConsumer<String, CloudEvent> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG, group,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, CloudEventDeserializer.class.getName()));
        consumer.subscribe(List.of(topic));
        thread = new Thread(() -> {
            try (consumer) {
                while (!closed) {
                    for (ConsumerRecord<String, CloudEvent> r : consumer.poll(Duration.ofMillis(200))) {
                        seen.add(new Seen(r.key(), r.value()));
                    }
                }
            }
        }, "return-events-tap");
        thread.setDaemon(true);
        thread.start();
    }

    /** Events whose key is {@code returnId}, in the order they arrived. */
    List<Seen> forReturn(String returnId) {
        List<Seen> out = new ArrayList<>();
        for (Seen s : seen) {
            if (returnId.equals(s.key())) {
                out.add(s);
            }
        }
        return out;
    }

    /** Every event seen so far, in the order it arrived. */
    List<Seen> forAll() {
        return List.copyOf(seen);
    }

    List<String> typesFor(String returnId) {
        return forReturn(returnId).stream().map(s -> s.event().getType()).toList();
    }

    /** Waits (at most {@code patience}) until an event matching {@code wanted} was seen; returns it or fails. */
    Seen await(Predicate<Seen> wanted, Duration patience, String what) throws InterruptedException {
        Instant until = Instant.now().plus(patience);
        while (Instant.now().isBefore(until)) {
            for (Seen s : seen) {
                if (wanted.test(s)) {
                    return s;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + what + " on Kafka within " + patience.toSeconds() + " s; seen: "
            + seen.stream().map(s -> s.key() + ":" + s.event().getType()).toList());
    }

    Seen await(String returnId, String type) throws InterruptedException {
        return await(s -> returnId.equals(s.key()) && type.equals(s.event().getType()), Duration.ofSeconds(60), type + " for " + returnId);
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.join(5_000);
    }
}
