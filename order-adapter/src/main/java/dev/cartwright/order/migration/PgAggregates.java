package dev.cartwright.order.migration;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;

/**
 * One aggregate at a time through the reactive PostgreSQL client, for the services' side of the migration (the
 * DualWriter's mirror and reads routed to either database): read an aggregate from either side in canonical form, write
 * one to order_db (upserts, children it no longer has deleted, or the whole aggregate deleted when the new database has
 * none; never over a newer copy), and take its lock. Values are normalised to the same types {@link JdbcRows} yields,
 * so both paths compare equal.
 */
final class PgAggregates {

    private PgAggregates() {
    }

    /** The transaction-scoped lock of one aggregate (see {@link AggregateLocks}). */
    static Future<Void> lock(SqlConnection connection, Aggregate aggregate, String rootId) {
        return connection.preparedQuery(MigrationSql.numbered(AggregateLocks.LOCK_ONE))
            .execute(Tuple.of(AggregateLocks.lockKey(aggregate, rootId)))
            .mapEmpty();
    }

    /** The aggregate's rows on {@code side}, canonical; empty root table when the aggregate does not exist there. */
    static Future<ChunkRows> read(SqlConnection connection, Side side, Aggregate aggregate, String rootId) {
        Map<TableMapping, List<Map<String, Object>>> read = new LinkedHashMap<>();
        Future<Void> chain = Future.succeededFuture();
        for (TableMapping table : aggregate.tables()) {
            chain = chain.compose(v -> connection.preparedQuery(MigrationSql.numbered(MigrationSql.selectRoots(table.side(side))))
                .execute(Tuple.of((Object) new String[] {rootId}))
                .map(rows -> {
                    List<Map<String, Object>> list = new ArrayList<>();
                    for (Row row : rows) {
                        list.add(values(row));
                    }
                    read.put(table, list);
                    return null;
                }));
        }
        return chain.map(v -> ChunkRows.fromSide(aggregate, side, read));
    }

    /**
     * Makes order_db hold exactly {@code rows} for the aggregate: upserts every row and deletes the children it no
     * longer has, or deletes the aggregate when {@code rows} has no root row. Returns the rows changed. Never over a newer
     * copy: the root is upserted only where order_db's root is not newer, and the children are written only once order_db's
     * root (locked by that upsert) carries the copied stamp; an aggregate deleted in the new database is deleted from
     * order_db only if order_db's root was not changed after {@code deletedAt}. Otherwise the future fails with a
     * {@link NewerCopyException} and the caller's transaction writes nothing.
     */
    static Future<Long> writeLegacy(SqlConnection connection, Aggregate aggregate, String rootId, ChunkRows rows,
                                    OffsetDateTime deletedAt) {
        if (!rows.rejected().isEmpty()) {
            return Future.failedFuture(new ConversionException(rows.rejected().toString()));
        }
        if (rows.roots().isEmpty()) {
            return deleteLegacy(connection, aggregate, rootId, deletedAt);
        }
        TableMapping rootTable = aggregate.root();
        AggregateStamp copied = AggregateStamp.of(rows.rows().get(rootTable).get(0));
        Future<Long> chain = upsertLegacy(connection, rootTable, rootId, rows, MigrationSql.upsertRootUnlessNewer(rootTable.legacy()))
            .compose(n -> connection.preparedQuery(MigrationSql.numbered(MigrationSql.stamps(rootTable.legacy())))
                .execute(Tuple.of((Object) new String[] {rootId}))
                .compose(found -> {
                    AggregateStamp there = found.size() == 0 ? null : AggregateStamp.of(values(found.iterator().next()));
                    if (!copied.equals(there)) {
                        return Future.failedFuture(new NewerCopyException("order_db holds a newer copy of " + aggregate.key() + " "
                            + rootId + " (" + there + ") than the new database (" + copied + "): kept; a writer outside the "
                            + "dual-writer changed it"));
                    }
                    return Future.succeededFuture(n);
                }));
        for (TableMapping table : aggregate.tables().subList(1, aggregate.tables().size())) {
            SideTable legacy = table.legacy();
            List<String> keys = new ArrayList<>();
            try {
                for (Map<String, Object> canonical : rows.rows().get(table)) {
                    keys.add(legacy.keyText(table.fromCanonical(Side.LEGACY, canonical)));
                }
            } catch (ConversionException e) {
                return Future.failedFuture(new ConversionException(legacy.table() + " " + rootId + ": " + e.getMessage(), e));
            }
            // Two array parameters; Tuple.of(Object, Object...) would spread the second one.
            Tuple params = Tuple.tuple().addValue(new String[] {rootId}).addValue(keys.toArray(String[]::new));
            chain = chain.compose(n -> connection.preparedQuery(MigrationSql.numbered(MigrationSql.deleteAbsent(legacy)))
                    .execute(params).map(result -> n + result.rowCount()))
                .compose(n -> upsertLegacy(connection, table, rootId, rows, MigrationSql.upsert(legacy)).map(m -> n + m));
        }
        return chain;
    }

    /** Upserts one table's rows of the aggregate into order_db with {@code sql}; returns the rows changed. */
    private static Future<Long> upsertLegacy(SqlConnection connection, TableMapping table, String rootId, ChunkRows rows, String sql) {
        return upsertInto(connection, Side.LEGACY, table, rootId, rows, sql);
    }

    /** Upserts one table's rows of the aggregate into {@code side} with {@code sql}; returns the rows changed. */
    private static Future<Long> upsertInto(SqlConnection connection, Side side, TableMapping table, String rootId, ChunkRows rows,
                                           String sql) {
        SideTable legacy = table.side(side);
        List<Tuple> batch = new ArrayList<>();
        try {
            for (Map<String, Object> canonical : rows.rows().get(table)) {
                Map<String, Object> stored = table.fromCanonical(side, canonical);
                Tuple tuple = Tuple.tuple();
                for (String column : legacy.columns()) {
                    tuple.addValue(stored.get(column));
                }
                batch.add(tuple);
            }
        } catch (ConversionException e) {
            return Future.failedFuture(new ConversionException(legacy.table() + " " + rootId + ": " + e.getMessage(), e));
        }
        if (batch.isEmpty()) {
            return Future.succeededFuture(0L);
        }
        return connection.preparedQuery(MigrationSql.numbered(sql)).executeBatch(batch).map(result -> {
            long changed = 0;
            for (var r = result; r != null; r = r.next()) {
                changed += r.rowCount();
            }
            return changed;
        });
    }

    /**
     * Deletes the aggregate from order_db, children first, unless order_db's root changed after {@code deletedAt}: its
     * row is locked first, so no writer can change it between the check and the deletes.
     */
    private static Future<Long> deleteLegacy(SqlConnection connection, Aggregate aggregate, String rootId, OffsetDateTime deletedAt) {
        SideTable root = aggregate.root().legacy();
        LocalDateTime bound = LegacyMappings.wall(deletedAt);
        return connection.preparedQuery(MigrationSql.numbered(MigrationSql.lockStamp(root))).execute(Tuple.of(rootId))
            .compose(found -> {
                if (found.size() == 0) {
                    // order_db has no root, hence (foreign keys) no children either.
                    return Future.succeededFuture(0L);
                }
                AggregateStamp there = AggregateStamp.of(values(found.iterator().next()));
                if (there.updatedAt().isAfter(AggregateStamp.instant(bound))) {
                    return Future.failedFuture(new NewerCopyException("order_db's " + aggregate.key() + " " + rootId + " was changed ("
                        + there + ") after it was deleted in the new database (" + deletedAt + "): kept; a writer outside the "
                        + "dual-writer changed it"));
                }
                Tuple roots = Tuple.of((Object) new String[] {rootId});
                Future<Long> chain = Future.succeededFuture(0L);
                List<TableMapping> children = new ArrayList<>(aggregate.tables().subList(1, aggregate.tables().size()));
                Collections.reverse(children);
                for (TableMapping table : children) {
                    chain = chain.compose(n -> connection.preparedQuery(MigrationSql.numbered(MigrationSql.deleteRoots(table.legacy())))
                        .execute(roots).map(result -> n + result.rowCount()));
                }
                Tuple guarded = Tuple.tuple().addValue(new String[] {rootId}).addValue(bound);
                return chain.compose(n -> connection.preparedQuery(MigrationSql.numbered(MigrationSql.deleteRootsUnchangedSince(root)))
                    .execute(guarded).map(result -> n + result.rowCount()));
            });
    }

    /**
     * Makes the new database hold {@code rows} (read from order_db) for the aggregate, unless it holds a copy at least
     * as new ({@link AggregateStamp}): the root is upserted only where it is not newer, the children the copy no longer
     * has are deleted and the others upserted, and shared sequences are moved past the copied ids. Returns the rows
     * changed, 0 when the new database's copy was kept. The caller holds the aggregate's lock.
     */
    static Future<Long> writeTarget(SqlConnection connection, Aggregate aggregate, String rootId, ChunkRows rows, long sequenceHeadroom) {
        if (!rows.rejected().isEmpty()) {
            return Future.failedFuture(new ConversionException(rows.rejected().toString()));
        }
        if (rows.roots().isEmpty()) {
            return Future.succeededFuture(0L);
        }
        TableMapping rootTable = aggregate.root();
        AggregateStamp copied = AggregateStamp.of(rows.rows().get(rootTable).get(0));
        return connection.preparedQuery(MigrationSql.numbered(MigrationSql.stamps(rootTable.target())))
            .execute(Tuple.of((Object) new String[] {rootId}))
            .compose(found -> {
                if (found.size() > 0 && !copied.newerThan(AggregateStamp.of(values(found.iterator().next())))) {
                    return Future.succeededFuture(0L);
                }
                Future<Long> chain = upsertInto(connection, Side.TARGET, rootTable, rootId, rows,
                    MigrationSql.upsertRootUnlessNewer(rootTable.target()));
                for (TableMapping table : aggregate.tables().subList(1, aggregate.tables().size())) {
                    SideTable target = table.target();
                    List<String> keys = new ArrayList<>();
                    for (Map<String, Object> canonical : rows.rows().get(table)) {
                        keys.add(target.keyText(table.fromCanonical(Side.TARGET, canonical)));
                    }
                    Tuple params = Tuple.tuple().addValue(new String[] {rootId}).addValue(keys.toArray(String[]::new));
                    chain = chain.compose(n -> connection.preparedQuery(MigrationSql.numbered(MigrationSql.deleteAbsent(target)))
                            .execute(params).map(result -> n + result.rowCount()))
                        .compose(n -> upsertInto(connection, Side.TARGET, table, rootId, rows, MigrationSql.upsert(target))
                            .map(m -> n + m));
                    if (target.sequenceColumn().isPresent()) {
                        chain = chain.compose(n -> connection.query(MigrationSql.bumpSequence(target, sequenceHeadroom)).execute().map(n));
                    }
                }
                return chain;
            });
    }

    /**
     * The stamps ({@link AggregateStamp}) of the aggregates on {@code side} whose root has {@code column} = {@code value}
     * (a customer's or an order's returns, a customer's carts), by root id. {@code column} must be a column both sides'
     * root tables have under that name.
     */
    static Future<Map<String, AggregateStamp>> stampsWhere(SqlConnection connection, Side side, Aggregate aggregate, String column,
                                                           String value) {
        SideTable root = aggregate.root().side(side);
        return connection.preparedQuery("SELECT " + root.rootColumn() + " AS root_id, " + AggregateStamp.VERSION + ", "
                + AggregateStamp.UPDATED_AT + " FROM " + root.table() + " WHERE " + column + " = $1")
            .execute(Tuple.of(value))
            .map(PgAggregates::stampsById);
    }

    /** The stamps of some aggregates on {@code side}, by root id; an aggregate the side does not have is absent. */
    static Future<Map<String, AggregateStamp>> stamps(SqlConnection connection, Side side, Aggregate aggregate, List<String> rootIds) {
        return connection.preparedQuery(MigrationSql.numbered(MigrationSql.stamps(aggregate.root().side(side))))
            .execute(Tuple.of((Object) rootIds.toArray(String[]::new)))
            .map(PgAggregates::stampsById);
    }

    private static Map<String, AggregateStamp> stampsById(Iterable<Row> rows) {
        Map<String, AggregateStamp> stamps = new LinkedHashMap<>();
        for (Row row : rows) {
            Map<String, Object> values = values(row);
            stamps.put((String) values.get("root_id"), AggregateStamp.of(values));
        }
        return stamps;
    }

    /**
     * The last id order_db's sequence of a shared bigserial column handed out (0 before the first), per table of the
     * aggregate that has one: the ids the Order service mints next are above it.
     */
    static Future<Map<TableMapping, Long>> legacySequences(SqlConnection legacy, Aggregate aggregate) {
        Map<TableMapping, Long> last = new LinkedHashMap<>();
        Future<Void> chain = Future.succeededFuture();
        for (TableMapping table : aggregate.tables()) {
            SideTable side = table.legacy();
            if (side.sequenceColumn().isEmpty()) {
                continue;
            }
            chain = chain.compose(v -> legacy.query("SELECT COALESCE(pg_sequence_last_value(pg_get_serial_sequence('" + side.table()
                    + "', '" + side.sequenceColumn().get() + "')::regclass), 0) AS last").execute()
                .map(rows -> {
                    last.put(table, rows.iterator().next().getLong("last"));
                    return null;
                }));
        }
        return chain.map(v -> last);
    }

    /**
     * Moves the new database's sequence of each shared bigserial column to at least {@code floors} plus
     * {@code headroom}, never back: ids minted here then stay clear of the ids order_db mints, so a mirrored row never
     * meets one of the Order service's own. Returns the tables whose sequence moved.
     */
    static Future<List<String>> raiseTargetSequences(SqlConnection target, Map<TableMapping, Long> floors, long headroom) {
        List<String> moved = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        for (Map.Entry<TableMapping, Long> floor : floors.entrySet()) {
            SideTable side = floor.getKey().target();
            String column = side.sequenceColumn().orElseThrow();
            long wanted = Math.addExact(floor.getValue(), headroom);
            chain = chain.compose(v -> target.query("SELECT setval(seq, " + wanted + ") FROM (SELECT pg_get_serial_sequence('"
                    + side.table() + "', '" + column + "') AS seq) s WHERE " + wanted
                    + " > COALESCE(pg_sequence_last_value(seq::regclass), 0)").execute()
                .map(rows -> {
                    if (rows.size() > 0) {
                        moved.add(side.table() + "." + column + " -> " + wanted);
                    }
                    return null;
                }));
        }
        return chain.map(v -> moved);
    }

    private static Map<String, Object> values(Row row) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < row.size(); i++) {
            Object value = row.getValue(i);
            if (value instanceof OffsetDateTime at) {
                value = at.withOffsetSameInstant(ZoneOffset.UTC);
            } else if (value instanceof Numeric numeric) {
                value = numeric.bigDecimalValue();
            }
            values.put(row.getColumnName(i), value);
        }
        return values;
    }
}
