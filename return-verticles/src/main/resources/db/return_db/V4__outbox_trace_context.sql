-- Outbox rows keep the trace context of the change that wrote them (traceparent, tracestate), as checkout_db's outbox
-- always could; the relay sets it on the CloudEvent (distributed-tracing extension). Rows written before carry none.
ALTER TABLE outbox ADD COLUMN headers jsonb NOT NULL DEFAULT '{}'::jsonb;
