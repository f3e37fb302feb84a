package dev.cartwright.sim;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.Supplier;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.vertx.core.Future;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an events.v1 payload into a CloudEvents 1.0 event (id from the injected id source, time from the clock,
 * data = protobuf JSON) and hands it to the publisher. A failed send is logged and reported in the returned future;
 * the simulators' state has changed either way, as a real neighbour's would.
 */
public final class SimEvents {

    private static final Logger LOG = LoggerFactory.getLogger(SimEvents.class);
    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

    private final EventPublisher publisher;
    private final SimTopics topics;
    private final Clock clock;
    private final Supplier<String> eventIds;

    SimEvents(EventPublisher publisher, SimTopics topics, Clock clock, Supplier<String> eventIds) {
        this.publisher = publisher;
        this.topics = topics;
        this.clock = clock;
        this.eventIds = eventIds;
    }

    public SimTopics topics() {
        return topics;
    }

    public boolean enabled() {
        return publisher.enabled();
    }

    /** Builds the event and sends it, keyed (and with subject) {@code key}. */
    public Future<Void> publish(String topic, String type, String source, String key, Message payload) {
        if (!publisher.enabled()) {
            return Future.succeededFuture();
        }
        CloudEvent event = CloudEventBuilder.v1()
            .withId(eventIds.get())
            .withType(type)
            .withSource(URI.create(source))
            .withSubject(key)
            .withTime(OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
            .withDataContentType("application/json")
            .withData(json(payload))
            .build();
        return publisher.publish(new SimEvent(topic, key, event))
            .onSuccess(v -> LOG.debug("published {} {} to {}", type, key, topic))
            .onFailure(e -> LOG.warn("could not publish {} {} to {}: {}", type, key, topic, e.toString()));
    }

    static byte[] json(Message payload) {
        try {
            return JSON.print(payload).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + payload.getDescriptorForType().getFullName() + " as JSON", e);
        }
    }
}
