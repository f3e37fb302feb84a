package dev.cartwright.order.migration;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.cartwright.order.flags.MigrationFlags;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;

import io.vertx.core.Future;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** DUAL_WRITE against real PostgreSQL through the reactive client: the new database first, order_db mirrored. */
@ExtendWith(RealServices.class)
class DualWriteIT {

    private static final OffsetDateTime NOW = OffsetDateTime.of(2026, 3, 1, 12, 0, 0, 123_456_000, ZoneOffset.UTC);

    private MigrationFixture fixture;
    private OnVertx on;
    private Pool checkoutDb;
    private Pool returnDb;
    private Pool orderDb;
    private DualWriter carts;

    @BeforeEach
    void backfilledWithDualWriteOn(PostgresInfo postgres) throws SQLException {
        fixture = new MigrationFixture(postgres, 50).backfillOn();
        fixture.seed(61, new LegacySampleData.Counts(80, 30, 40));
        for (Aggregate aggregate : Aggregate.values()) {
            fixture.backfillAll(aggregate, 50);
        }
        fixture.set(MigrationFlags.DUAL_WRITE, "on");
        on = new OnVertx();
        checkoutDb = fixture.pool(on.vertx, fixture.config.checkout());
        returnDb = fixture.pool(on.vertx, fixture.config.returns());
        orderDb = fixture.pool(on.vertx, fixture.config.legacy());
        carts = new DualWriter(checkoutDb, orderDb, fixture.flagSupplier(), MigrationFixture.CLOCK);
    }

    @AfterEach
    void close() throws Exception {
        on.close();
    }

    @Test
    void aNewCartIsWrittenToTheNewDatabaseAndMirroredToOrderDbInItsOwnShape() throws SQLException {
        DualWriteResult<Integer> result = on.await(() -> carts.write(Aggregate.CART, "cart-new-1", connection -> sql(connection,
            "INSERT INTO carts (cart_id, customer_id, status, currency, version, created_at, updated_at, last_activity_at) "
                + "VALUES ($1, 'cust-new', 'active', 'USD', 1, $2, $2, $2)", "cart-new-1", NOW)
            .compose(n -> sql(connection, "INSERT INTO cart_items "
                + "(cart_id, product_id, name, quantity, unit_price_minor, currency, added_at) "
                + "VALUES ($1, '456', 'Crème brûlée set', 2, 1299, 'USD', $2), ($1, '457', NULL, 1, 5, 'USD', $2)", "cart-new-1", NOW))
            .compose(n -> sql(connection, "INSERT INTO cart_promotions (cart_id, code, applied_at) VALUES ($1, 'SAVE10', $2)",
                "cart-new-1", NOW))));

        assertThat(result.value()).isEqualTo(1);
        assertThat(result.mirror()).isEqualTo(new MirrorOutcome.Mirrored(4));
        List<Map<String, Object>> legacyCart = fixture.query(Side.LEGACY, Aggregate.CART,
            "SELECT status, currency_code, version, customer_id, created_at FROM carts WHERE id = 'cart-new-1'");
        assertThat(legacyCart).singleElement().satisfies(row -> {
            assertThat(row.get("status")).isEqualTo("ACTIVE");
            assertThat(row.get("currency_code")).isEqualTo("USD");
            assertThat(row.get("version")).isEqualTo(1);
            assertThat(row.get("created_at")).isEqualTo(NOW.toLocalDateTime());
        });
        assertThat(fixture.query(Side.LEGACY, Aggregate.CART,
            "SELECT unit_price, product_name FROM cart_items WHERE cart_id = 'cart-new-1' ORDER BY product_id"))
            .extracting(row -> row.get("unit_price"), row -> row.get("product_name"))
            .containsExactly(tuple(new BigDecimal("12.99"), "Crème brûlée set"), tuple(new BigDecimal("0.05"), null));
        assertThat(fixture.count(Side.TARGET, Aggregate.CART, "legacy_mirror_queue")).isZero();
        assertThat(fixture.verify(Aggregate.CART).clean()).isTrue();
    }

    @Test
    void changedAndRemovedRowsAndWholeDeletedAggregatesAreMirrored() throws SQLException {
        List<String> two = cartsWithItems(2);
        String changed = two.get(0);
        String deleted = two.get(1);

        MirrorOutcome changeMirror = on.await(() -> carts.write(Aggregate.CART, changed, connection -> sql(connection,
            "DELETE FROM cart_items WHERE cart_id = $1 AND product_id = (SELECT max(product_id) FROM cart_items WHERE cart_id = $1)",
            changed)
            .compose(n -> sql(connection, "UPDATE cart_items SET quantity = 7 WHERE cart_id = $1", changed))
            .compose(n -> sql(connection, "UPDATE carts SET version = version + 1, updated_at = $2 WHERE cart_id = $1", changed, NOW))))
            .mirror();
        MirrorOutcome deleteMirror = on.await(() -> carts.write(Aggregate.CART, deleted, connection -> sql(connection,
            "DELETE FROM cart_promotions WHERE cart_id = $1", deleted)
            .compose(n -> sql(connection, "DELETE FROM cart_items WHERE cart_id = $1", deleted))
            .compose(n -> sql(connection, "DELETE FROM carts WHERE cart_id = $1", deleted)))).mirror();

        assertThat(changeMirror).isInstanceOf(MirrorOutcome.Mirrored.class);
        assertThat(deleteMirror).isInstanceOf(MirrorOutcome.Mirrored.class);
        assertThat(fixture.query(Side.LEGACY, Aggregate.CART, "SELECT DISTINCT quantity FROM cart_items WHERE cart_id = ?", changed))
            .extracting(row -> row.get("quantity")).containsExactly(7);
        String items = "SELECT count(*) AS n FROM cart_items WHERE cart_id = ?";
        assertThat(fixture.query(Side.LEGACY, Aggregate.CART, items, changed).get(0).get("n"))
            .isEqualTo(fixture.query(Side.TARGET, Aggregate.CART, items, changed).get(0).get("n"));
        assertThat(fixture.query(Side.LEGACY, Aggregate.CART, "SELECT count(*) AS n FROM carts WHERE id = ?", deleted).get(0).get("n"))
            .isEqualTo(0L);
        assertThat(fixture.verify(Aggregate.CART).clean()).isTrue();
    }

    @Test
    void whenOrderDbIsDownTheWriteStandsTheMirrorWaitsAndTheRepairCatchesUp() throws Exception {
        String cart = cartsWithItems(1).get(0);
        DualWriter cut = new DualWriter(checkoutDb, unreachable(), fixture.flagSupplier(), MigrationFixture.CLOCK);

        DualWriteResult<Integer> result = on.await(() -> cut.write(Aggregate.CART, cart, connection -> sql(connection,
            "UPDATE cart_items SET quantity = 42 WHERE cart_id = $1", cart)));

        assertThat(result.value()).isPositive();
        assertThat(result.mirror()).isInstanceOf(MirrorOutcome.Deferred.class);
        assertThat(fixture.query(Side.TARGET, Aggregate.CART, "SELECT DISTINCT quantity FROM cart_items WHERE cart_id = ?", cart))
            .extracting(row -> row.get("quantity")).containsExactly(42);
        List<Map<String, Object>> queued = fixture.query(Side.TARGET, Aggregate.CART,
            "SELECT attempts, last_error FROM legacy_mirror_queue WHERE aggregate = 'cart' AND aggregate_id = ?", cart);
        assertThat(queued).singleElement().satisfies(row -> {
            assertThat(row.get("attempts")).isEqualTo(1);
            assertThat((String) row.get("last_error")).isNotBlank();
        });
        assertThat(fixture.verify(Aggregate.CART).mismatches()).singleElement()
            .satisfies(m -> assertThat(m.pendingMirror()).containsExactly(cart));

        DualWriter.RepairReport repaired = on.await(() -> carts.repairPending(100));

        assertThat(repaired.mirrored()).isEqualTo(1);
        assertThat(repaired.stillPending()).isZero();
        assertThat(fixture.count(Side.TARGET, Aggregate.CART, "legacy_mirror_queue")).isZero();
        assertThat(fixture.query(Side.LEGACY, Aggregate.CART, "SELECT DISTINCT quantity FROM cart_items WHERE cart_id = ?", cart))
            .extracting(row -> row.get("quantity")).containsExactly(42);
        assertThat(fixture.verify(Aggregate.CART).clean()).isTrue();
    }

    @Test
    void aBackfillLeavesAnAggregateWithAPendingMirrorAlone() throws Exception {
        String cart = cartsWithItems(1).get(0);
        DualWriter cut = new DualWriter(checkoutDb, unreachable(), fixture.flagSupplier(), MigrationFixture.CLOCK);
        on.await(() -> cut.write(Aggregate.CART, cart, connection -> sql(connection,
            "UPDATE cart_items SET quantity = 9 WHERE cart_id = $1", cart)));

        Backfill.Report backfill = fixture.backfillAll(Aggregate.CART, 50);

        assertThat(backfill.outcome()).isEqualTo(Backfill.Outcome.FINISHED);
        assertThat(backfill.skippedPendingMirror()).containsExactly(cart);
        // order_db's older rows did not overwrite the newer ones.
        assertThat(fixture.query(Side.TARGET, Aggregate.CART, "SELECT DISTINCT quantity FROM cart_items WHERE cart_id = ?", cart))
            .extracting(row -> row.get("quantity")).containsExactly(9);
        on.await(() -> carts.repairPending(10));
        assertThat(fixture.verify(Aggregate.CART).clean()).isTrue();
    }

    @Test
    void withDualWriteOffOnlyTheNewDatabaseIsWrittenAndNothingIsQueued() throws SQLException {
        fixture.set(MigrationFlags.DUAL_WRITE, "off", MigrationFlags.READ_SWITCH, "100%");
        String cart = cartsWithItems(1).get(0);

        DualWriteResult<Integer> result = on.await(() -> carts.write(Aggregate.CART, cart, connection -> sql(connection,
            "UPDATE cart_items SET quantity = 3 WHERE cart_id = $1", cart)));

        assertThat(result.mirror()).isInstanceOf(MirrorOutcome.NotMirrored.class);
        assertThat(fixture.count(Side.TARGET, Aggregate.CART, "legacy_mirror_queue")).isZero();
        assertThat(fixture.verify(Aggregate.CART).mismatches()).singleElement()
            .satisfies(m -> assertThat(m.differingRoots()).containsExactly(cart));
        DualWriter.RepairReport nothingToDo = on.await(() -> carts.repairPending(10));
        assertThat(nothingToDo.mirrored()).isZero();
    }

    @Test
    void aFailedPrimaryWriteLeavesNothingBehind() throws SQLException {
        Throwable failure = on.failure(() -> carts.write(Aggregate.CART, "cart-bad", connection -> sql(connection,
            "INSERT INTO carts (cart_id, status, currency, version) VALUES ('cart-bad', 'bogus', 'USD', 1)")));

        assertThat(failure).hasMessageContaining("carts_status_check");
        assertThat(fixture.count(Side.TARGET, Aggregate.CART, "legacy_mirror_queue")).isZero();
        assertThat(fixture.query(Side.LEGACY, Aggregate.CART, "SELECT count(*) AS n FROM carts WHERE id = 'cart-bad'").get(0).get("n"))
            .isEqualTo(0L);
    }

    @Test
    void returnAmountsAreMirroredInTheReturnsCurrencyAndWhatOrderDbCannotHoldIsDeferredNotRounded() throws SQLException {
        DualWriter returns = new DualWriter(returnDb, orderDb, fixture.flagSupplier(), MigrationFixture.CLOCK);

        MirrorOutcome euros = on.await(() -> returns.write(Aggregate.RETURN, "ret-eur",
            connection -> newReturn(connection, "ret-eur", "EUR", 1234))).mirror();
        MirrorOutcome dinars = on.await(() -> returns.write(Aggregate.RETURN, "ret-kwd",
            connection -> newReturn(connection, "ret-kwd", "KWD", 1234))).mirror();

        assertThat(euros).isInstanceOf(MirrorOutcome.Mirrored.class);
        assertThat(fixture.query(Side.LEGACY, Aggregate.RETURN,
            "SELECT refund_amount FROM return_items WHERE return_request_id = 'ret-eur'"))
            .extracting(row -> row.get("refund_amount")).containsExactly(new BigDecimal("12.34"));
        assertThat(dinars).isInstanceOf(MirrorOutcome.Deferred.class);
        assertThat(((MirrorOutcome.Deferred) dinars).error()).contains("1234 minor units of KWD (1.234) do not fit");
        assertThat(fixture.query(Side.TARGET, Aggregate.RETURN, "SELECT count(*) AS n FROM return_requests WHERE return_id = 'ret-kwd'")
            .get(0).get("n")).isEqualTo(1L);
        assertThat(fixture.query(Side.LEGACY, Aggregate.RETURN, "SELECT count(*) AS n FROM return_requests WHERE id = 'ret-kwd'")
            .get(0).get("n")).isEqualTo(0L);
    }

    @Test
    void concurrentWritesToOneCartLeaveOrderDbEqualToTheNewDatabase() throws SQLException {
        String cart = cartsWithItems(1).get(0);
        List<Future<DualWriteResult<Integer>>> writes = new ArrayList<>();

        on.await(() -> {
            for (int i = 0; i < 25; i++) {
                writes.add(carts.write(Aggregate.CART, cart, connection -> sql(connection,
                    "UPDATE cart_items SET quantity = quantity % 900 + 1 WHERE cart_id = $1", cart)
                    .compose(n -> sql(connection, "UPDATE carts SET version = version + 1 WHERE cart_id = $1", cart))));
            }
            return Future.all(writes);
        });

        assertThat(writes).allMatch(w -> w.result().mirror() instanceof MirrorOutcome.Mirrored);
        assertThat(fixture.count(Side.TARGET, Aggregate.CART, "legacy_mirror_queue")).isZero();
        assertThat(fixture.verify(Aggregate.CART).clean()).isTrue();
    }

    private static Future<Integer> newReturn(SqlConnection connection, String id, String currency, long refundMinor) {
        return sql(connection, "INSERT INTO return_requests (return_id, order_id, customer_id, status, resolution, currency, "
            + "refund_estimate_minor, version, created_at, updated_at) "
            + "VALUES ($1, 'ord-9', 'cust-9', 'approved', 'refund', $2, $3, 1, $4, $4)",
            id, currency, refundMinor, NOW)
            .compose(n -> sql(connection, "INSERT INTO return_items (return_id, order_item_id, product_id, quantity, reason, "
                + "refund_amount_minor) VALUES ($1, '1', '456', 1, 'defective', $2)", id, refundMinor))
            .compose(n -> sql(connection, "INSERT INTO return_status_history (return_id, from_status, to_status, actor, at) "
                + "VALUES ($1, NULL, 'requested', 'customer', $2)", id, NOW));
    }

    private static Future<Integer> sql(SqlConnection connection, String sql, Object... params) {
        return connection.preparedQuery(sql).execute(Tuple.from(params)).map(rows -> rows.rowCount());
    }

    private List<String> cartsWithItems(int count) throws SQLException {
        List<String> ids = new ArrayList<>();
        for (Map<String, Object> row : fixture.query(Side.TARGET, Aggregate.CART, "SELECT cart_id FROM cart_items GROUP BY cart_id "
            + "HAVING count(*) >= 2 ORDER BY cart_id LIMIT ?", count)) {
            ids.add((String) row.get("cart_id"));
        }
        return ids;
    }

    /** A pool to a port where nothing listens: order_db down. */
    private Pool unreachable() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        PgConnectOptions connect = new PgConnectOptions().setHost("127.0.0.1").setPort(port).setUser("postgres").setDatabase("none");
        return PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(connect).using(on.vertx).build();
    }
}
