package dev.cartwright.order.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cartwright.order.flags.MigrationFlags;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A copy running beside live writers, against real PostgreSQL: whatever a writer commits between the copy's read and its
 * write (a service writing the new database, the monolith writing order_db) is never overwritten by the older copy, and
 * rows it re-created are never deleted.
 */
@ExtendWith(RealServices.class)
class NewerWriteSurvivesIT {

    private static final LegacySampleData.Counts COUNTS = new LegacySampleData.Counts(60, 10, 10);
    private static final OffsetDateTime LATER = OffsetDateTime.of(2026, 3, 1, 12, 30, 0, 0, ZoneOffset.UTC);

    @Test
    void aServiceWriteBetweenTheBackfillsReadAndItsWriteSurvives(PostgresInfo postgres) throws SQLException {
        MigrationFixture fixture = new MigrationFixture(postgres, 100).backfillOn();
        fixture.seed(71, COUNTS);
        fixture.backfillAll(Aggregate.CART, 20);
        String cart = cartWithItems(fixture, Side.TARGET);
        long version = version(fixture, Side.TARGET, cart);
        String kept = firstItem(fixture, cart);
        Object keptQuantity = fixture.query(Side.TARGET, Aggregate.CART, "SELECT quantity FROM cart_items WHERE cart_id = ? "
            + "AND product_id = ?", cart, kept).get(0).get("quantity");
        String other = (String) fixture.query(Side.TARGET, Aggregate.CART, "SELECT min(cart_id) AS c FROM cart_items WHERE cart_id <> ?",
            cart).get(0).get("c");
        fixture.update(Side.LEGACY, Aggregate.CART, "UPDATE cart_items SET quantity = 5 WHERE cart_id = ?", other);
        // The monolith changed the cart after the first pass, so the next pass has something to copy.
        fixture.update(Side.LEGACY, Aggregate.CART, "UPDATE cart_items SET quantity = 5 WHERE cart_id = ?", cart);

        Backfill.BetweenReadAndWrite serviceWrites = (aggregate, direction, roots) -> {
            if (roots.contains(cart)) {
                // As the Checkout Service's write-behind does: the header moves forward, the lines are replaced.
                inOneTransaction(fixture, Side.TARGET,
                    "UPDATE carts SET version = version + 1, updated_at = '" + LATER + "', region = 'US-NY' WHERE cart_id = '" + cart + "'",
                    "DELETE FROM cart_items WHERE cart_id = '" + cart + "' AND product_id <> '" + kept + "'",
                    "INSERT INTO cart_items (cart_id, product_id, name, quantity, unit_price_minor, currency, added_at) "
                        + "SELECT cart_id, 'live-added', 'Added meanwhile', 2, 250, currency, '" + LATER + "' FROM carts WHERE cart_id = '"
                        + cart + "'");
            }
        };
        Backfill.Report pass = new Backfill(fixture.databases, fixture.flagSupplier(), MigrationFixture.CLOCK, serviceWrites)
            .run(Aggregate.CART, new Backfill.Options(Backfill.Direction.TO_NEW, 20, 0, false));

        assertThat(pass.outcome()).isEqualTo(Backfill.Outcome.FINISHED);
        assertThat(version(fixture, Side.TARGET, cart)).isEqualTo(version + 1);
        assertThat(fixture.query(Side.TARGET, Aggregate.CART, "SELECT region FROM carts WHERE cart_id = ?", cart))
            .extracting(row -> row.get("region")).containsExactly("US-NY");
        assertThat(fixture.query(Side.TARGET, Aggregate.CART, "SELECT product_id, quantity FROM cart_items WHERE cart_id = ? "
            + "ORDER BY product_id", cart)).extracting(row -> row.get("product_id") + " x " + row.get("quantity"))
            .containsExactlyInAnyOrder(kept + " x " + keptQuantity, "live-added x 2");
        assertThat(pass.keptNewer()).containsExactly(cart);
        assertThat(pass.describe()).contains("kept (newer in checkout_db/return_db) [" + cart + "]");
        // The monolith's change to another cart in the same pass was copied as usual.
        assertThat(fixture.query(Side.TARGET, Aggregate.CART, "SELECT DISTINCT quantity FROM cart_items WHERE cart_id = ?", other))
            .extracting(row -> row.get("quantity")).containsExactly(5);
    }

    @Test
    void aMonolithWriteBetweenTheCopyBacksReadAndItsWriteSurvives(PostgresInfo postgres) throws SQLException {
        MigrationFixture fixture = new MigrationFixture(postgres, 100).backfillOn();
        fixture.seed(73, COUNTS);
        fixture.backfillAll(Aggregate.CART, 20);
        fixture.set(MigrationFlags.DUAL_WRITE, "on");
        String cart = cartWithItems(fixture, Side.LEGACY);
        long version = version(fixture, Side.LEGACY, cart);
        List<String> items = legacyItems(fixture, cart);
        // The new database is ahead for this cart, so the copy back wants to write it.
        fixture.update(Side.TARGET, Aggregate.CART, "UPDATE carts SET version = version + 1 WHERE cart_id = ?", cart);
        fixture.update(Side.TARGET, Aggregate.CART, "UPDATE cart_items SET quantity = 3 WHERE cart_id = ?", cart);

        Backfill.BetweenReadAndWrite monolithWrites = (aggregate, direction, roots) -> {
            if (roots.contains(cart)) {
                inOneTransaction(fixture, Side.LEGACY,
                    "UPDATE carts SET version = version + 2, updated_at = '" + LATER.toLocalDateTime() + "', status = 'ABANDONED', "
                        + "abandoned_at = '" + LATER.toLocalDateTime() + "' WHERE id = '" + cart + "'",
                    "INSERT INTO cart_items (cart_id, product_id, quantity, unit_price, currency_code) "
                        + "SELECT id, 'monolith-added', 1, 1.00, currency_code FROM carts WHERE id = '" + cart + "'");
            }
        };
        Backfill.Report back = new Backfill(fixture.databases, fixture.flagSupplier(), MigrationFixture.CLOCK, monolithWrites)
            .run(Aggregate.CART, new Backfill.Options(Backfill.Direction.TO_LEGACY, 20, 0, false));

        assertThat(back.outcome()).isEqualTo(Backfill.Outcome.FINISHED);
        assertThat(back.keptNewer()).containsExactly(cart);
        assertThat(version(fixture, Side.LEGACY, cart)).isEqualTo(version + 2);
        assertThat(fixture.query(Side.LEGACY, Aggregate.CART, "SELECT status, updated_at FROM carts WHERE id = ?", cart))
            .singleElement().satisfies(row -> {
                assertThat(row.get("status")).isEqualTo("ABANDONED");
                assertThat(row.get("updated_at")).isEqualTo(LATER.toLocalDateTime());
            });
        List<String> expected = new ArrayList<>(items);
        expected.add("monolith-added x 1");
        assertThat(legacyItems(fixture, cart)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void writesCommittedWhileBackfillPassesRunAreNeverUndone(PostgresInfo postgres) throws Exception {
        MigrationFixture fixture = new MigrationFixture(postgres, 100).backfillOn();
        fixture.seed(79, COUNTS);
        fixture.backfillAll(Aggregate.CART, 7);
        List<String> carts = new ArrayList<>();
        fixture.query(Side.TARGET, Aggregate.CART, "SELECT cart_id FROM cart_items GROUP BY cart_id ORDER BY cart_id LIMIT 25")
            .forEach(row -> carts.add((String) row.get("cart_id")));
        // Every cart differs from order_db from the start, so every chunk of every pass has something to write.
        fixture.update(Side.LEGACY, Aggregate.CART, "UPDATE cart_items SET quantity = quantity % 900 + 1");
        Map<String, long[]> lastWritten = new ConcurrentHashMap<>();
        AtomicBoolean backfilling = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();

        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            SplittableRandom random = new SplittableRandom(5);
            try (Connection target = fixture.databases.target(Aggregate.CART)) {
                target.setAutoCommit(false);
                // Keeps writing until the passes are over, and at least 300 times.
                while (backfilling.get() || writes.get() < 300) {
                    String cart = carts.get(random.nextInt(carts.size()));
                    int quantity = random.nextInt(1, 999);
                    Object version = JdbcRows.query(target, "UPDATE carts SET version = version + 1, updated_at = updated_at + "
                        + "interval '1 second' WHERE cart_id = ? RETURNING version", List.of(cart)).get(0).get("version");
                    JdbcRows.update(target, "UPDATE cart_items SET quantity = ? WHERE cart_id = ?", List.of(quantity, cart));
                    target.commit();
                    lastWritten.put(cart, new long[] {(Long) version, quantity});
                    writes.incrementAndGet();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            for (int pass = 0; pass < 4; pass++) {
                Backfill.Report report = fixture.backfillAll(Aggregate.CART, 3);
                assertThat(report.outcome()).isEqualTo(Backfill.Outcome.FINISHED);
            }
        } finally {
            backfilling.set(false);
        }
        writer.get(120, TimeUnit.SECONDS);

        assertThat(lastWritten).isNotEmpty();
        for (Map.Entry<String, long[]> written : lastWritten.entrySet()) {
            String cart = written.getKey();
            assertThat(version(fixture, Side.TARGET, cart)).as("version of %s", cart).isEqualTo(written.getValue()[0]);
            assertThat(fixture.query(Side.TARGET, Aggregate.CART, "SELECT DISTINCT quantity FROM cart_items WHERE cart_id = ?", cart))
                .as("quantities of %s", cart).extracting(row -> ((Number) row.get("quantity")).longValue())
                .containsExactly(written.getValue()[1]);
        }
    }

    @Test
    void copyingEitherWayIsRefusedWhileTheServicesWriteWithoutTheDualWriter(PostgresInfo postgres) throws SQLException {
        MigrationFixture fixture = new MigrationFixture(postgres, 100).backfillOn();
        fixture.seed(83, COUNTS);
        fixture.backfillAll(Aggregate.CART, 20);
        // Reads moved to the new databases and dual-write is off: the services write there and nothing is mirrored.
        fixture.set(MigrationFlags.READ_SWITCH, "100%");
        String cart = cartWithItems(fixture, Side.TARGET);
        fixture.update(Side.TARGET, Aggregate.CART, "UPDATE carts SET version = version + 1, region = 'US-NY' WHERE cart_id = ?", cart);

        Backfill.Report back = fixture.backfill().run(Aggregate.CART, new Backfill.Options(Backfill.Direction.TO_LEGACY, 20, 0, false));
        Backfill.Report forward = fixture.backfillAll(Aggregate.CART, 20);

        assertThat(back.outcome()).isEqualTo(Backfill.Outcome.REFUSED);
        assertThat(back.refusal().orElseThrow()).contains("without the dual-writer").contains("switch migration.dual_write on first");
        assertThat(forward.outcome()).isEqualTo(Backfill.Outcome.REFUSED);
        assertThat(forward.refusal().orElseThrow()).contains("without the dual-writer");
        assertThat(fixture.query(Side.LEGACY, Aggregate.CART, "SELECT region_code FROM carts WHERE id = ?", cart))
            .extracting(row -> row.get("region_code")).doesNotContain("US-NY");
    }

    private static void inOneTransaction(MigrationFixture fixture, Side side, String... statements) throws SQLException {
        try (Connection connection = side == Side.LEGACY ? fixture.databases.legacy() : fixture.databases.target(Aggregate.CART)) {
            connection.setAutoCommit(false);
            for (String statement : statements) {
                JdbcRows.update(connection, statement, List.of());
            }
            connection.commit();
        }
    }

    private static String cartWithItems(MigrationFixture fixture, Side side) throws SQLException {
        return (String) fixture.query(side, Aggregate.CART, "SELECT cart_id FROM cart_items GROUP BY cart_id HAVING count(*) >= 3 "
            + "ORDER BY cart_id OFFSET 2 LIMIT 1").get(0).get("cart_id");
    }

    private static List<String> legacyItems(MigrationFixture fixture, String cart) throws SQLException {
        List<String> items = new ArrayList<>();
        fixture.query(Side.LEGACY, Aggregate.CART, "SELECT product_id, quantity FROM cart_items WHERE cart_id = ?", cart)
            .forEach(row -> items.add(row.get("product_id") + " x " + row.get("quantity")));
        return items;
    }

    private static String firstItem(MigrationFixture fixture, String cart) throws SQLException {
        return (String) fixture.query(Side.TARGET, Aggregate.CART, "SELECT min(product_id) AS p FROM cart_items WHERE cart_id = ?", cart)
            .get(0).get("p");
    }

    private static long version(MigrationFixture fixture, Side side, String cart) throws SQLException {
        String sql = side == Side.LEGACY ? "SELECT version FROM carts WHERE id = ?" : "SELECT version FROM carts WHERE cart_id = ?";
        return ((Number) fixture.query(side, Aggregate.CART, sql, cart).get(0).get("version")).longValue();
    }
}
