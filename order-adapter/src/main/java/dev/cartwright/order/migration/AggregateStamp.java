package dev.cartwright.order.migration;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * How new one copy of an aggregate is: its root row's {@code version} and {@code updated_at}, compared in that order.
 * Every writer of the migrated tables (the monolith, the services, the dual-write mirror) bumps the root's version
 * whenever it changes the aggregate, and the copies carry both columns across unchanged, so a copy whose stamp is lower
 * than the destination's is older and must not be written over it. The column names are the same on both sides and
 * for all three roots (carts, checkouts, return_requests).
 */
record AggregateStamp(long version, Instant updatedAt) implements Comparable<AggregateStamp> {

    static final String VERSION = "version";
    static final String UPDATED_AT = "updated_at";

    /** The stamp of a root row as either side stores it, or as canonical rows carry it. */
    static AggregateStamp of(Map<String, Object> root) {
        Object version = root.get(VERSION);
        Object updatedAt = root.get(UPDATED_AT);
        if (!(version instanceof Number number) || updatedAt == null) {
            throw new ConversionException("root row without a version and updated_at: " + root.keySet());
        }
        return new AggregateStamp(number.longValue(), instant(updatedAt));
    }

    /** An instant from {@code timestamptz} (OffsetDateTime) or order_db's UTC wall clock {@code timestamp} (LocalDateTime). */
    static Instant instant(Object at) {
        if (at instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        return ((LocalDateTime) at).toInstant(ZoneOffset.UTC);
    }

    @Override
    public int compareTo(AggregateStamp other) {
        int byVersion = Long.compare(version, other.version);
        return byVersion != 0 ? byVersion : updatedAt.compareTo(other.updatedAt);
    }

    boolean newerThan(AggregateStamp other) {
        return compareTo(other) > 0;
    }

    @Override
    public String toString() {
        return "version " + version + " of " + updatedAt;
    }
}
