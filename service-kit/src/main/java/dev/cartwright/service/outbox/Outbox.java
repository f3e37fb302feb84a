package dev.cartwright.service.outbox;

import dev.cartwright.service.tracing.EventTraces;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * Owns writing events into an outbox table inside the caller's transaction, so an event exists exactly when the
 * state change that caused it was committed. When a notify channel is set, the same transaction also sends a
 * {@code NOTIFY} (delivered by PostgreSQL only on commit) that wakes every {@link OutboxRelay} listening on it.
 *
 * <p>Ordering: relays publish one aggregate's events in {@code id} order. Callers append after they have locked or
 * updated the aggregate's row, so two transactions on one aggregate take their ids in commit order.
 */
public final class Outbox {

    private final OutboxTable table;
    private final Optional<String> notifyChannel;
    private final String insert;

    public Outbox(OutboxTable table, Optional<String> notifyChannel) {
        this.table = table;
        this.notifyChannel = notifyChannel;
        // Bound as text and cast: a String bound straight to a jsonb parameter would be stored as one JSON string.
        this.insert = "INSERT INTO " + table.name()
            + " (event_id, aggregate_id, event_type, payload, created_at, headers)"
            + " VALUES ($1, $2, $3, $4::text::jsonb, $5, $6::text::jsonb)";
    }

    public OutboxTable table() {
        return table;
    }

    public Optional<String> notifyChannel() {
        return notifyChannel;
    }

    /**
     * Appends {@code events} through {@code connection}, which must be inside the transaction of the state change. Each
     * row keeps the trace context of the span current here (its {@code headers}), which the relay sets on the event.
     */
    public Future<Void> append(SqlConnection connection, List<OutboxEvent> events) {
        if (events.isEmpty()) {
            return Future.succeededFuture();
        }
        String headers = new JsonObject(new LinkedHashMap<String, Object>(EventTraces.current())).encode();
        List<Tuple> rows = new ArrayList<>(events.size());
        for (OutboxEvent e : events) {
            rows.add(Tuple.of(e.eventId(), e.aggregateId(), e.eventType(), e.payloadJson(), e.createdAt(), headers));
        }
        Future<?> written = connection.preparedQuery(insert).executeBatch(rows);
        if (notifyChannel.isEmpty()) {
            return written.mapEmpty();
        }
        return written
            .compose(v -> connection.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(notifyChannel.get(), table.name())))
            .mapEmpty();
    }
}
