package dev.cartwright.service.outbox;

import java.util.regex.Pattern;

/**
 * The name of an outbox table, checked once so that it can be put into SQL text safely. The table has the columns
 * {@code id bigserial primary key, event_id uuid unique not null, aggregate_id text not null, event_type text not null,
 * payload jsonb not null, created_at timestamptz not null, published_at timestamptz, headers jsonb not null default '{}'}
 * (see {@link OutboxRelay}); {@code headers} keeps the trace context of the change ({@code traceparent},
 * {@code tracestate}).
 */
public record OutboxTable(String name) {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}(\\.[a-z_][a-z0-9_]{0,62})?");

    public OutboxTable {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("outbox table must be a plain (optionally schema-qualified) lower-case name, was: " + name);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
