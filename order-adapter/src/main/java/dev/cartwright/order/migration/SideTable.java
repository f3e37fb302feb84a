package dev.cartwright.order.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One table as one side (order_db, or checkout_db/return_db) has it: its name, the column that holds the aggregate's
 * root id, the columns the migration reads and writes, the unique key upserts conflict on, which columns are jsonb,
 * extra read-only context columns (named with a leading '_', e.g. the root's currency for a child's money), and the
 * bigserial column whose sequence both sides share, if any.
 */
record SideTable(String table, String rootColumn, List<String> columns, List<String> key, Set<String> jsonColumns,
                 Map<String, String> context, String joins, Optional<String> sequenceColumn) {

    SideTable {
        columns = List.copyOf(columns);
        key = List.copyOf(key);
        jsonColumns = Set.copyOf(jsonColumns);
        context = Map.copyOf(context);
        if (!columns.containsAll(key) || !columns.contains(rootColumn)) {
            throw new IllegalArgumentException(table + ": key and root must be among the columns");
        }
    }

    /** The select list over alias {@code x}: every column (jsonb as text) and the context expressions. */
    String selectList() {
        List<String> items = new ArrayList<>();
        for (String column : columns) {
            items.add(jsonColumns.contains(column) ? "x." + column + "::text AS " + column : "x." + column);
        }
        context.forEach((name, expression) -> items.add(expression + " AS " + name));
        return String.join(", ", items);
    }

    /** {@code <table> x} with the joins the context needs. */
    String from() {
        return joins.isEmpty() ? table + " x" : table + " x " + joins;
    }

    /** The value placeholder of a column in an INSERT: jsonb travels as text and is cast on the server. */
    String placeholder(String column) {
        return jsonColumns.contains(column) ? "CAST(CAST(? AS text) AS jsonb)" : "?";
    }

    /** The row's key as one string (columns joined by U+001F), the same way SQL builds it in {@link #keyExpression()}. */
    String keyText(Map<String, Object> row) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < key.size(); i++) {
            if (i > 0) {
                text.append('\u001f');
            }
            text.append(row.get(key.get(i)));
        }
        return text.toString();
    }

    /** SQL for {@link #keyText} over the bare table. */
    String keyExpression() {
        List<String> parts = new ArrayList<>();
        for (String column : key) {
            parts.add(column + "::text");
        }
        return String.join(" || chr(31) || ", parts);
    }
}
