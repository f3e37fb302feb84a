package dev.cartwright.service.outbox;

import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

/**
 * One integration event waiting in an outbox table: its CloudEvents id, the aggregate it belongs to (the Kafka key
 * and the CloudEvents subject), its type (e.g. {@code return.approved}), the payload as JSON, and when it happened.
 */
public record OutboxEvent(UUID eventId, String aggregateId, String eventType, String payloadJson, OffsetDateTime createdAt) {

    public OutboxEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(aggregateId, "aggregateId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(payloadJson, "payloadJson");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
