package dev.cartwright.order.migration;

import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import dev.cartwright.order.flags.MigrationFlags;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dual-write mirror (and so the repair) against real PostgreSQL when something wrote order_db outside the
 * dual-writer: order_db's newer copy is neither overwritten nor deleted, and the mirror stays pending saying why.
 */
@ExtendWith(RealServices.class)
class MirrorKeepsNewerIT {

    /** After the fixture's clock (12:00), so after any write the DualWriter records. */
    private static final LocalDateTime MONOLITH_AT = LocalDateTime.of(2026, 3, 1, 13, 0);
    private static final OffsetDateTime SERVICE_AT = OffsetDateTime.of(2026, 3, 1, 12, 0, 0, 0, ZoneOffset.UTC);

    private MigrationFixture fixture;
    private OnVertx on;
    private DualWriter carts;

    @BeforeEach
    void backfilledWithDualWriteOn(PostgresInfo postgres) throws SQLException {
        fixture = new MigrationFixture(postgres, 50).backfillOn();
        fixture.seed(89, new LegacySampleData.Counts(30, 5, 5));
        fixture.backfillAll(Aggregate.CART, 50);
        fixture.set(MigrationFlags.DUAL_WRITE, "on");
        on = new OnVertx();
        Pool checkoutDb = fixture.pool(on.vertx, fixture.config.checkout());
        Pool orderDb = fixture.pool(on.vertx, fixture.config.legacy());
        carts = new DualWriter(checkoutDb, orderDb, fixture.flagSupplier(), MigrationFixture.CLOCK);
    }

    @AfterEach
    void close() throws Exception {
        on.close();
    }

    @Test
    void aMirrorLeavesANewerOrderDbCopyAloneAndStaysPending() throws SQLException {
        String cart = cartWithItems(0);
        long version = legacyVersion(cart);
        // The monolith, still running, changed the cart in order_db.
        fixture.update(Side.LEGACY, Aggregate.CART, "UPDATE carts SET version = version + 5, updated_at = ? WHERE id = ?", MONOLITH_AT,
            cart);
        fixture.update(Side.LEGACY, Aggregate.CART, "INSERT INTO cart_items (cart_id, product_id, quantity, unit_price, currency_code) "
            + "SELECT id, 'monolith-added', 1, 1.00, currency_code FROM carts WHERE id = ?", cart);
        List<String> monolithItems = legacyItems(cart);
        assertThat(monolithItems).contains("monolith-added x 1");

        DualWriteResult<Integer> result = on.await(() -> carts.write(Aggregate.CART, cart, connection -> sql(connection,
            "UPDATE cart_items SET quantity = 8 WHERE cart_id = $1", cart)
            .compose(n -> sql(connection, "UPDATE carts SET version = version + 1, updated_at = $2 WHERE cart_id = $1", cart,
                SERVICE_AT))));

        assertThat(result.mirror()).isInstanceOfSatisfying(MirrorOutcome.Deferred.class,
            deferred -> assertThat(deferred.error()).contains("order_db holds a newer copy of cart " + cart));
        assertThat(legacyVersion(cart)).isEqualTo(version + 5);
        assertThat(legacyItems(cart)).containsExactlyInAnyOrderElementsOf(monolithItems);
        List<Map<String, Object>> queued = fixture.query(Side.TARGET, Aggregate.CART,
            "SELECT last_error FROM legacy_mirror_queue WHERE aggregate = 'cart' AND aggregate_id = ?", cart);
        assertThat(queued).singleElement().satisfies(row -> assertThat((String) row.get("last_error")).contains("newer copy"));

        // The repair leaves it alone as well, and says so.
        DualWriter.RepairReport repair = on.await(() -> carts.repairPending(10));
        assertThat(repair.stillPending()).isEqualTo(1);
        assertThat(repair.errors()).singleElement().satisfies(e -> assertThat(e).contains("newer copy"));
        assertThat(legacyVersion(cart)).isEqualTo(version + 5);
        assertThat(legacyItems(cart)).containsExactlyInAnyOrderElementsOf(monolithItems);

        // A later write through the dual-writer that is newer than order_db's copy mirrors over it as usual.
        DualWriteResult<Integer> newer = on.await(() -> carts.write(Aggregate.CART, cart, connection -> sql(connection,
            "UPDATE carts SET version = $2 WHERE cart_id = $1", cart, version + 6)));
        assertThat(newer.mirror()).isInstanceOf(MirrorOutcome.Mirrored.class);
        assertThat(legacyVersion(cart)).isEqualTo(version + 6);
        assertThat(fixture.count(Side.TARGET, Aggregate.CART, "legacy_mirror_queue")).isZero();
    }

    @Test
    void aMirrorDoesNotDeleteAnOrderDbAggregateChangedAfterTheDelete() throws SQLException {
        String cart = cartWithItems(1);
        fixture.update(Side.LEGACY, Aggregate.CART, "UPDATE carts SET version = version + 1, updated_at = ? WHERE id = ?", MONOLITH_AT,
            cart);

        DualWriteResult<Integer> result = on.await(() -> carts.write(Aggregate.CART, cart, connection -> sql(connection,
            "DELETE FROM cart_promotions WHERE cart_id = $1", cart)
            .compose(n -> sql(connection, "DELETE FROM cart_items WHERE cart_id = $1", cart))
            .compose(n -> sql(connection, "DELETE FROM carts WHERE cart_id = $1", cart))));

        assertThat(result.mirror()).isInstanceOfSatisfying(MirrorOutcome.Deferred.class,
            deferred -> assertThat(deferred.error()).contains("after it was deleted in the new database"));
        assertThat(fixture.query(Side.LEGACY, Aggregate.CART, "SELECT count(*) AS n FROM carts WHERE id = ?", cart).get(0).get("n"))
            .isEqualTo(1L);
        assertThat(fixture.query(Side.LEGACY, Aggregate.CART, "SELECT count(*) AS n FROM cart_items WHERE cart_id = ?", cart).get(0)
            .get("n")).isNotEqualTo(0L);
    }

    @Test
    void anAggregateDeletedInTheNewDatabaseIsDeletedFromOrderDbWhenOrderDbHasNothingNewer() throws SQLException {
        String cart = cartWithItems(2);

        DualWriteResult<Integer> result = on.await(() -> carts.write(Aggregate.CART, cart, connection -> sql(connection,
            "DELETE FROM cart_promotions WHERE cart_id = $1", cart)
            .compose(n -> sql(connection, "DELETE FROM cart_items WHERE cart_id = $1", cart))
            .compose(n -> sql(connection, "DELETE FROM carts WHERE cart_id = $1", cart))));

        assertThat(result.mirror()).isInstanceOf(MirrorOutcome.Mirrored.class);
        assertThat(fixture.query(Side.LEGACY, Aggregate.CART, "SELECT count(*) AS n FROM carts WHERE id = ?", cart).get(0).get("n"))
            .isEqualTo(0L);
        assertThat(fixture.count(Side.TARGET, Aggregate.CART, "legacy_mirror_queue")).isZero();
    }

    private List<String> legacyItems(String cart) throws SQLException {
        return fixture.query(Side.LEGACY, Aggregate.CART, "SELECT product_id, quantity FROM cart_items WHERE cart_id = ?", cart).stream()
            .map(row -> row.get("product_id") + " x " + row.get("quantity")).toList();
    }

    private long legacyVersion(String cart) throws SQLException {
        return ((Number) fixture.query(Side.LEGACY, Aggregate.CART, "SELECT version FROM carts WHERE id = ?", cart).get(0).get("version"))
            .longValue();
    }

    private String cartWithItems(int offset) throws SQLException {
        return (String) fixture.query(Side.TARGET, Aggregate.CART, "SELECT cart_id FROM cart_items GROUP BY cart_id HAVING count(*) >= 2 "
            + "ORDER BY cart_id OFFSET ? LIMIT 1", offset).get(0).get("cart_id");
    }

    private static Future<Integer> sql(SqlConnection connection, String sql, Object... params) {
        return connection.preparedQuery(sql).execute(Tuple.from(params)).map(rows -> rows.rowCount());
    }
}
