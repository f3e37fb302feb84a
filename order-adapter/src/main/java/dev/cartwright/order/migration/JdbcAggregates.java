package dev.cartwright.order.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whole aggregates through JDBC: read a range of them from one side in canonical form, write some of them to one side
 * (upsert every row, delete the children the source no longer has), and take the per-aggregate locks that keep a copy
 * and a dual-write mirror of the same aggregate from interleaving. Used by the offline tool only (blocking JDBC).
 */
final class JdbcAggregates {

    private JdbcAggregates() {
    }

    /**
     * Why key ranges taken from one database would not mean the same rows in the other (their text collations differ),
     * or empty. Chunks are ranges of text ids compared by each database, so both must sort text alike.
     */
    static Optional<String> orderingMismatch(Connection legacy, Connection target) throws SQLException {
        String sql = "SELECT datcollate || '/' || datctype AS collation FROM pg_database WHERE datname = current_database()";
        Object legacyCollation = JdbcRows.query(legacy, sql, List.of()).get(0).get("collation");
        Object targetCollation = JdbcRows.query(target, sql, List.of()).get(0).get("collation");
        if (legacyCollation.equals(targetCollation)) {
            return Optional.empty();
        }
        return Optional.of("order_db sorts text by " + legacyCollation + " but the new database by " + targetCollation
            + ": key ranges would not cover the same rows");
    }

    /** The next {@code limit} root ids after {@code after} (null: from the first) on {@code side}, in the database's order. */
    static List<String> nextRoots(Connection connection, Side side, Aggregate aggregate, String after, int limit) throws SQLException {
        List<Object> params = new ArrayList<>();
        if (after != null) {
            params.add(after);
        }
        params.add(limit);
        SideTable root = aggregate.root().side(side);
        List<String> roots = new ArrayList<>();
        for (Map<String, Object> row : JdbcRows.query(connection, MigrationSql.nextRoots(root, after == null), params)) {
            roots.add((String) row.get(root.rootColumn()));
        }
        return roots;
    }

    /** Every row of the aggregates in {@code range} on {@code side}, converted to canonical form. */
    static ChunkRows read(Connection connection, Side side, Aggregate aggregate, RootRange range) throws SQLException {
        Map<TableMapping, List<Map<String, Object>>> read = new LinkedHashMap<>();
        for (TableMapping table : aggregate.tables()) {
            List<Object> params = new ArrayList<>();
            String sql = MigrationSql.selectRange(table.side(side), range, params);
            read.put(table, JdbcRows.query(connection, sql, params));
        }
        return ChunkRows.fromSide(aggregate, side, read);
    }

    /** Every row of the aggregates whose root ids are given, on {@code side}, converted to canonical form. */
    static ChunkRows readRoots(Connection connection, Side side, Aggregate aggregate, Collection<String> roots) throws SQLException {
        Map<TableMapping, List<Map<String, Object>>> read = new LinkedHashMap<>();
        String[] rootArray = roots.toArray(String[]::new);
        for (TableMapping table : aggregate.tables()) {
            read.put(table, roots.isEmpty() ? List.of() : JdbcRows.query(connection, MigrationSql.selectRoots(table.side(side)),
                List.of((Object) rootArray)));
        }
        return ChunkRows.fromSide(aggregate, side, read);
    }

    /**
     * Writes the given aggregates to {@code side}: every row upserted (equal rows untouched), children of these roots
     * that the rows do not have deleted. Returns how many rows were inserted, changed or deleted.
     */
    static long write(Connection connection, Side side, ChunkRows rows, Collection<String> roots) throws SQLException {
        if (roots.isEmpty()) {
            return 0;
        }
        String[] rootArray = roots.toArray(String[]::new);
        long changed = 0;
        boolean first = true;
        for (TableMapping table : rows.aggregate().tables()) {
            SideTable stored = table.side(side);
            List<Map<String, Object>> storedRows = new ArrayList<>();
            for (Map<String, Object> canonical : rows.rows().get(table)) {
                try {
                    storedRows.add(table.fromCanonical(side, canonical));
                } catch (ConversionException e) {
                    Object root = canonical.get(table.target().rootColumn());
                    throw new ConversionException(stored.table() + " " + root + ": " + e.getMessage(), e);
                }
            }
            if (!first) {
                String[] keys = storedRows.stream().map(stored::keyText).toArray(String[]::new);
                changed += JdbcRows.update(connection, MigrationSql.deleteAbsent(stored), List.of(rootArray, keys));
            }
            changed += upsert(connection, stored, storedRows);
            first = false;
        }
        return changed;
    }

    private static long upsert(Connection connection, SideTable table, List<Map<String, Object>> rows) throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        long changed = 0;
        try (PreparedStatement statement = connection.prepareStatement(MigrationSql.upsert(table))) {
            for (Map<String, Object> row : rows) {
                int index = 1;
                for (String column : table.columns()) {
                    JdbcRows.set(connection, statement, index++, row.get(column));
                }
                statement.addBatch();
            }
            for (int count : statement.executeBatch()) {
                changed += Math.max(0, count);
            }
        }
        return changed;
    }

    /** Moves the shared bigserial sequences of {@code side}'s tables past their largest id plus {@code headroom}. */
    static void bumpSequences(Connection connection, Side side, Aggregate aggregate, long headroom) throws SQLException {
        for (TableMapping table : aggregate.tables()) {
            SideTable stored = table.side(side);
            if (stored.sequenceColumn().isPresent()) {
                JdbcRows.query(connection, MigrationSql.bumpSequence(stored, headroom), List.of());
            }
        }
    }

    /**
     * Takes the transaction-scoped lock of each aggregate (in one fixed order, so two lockers never deadlock). The
     * DualWriter takes the same lock in the new database before writing or mirroring an aggregate.
     */
    static void lock(Connection connection, Aggregate aggregate, Collection<String> roots) throws SQLException {
        if (roots.isEmpty()) {
            return;
        }
        String[] keys = roots.stream().map(root -> AggregateLocks.lockKey(aggregate, root)).toArray(String[]::new);
        JdbcRows.query(connection, AggregateLocks.LOCK_MANY, List.of((Object) keys));
    }
}
