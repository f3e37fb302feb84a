package dev.cartwright.order.migration;

import java.util.ArrayList;
import java.util.List;

/**
 * A range of aggregate root ids, {@code (after, upTo]} in the databases' text ordering; {@code after} null means from
 * the first id, {@code upTo} null means to the last. The last chunk of a pass is open-ended so ids beyond the source's
 * last id (on the other side) still fall in some chunk.
 */
public record RootRange(String after, String upTo) {

    public static final RootRange ALL = new RootRange(null, null);

    /** SQL condition on {@code column} and the parameters it takes. */
    String condition(String column, List<Object> params) {
        List<String> parts = new ArrayList<>();
        if (after != null) {
            parts.add(column + " > ?");
            params.add(after);
        }
        if (upTo != null) {
            parts.add(column + " <= ?");
            params.add(upTo);
        }
        return parts.isEmpty() ? "TRUE" : String.join(" AND ", parts);
    }

    public boolean contains(String key) {
        return (after == null || key.compareTo(after) > 0) && (upTo == null || key.compareTo(upTo) <= 0);
    }

    @Override
    public String toString() {
        return "(" + (after == null ? "start" : after) + ", " + (upTo == null ? "end" : upTo) + "]";
    }
}
