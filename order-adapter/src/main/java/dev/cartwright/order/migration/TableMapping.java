package dev.cartwright.order.migration;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One table of the migration: how order_db has it, how checkout_db or return_db has it, and the conversions between
 * the two. Rows travel in the new schema's form ("canonical rows": the new table's columns, keyed by name, plus
 * context columns starting with '_'); order_db rows are converted on the way in and out.
 */
record TableMapping(String name, SideTable legacy, SideTable target, UnaryOperator<Map<String, Object>> legacyToNew,
                    UnaryOperator<Map<String, Object>> newToLegacy) {

    SideTable side(Side side) {
        return side == Side.LEGACY ? legacy : target;
    }

    /** A row as read from {@code side} (its columns and context) in the new schema's form, context kept. */
    Map<String, Object> toCanonical(Side side, Map<String, Object> read) {
        if (side == Side.TARGET) {
            return read;
        }
        Map<String, Object> canonical = legacyToNew.apply(read);
        read.forEach((column, value) -> {
            if (column.startsWith("_")) {
                canonical.put(column, value);
            }
        });
        return canonical;
    }

    /** A canonical row in the form {@code side} stores (its columns only, in order). */
    Map<String, Object> fromCanonical(Side side, Map<String, Object> canonical) {
        Map<String, Object> stored = side == Side.TARGET ? canonical : newToLegacy.apply(canonical);
        Map<String, Object> projected = new LinkedHashMap<>();
        for (String column : side(side).columns()) {
            if (!stored.containsKey(column)) {
                throw new IllegalStateException(name + ": conversion to " + side + " left out column " + column);
            }
            projected.put(column, stored.get(column));
        }
        return projected;
    }
}
