package dev.cartwright.order.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whole aggregates through JDBC: read a range of them from one side in canonical form, write some of them to one side
 * (upsert every row, delete the children the source no longer has, never over a newer copy), and take the per-aggregate
 * locks that keep a copy and a dual-write mirror of the same aggregate from interleaving. Used by the offline tool only
 * (blocking JDBC).
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

    /** What writing some aggregates did: rows changed, and the aggregates left alone because the destination's copy is newer. */
    record Written(long rowsChanged, List<String> keptNewer) {
        Written {
            keptNewer = List.copyOf(keptNewer);
        }
    }

    /**
     * Writes the given aggregates to {@code side}, never over a newer copy: each root is upserted only where the
     * destination's root is not newer ({@link MigrationSql#upsertRootUnlessNewer}); then the roots are read back, and only
     * the aggregates whose root now carries the copied stamp get their children written (upserted, and the children
     * the source no longer has deleted). An aggregate a writer changed after the copy read its source keeps what that
     * writer wrote, children included, and is reported in {@link Written#keptNewer()}. The upsert leaves every root of
     * the chunk locked until the caller commits, so no writer can change one between the check and the child writes.
     */
    static Written write(Connection connection, Side side, ChunkRows rows, Collection<String> roots) throws SQLException {
        if (roots.isEmpty()) {
            return new Written(0, List.of());
        }
        Aggregate aggregate = rows.aggregate();
        TableMapping rootTable = aggregate.root();
        SideTable storedRoot = rootTable.side(side);
        Map<String, AggregateStamp> copied = new HashMap<>();
        for (Map<String, Object> canonical : rows.rows().get(rootTable)) {
            copied.put((String) canonical.get(rootTable.target().rootColumn()), AggregateStamp.of(canonical));
        }
        long changed = upsert(connection, storedRoot, stored(rootTable, side, rows), MigrationSql.upsertRootUnlessNewer(storedRoot));
        Map<String, AggregateStamp> found = stamps(connection, side, aggregate, roots);
        List<String> held = new ArrayList<>();
        List<String> keptNewer = new ArrayList<>();
        for (String root : roots) {
            AggregateStamp stamp = copied.get(root);
            if (stamp != null && stamp.equals(found.get(root))) {
                held.add(root);
            } else {
                keptNewer.add(root);
            }
        }
        if (held.isEmpty()) {
            return new Written(changed, keptNewer);
        }
        ChunkRows children = rows.only(held);
        String[] heldArray = held.toArray(String[]::new);
        for (TableMapping table : aggregate.tables().subList(1, aggregate.tables().size())) {
            SideTable stored = table.side(side);
            List<Map<String, Object>> storedRows = stored(table, side, children);
            String[] keys = storedRows.stream().map(stored::keyText).toArray(String[]::new);
            changed += JdbcRows.update(connection, MigrationSql.deleteAbsent(stored), List.of(heldArray, keys));
            changed += upsert(connection, stored, storedRows, MigrationSql.upsert(stored));
        }
        return new Written(changed, keptNewer);
    }

    /** The stamps the destination's roots of some aggregates carry now; an aggregate it does not have is absent. */
    static Map<String, AggregateStamp> stamps(Connection connection, Side side, Aggregate aggregate, Collection<String> roots)
        throws SQLException {
        Map<String, AggregateStamp> stamps = new HashMap<>();
        for (Map<String, Object> row : JdbcRows.query(connection, MigrationSql.stamps(aggregate.root().side(side)),
            List.of((Object) roots.toArray(String[]::new)))) {
            stamps.put((String) row.get("root_id"), AggregateStamp.of(row));
        }
        return stamps;
    }

    private static List<Map<String, Object>> stored(TableMapping table, Side side, ChunkRows rows) {
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
        return storedRows;
    }

    private static long upsert(Connection connection, SideTable table, List<Map<String, Object>> rows, String sql) throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        long changed = 0;
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
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
