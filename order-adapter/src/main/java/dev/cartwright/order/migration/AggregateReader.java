package dev.cartwright.order.migration;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

/**
 * Reads one aggregate, in the new schema's form, from whichever side the {@link ReadRouter} picks for a subject: the
 * same rows whether they come from order_db (converted) or from the new database. Context columns are left out.
 */
public final class AggregateReader {

    private final Pool newDatabase;
    private final Pool orderDb;
    private final ReadRouter router;

    public AggregateReader(Pool newDatabase, Pool orderDb, ReadRouter router) {
        this.newDatabase = Objects.requireNonNull(newDatabase);
        this.orderDb = Objects.requireNonNull(orderDb);
        this.router = Objects.requireNonNull(router);
    }

    /** The aggregate read from the side {@code subjectId} is routed to, with that side. */
    public Future<Routed> read(String subjectId, Aggregate aggregate, String aggregateId) {
        Side side = router.sideFor(subjectId);
        return read(side, aggregate, aggregateId).map(rows -> new Routed(side, rows));
    }

    /** The aggregate read from {@code side}: table name → rows (new schema's columns), or empty if it does not exist there. */
    public Future<Optional<Map<String, List<Map<String, Object>>>>> read(Side side, Aggregate aggregate, String aggregateId) {
        Pool pool = side == Side.TARGET ? newDatabase : orderDb;
        return pool.withConnection(connection -> PgAggregates.read(connection, side, aggregate, aggregateId)).map(rows -> {
            if (!rows.rejected().isEmpty()) {
                throw new ConversionException(rows.rejected().toString());
            }
            if (rows.roots().isEmpty()) {
                return Optional.empty();
            }
            Map<String, List<Map<String, Object>>> tables = new LinkedHashMap<>();
            rows.rows().forEach((table, list) -> tables.put(table.name(), list.stream()
                .sorted(Comparator.comparing(row -> table.target().keyText(row)))
                .map(row -> {
                    Map<String, Object> columns = new LinkedHashMap<>();
                    table.target().columns().forEach(column -> columns.put(column, row.get(column)));
                    return columns;
                }).toList()));
            return Optional.of(tables);
        });
    }

    /** An aggregate as read, and where from. */
    public record Routed(Side side, Optional<Map<String, List<Map<String, Object>>>> rows) {
    }
}
