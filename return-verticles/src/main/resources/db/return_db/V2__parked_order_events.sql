-- Order events the projection could not take (malformed, or an order that cannot be: a line with no units, a
-- negative total, an item twice), set aside with the reason so the feed moves on and an operator can see them.
CREATE TABLE parked_order_events (
    event_id        text PRIMARY KEY,
    event_type      text        NOT NULL,
    -- empty when the event could not be read far enough to name its order
    order_id        text        NOT NULL DEFAULT '',
    reason          text        NOT NULL,
    -- the CloudEvent's data as received
    payload         text        NOT NULL,
    kafka_topic     text        NOT NULL,
    kafka_partition int         NOT NULL,
    kafka_offset    bigint      NOT NULL,
    parked_at       timestamptz NOT NULL
);

CREATE INDEX parked_order_events_by_order ON parked_order_events (order_id);
