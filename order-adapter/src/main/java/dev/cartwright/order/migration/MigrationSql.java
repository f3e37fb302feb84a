package dev.cartwright.order.migration;

import java.util.ArrayList;
import java.util.List;

/**
 * The SQL the migration runs against one side's table, written with JDBC's '?' placeholders; {@link #numbered}
 * turns them into the reactive client's {@code $n}. Table and column names come from {@link LegacyMappings} only, never
 * from input.
 */
final class MigrationSql {

    private MigrationSql() {
    }

    /** Rows of {@code table} whose root id is in {@code range}. */
    static String selectRange(SideTable table, RootRange range, List<Object> params) {
        return "SELECT " + table.selectList() + " FROM " + table.from() + " WHERE " + range.condition("x." + table.rootColumn(), params);
    }

    /** Rows of {@code table} whose root id is one of an array parameter. */
    static String selectRoots(SideTable table) {
        return "SELECT " + table.selectList() + " FROM " + table.from() + " WHERE x." + table.rootColumn() + " = ANY(?)";
    }

    /** The next root ids after a key (parameters: after or nothing, then the limit), in the database's order. */
    static String nextRoots(SideTable root, boolean fromStart) {
        return "SELECT " + root.rootColumn() + " FROM " + root.table()
            + (fromStart ? "" : " WHERE " + root.rootColumn() + " > ?")
            + " ORDER BY " + root.rootColumn() + " LIMIT ?";
    }

    /**
     * Insert or update one row by the table's key; a row that is already equal is left alone (no new row version), so
     * running a copy twice writes nothing the second time and the update count says what changed. For child rows, which
     * are written only while the copy holds their root (see {@link #upsertRootUnlessNewer}).
     */
    static String upsert(SideTable table) {
        return upsert(table, "");
    }

    /**
     * {@link #upsert} for a root row that also leaves a newer root alone: the existing row is replaced only when its
     * (version, updated_at) is not above the incoming one's ({@link AggregateStamp}). The check and the write are one
     * statement, so a writer that commits a newer root after the copy read its source still wins. PostgreSQL locks the
     * conflicting row whether or not it is updated, so the root stays as this statement left it until the copy commits.
     */
    static String upsertRootUnlessNewer(SideTable root) {
        String version = AggregateStamp.VERSION;
        String updatedAt = AggregateStamp.UPDATED_AT;
        return upsert(root, "(" + root.table() + "." + version + ", " + root.table() + "." + updatedAt + ") <= (EXCLUDED." + version
            + ", EXCLUDED." + updatedAt + ") AND ");
    }

    private static String upsert(SideTable table, String guard) {
        List<String> placeholders = new ArrayList<>();
        List<String> updates = new ArrayList<>();
        List<String> current = new ArrayList<>();
        List<String> incoming = new ArrayList<>();
        for (String column : table.columns()) {
            placeholders.add(table.placeholder(column));
            if (!table.key().contains(column)) {
                updates.add(column + " = EXCLUDED." + column);
                current.add(table.table() + "." + column);
                incoming.add("EXCLUDED." + column);
            }
        }
        String insert = "INSERT INTO " + table.table() + " (" + String.join(", ", table.columns()) + ") VALUES ("
            + String.join(", ", placeholders) + ") ON CONFLICT (" + String.join(", ", table.key()) + ")";
        if (updates.isEmpty()) {
            return insert + " DO NOTHING";
        }
        return insert + " DO UPDATE SET " + String.join(", ", updates)
            + " WHERE " + guard + "(" + String.join(", ", current) + ") IS DISTINCT FROM (" + String.join(", ", incoming) + ")";
    }

    /** The root id, version and updated_at of some aggregates (array parameter): what a copy now finds in the destination. */
    static String stamps(SideTable root) {
        return "SELECT " + root.rootColumn() + " AS root_id, " + AggregateStamp.VERSION + ", " + AggregateStamp.UPDATED_AT + " FROM "
            + root.table() + " WHERE " + root.rootColumn() + " = ANY(?)";
    }

    /** One aggregate's root version and updated_at, its row locked until the transaction ends (root id parameter). */
    static String lockStamp(SideTable root) {
        return "SELECT " + AggregateStamp.VERSION + ", " + AggregateStamp.UPDATED_AT + " FROM " + root.table() + " WHERE "
            + root.rootColumn() + " = ? FOR UPDATE";
    }

    /** Deletes root rows of some aggregates (array parameter) last changed no later than a time (second parameter). */
    static String deleteRootsUnchangedSince(SideTable root) {
        return "DELETE FROM " + root.table() + " WHERE " + root.rootColumn() + " = ANY(?) AND " + AggregateStamp.UPDATED_AT + " <= ?";
    }

    /** Deletes a child table's rows of some aggregates (array parameter) whose key is not in a second array parameter. */
    static String deleteAbsent(SideTable table) {
        return "DELETE FROM " + table.table() + " WHERE " + table.rootColumn() + " = ANY(?) AND NOT ((" + table.keyExpression()
            + ") = ANY(?))";
    }

    /** Deletes all rows of some aggregates (array parameter) from one table. */
    static String deleteRoots(SideTable table) {
        return "DELETE FROM " + table.table() + " WHERE " + table.rootColumn() + " = ANY(?)";
    }

    /**
     * Moves a bigserial column's sequence past the largest id in the table plus {@code headroom}, so ids the other side
     * still mints (the monolith until the cut-over) do not meet ids minted here.
     */
    static String bumpSequence(SideTable table, long headroom) {
        String column = table.sequenceColumn().orElseThrow();
        return "SELECT setval(seq, wanted) FROM (SELECT pg_get_serial_sequence('" + table.table() + "', '" + column + "') AS seq, "
            + "(SELECT COALESCE(max(" + column + "), 0) FROM " + table.table() + ") + " + headroom + " AS wanted) s "
            + "WHERE wanted > COALESCE(pg_sequence_last_value(seq::regclass), 0)";
    }

    /** '?' placeholders as {@code $1, $2, ...} for the reactive PostgreSQL client. */
    static String numbered(String sql) {
        StringBuilder out = new StringBuilder(sql.length() + 16);
        int n = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '?') {
                out.append('$').append(++n);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
