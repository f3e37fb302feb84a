package dev.cartwright.sim;

import io.cloudevents.CloudEvent;

/** One event on its way out: the topic, the Kafka key and the CloudEvent itself. */
public record SimEvent(String topic, String key, CloudEvent event) {
}
