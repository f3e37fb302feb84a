package dev.cartwright.order.migration;

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
 * none), and take its lock. Values are normalised to the same types {@link JdbcRows} yields, so both paths compare equal.
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
     * longer has, or deletes the aggregate when {@code rows} has no root row. Returns the rows changed.
     */
    static Future<Long> writeLegacy(SqlConnection connection, Aggregate aggregate, String rootId, ChunkRows rows) {
        if (!rows.rejected().isEmpty()) {
            return Future.failedFuture(new ConversionException(rows.rejected().toString()));
        }
        Tuple roots = Tuple.of((Object) new String[] {rootId});
        if (rows.roots().isEmpty()) {
            Future<Long> chain = Future.succeededFuture(0L);
            List<TableMapping> tables = new ArrayList<>(aggregate.tables());
            Collections.reverse(tables);
            for (TableMapping table : tables) {
                chain = chain.compose(n -> connection.preparedQuery(MigrationSql.numbered(MigrationSql.deleteRoots(table.legacy())))
                    .execute(roots).map(result -> n + result.rowCount()));
            }
            return chain;
        }
        Future<Long> chain = Future.succeededFuture(0L);
        boolean first = true;
        for (TableMapping table : aggregate.tables()) {
            SideTable legacy = table.legacy();
            List<Tuple> batch = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            try {
                for (Map<String, Object> canonical : rows.rows().get(table)) {
                    Map<String, Object> stored = table.fromCanonical(Side.LEGACY, canonical);
                    keys.add(legacy.keyText(stored));
                    Tuple tuple = Tuple.tuple();
                    for (String column : legacy.columns()) {
                        tuple.addValue(stored.get(column));
                    }
                    batch.add(tuple);
                }
            } catch (ConversionException e) {
                return Future.failedFuture(new ConversionException(legacy.table() + " " + rootId + ": " + e.getMessage(), e));
            }
            if (!first) {
                // Two array parameters; Tuple.of(Object, Object...) would spread the second one.
                Tuple params = Tuple.tuple().addValue(new String[] {rootId}).addValue(keys.toArray(String[]::new));
                chain = chain.compose(n -> connection.preparedQuery(MigrationSql.numbered(MigrationSql.deleteAbsent(legacy)))
                    .execute(params).map(result -> n + result.rowCount()));
            }
            if (!batch.isEmpty()) {
                chain = chain.compose(n -> connection.preparedQuery(MigrationSql.numbered(MigrationSql.upsert(legacy)))
                    .executeBatch(batch).map(result -> {
                        long changed = n;
                        for (var r = result; r != null; r = r.next()) {
                            changed += r.rowCount();
                        }
                        return changed;
                    }));
            }
            first = false;
        }
        return chain;
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
