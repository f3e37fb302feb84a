package dev.cartwright.order.migration;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cartwright.order.flags.FeatureFlags;
import dev.cartwright.order.flags.FlagSetting;
import dev.cartwright.order.flags.MigrationFlags;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** BACKFILL against real PostgreSQL: chunked, resumable, idempotent, exact. */
@ExtendWith(RealServices.class)
class BackfillIT {

    private static final LegacySampleData.Counts COUNTS = new LegacySampleData.Counts(400, 220, 180);

    @Test
    void aBackfillInterruptedMidwayAndResumedEndsExactlyLikeAnUninterruptedOne(PostgresInfo postgres) throws SQLException {
        MigrationFixture straight = new MigrationFixture(postgres, 50).backfillOn();
        MigrationFixture interrupted = new MigrationFixture(postgres, 50).backfillOn();
        LegacySampleData.Seeded seeded = straight.seed(7, COUNTS);
        interrupted.seed(7, COUNTS);
        assertThat(seeded.rows()).isGreaterThan(3_000);

        for (Aggregate aggregate : Aggregate.values()) {
            Backfill.Report all = straight.backfillAll(aggregate, 23);
            assertThat(all.outcome()).isEqualTo(Backfill.Outcome.FINISHED);
            assertThat(all.rejected()).isEmpty();

            Backfill.Report firstPart = interrupted.backfill().run(aggregate,
                new Backfill.Options(Backfill.Direction.TO_NEW, 23, 3, false));
            assertThat(firstPart.outcome()).isEqualTo(Backfill.Outcome.CHUNK_LIMIT);
            assertThat(firstPart.chunks()).isEqualTo(3);
            assertThat(firstPart.aggregatesCopied()).isEqualTo(69);
            // A new run (a new process, as after a crash) resumes after the checkpoint, not from the start.
            Backfill.Report rest = interrupted.backfillAll(aggregate, 23);
            assertThat(rest.outcome()).isEqualTo(Backfill.Outcome.FINISHED);
            assertThat(firstPart.aggregatesCopied() + rest.aggregatesCopied()).isEqualTo(all.aggregatesCopied());
            assertThat(firstPart.rowsChanged() + rest.rowsChanged()).isEqualTo(all.rowsChanged());
        }

        assertThat(interrupted.snapshots(Side.TARGET)).isEqualTo(straight.snapshots(Side.TARGET));
        assertThat(straight.snapshots(Side.TARGET)).isEqualTo(straight.snapshots(Side.LEGACY));
        assertThat(straight.count(Side.TARGET, Aggregate.CART, "cart_items")).isEqualTo(seeded.cartItems());
        assertThat(straight.count(Side.TARGET, Aggregate.RETURN, "return_status_history")).isEqualTo(seeded.returnHistory());
    }

    @Test
    void runningTheBackfillAgainWritesNothing(PostgresInfo postgres) throws SQLException {
        MigrationFixture fixture = new MigrationFixture(postgres, 100).backfillOn();
        fixture.seed(11, COUNTS);
        for (Aggregate aggregate : Aggregate.values()) {
            assertThat(fixture.backfillAll(aggregate, 64).rowsChanged()).isPositive();
        }
        Map<Aggregate, List<String>> before = fixture.snapshots(Side.TARGET);
        List<Map<String, List<String>>> versions = new ArrayList<>();
        for (Aggregate aggregate : Aggregate.values()) {
            versions.add(fixture.rowVersions(aggregate));
        }

        for (Aggregate aggregate : Aggregate.values()) {
            Backfill.Report again = fixture.backfillAll(aggregate, 64);
            assertThat(again.outcome()).isEqualTo(Backfill.Outcome.FINISHED);
            assertThat(again.rowsChanged()).isZero();
        }

        assertThat(fixture.snapshots(Side.TARGET)).isEqualTo(before);
        List<Map<String, List<String>>> after = new ArrayList<>();
        for (Aggregate aggregate : Aggregate.values()) {
            after.add(fixture.rowVersions(aggregate));
        }
        // Not one row version changed: the upserts left equal rows alone.
        assertThat(after).isEqualTo(versions);
        assertThat(fixture.query(Side.TARGET, Aggregate.CART, "SELECT pass FROM migration_checkpoints WHERE step = 'backfill' "
            + "AND table_name = 'carts'").get(0).get("pass")).isEqualTo(2);
    }

    @Test
    void moneyBecomesExactlyItsMinorUnits(PostgresInfo postgres) throws SQLException {
        MigrationFixture fixture = new MigrationFixture(postgres, 200).backfillOn();
        fixture.seed(13, COUNTS);
        // Random numeric(12,2) amounts over the whole range, and the edges, one cart item each.
        SplittableRandom random = new SplittableRandom(2024);
        List<BigDecimal> amounts = new ArrayList<>(List.of(new BigDecimal("0.00"), new BigDecimal("0.01"), new BigDecimal("0.10"),
            new BigDecimal("0.99"), new BigDecimal("1.00"), new BigDecimal("19.99"), new BigDecimal("1234567.89"),
            new BigDecimal("9999999999.99"), new BigDecimal("0.29"), new BigDecimal("0.57"), new BigDecimal("1.15")));
        while (amounts.size() < 2_000) {
            amounts.add(BigDecimal.valueOf(random.nextLong(0, 1_000_000_000_000L), 2));
        }
        try (Connection legacy = fixture.databases.legacy()) {
            legacy.setAutoCommit(false);
            try (PreparedStatement cart = legacy.prepareStatement("INSERT INTO carts (id, status, currency_code, created_at, updated_at) "
                     + "VALUES (?, 'ACTIVE', 'EUR', ?, ?)");
                 PreparedStatement item = legacy.prepareStatement("INSERT INTO cart_items (cart_id, product_id, quantity, unit_price, "
                     + "currency_code) VALUES (?, ?, 1, ?, 'EUR')")) {
                LocalDateTime at = LocalDateTime.of(2025, 6, 1, 12, 0);
                for (int i = 0; i < amounts.size(); i++) {
                    String id = String.format("money-%04d", i);
                    cart.setString(1, id);
                    cart.setObject(2, at);
                    cart.setObject(3, at);
                    cart.addBatch();
                    item.setString(1, id);
                    item.setString(2, "p" + i);
                    item.setBigDecimal(3, amounts.get(i));
                    item.addBatch();
                }
                cart.executeBatch();
                item.executeBatch();
            }
            legacy.commit();
        }

        assertThat(fixture.backfillAll(Aggregate.CART, 150).rejected()).isEmpty();

        Map<String, Object> minorById = new HashMap<>();
        fixture.query(Side.TARGET, Aggregate.CART, "SELECT cart_id, unit_price_minor FROM cart_items WHERE cart_id LIKE 'money-%'")
            .forEach(row -> minorById.put((String) row.get("cart_id"), row.get("unit_price_minor")));
        assertThat(minorById).hasSize(amounts.size());
        for (int i = 0; i < amounts.size(); i++) {
            assertThat(minorById.get(String.format("money-%04d", i))).as("minor units of %s", amounts.get(i))
                .isEqualTo(amounts.get(i).unscaledValue().longValueExact());
        }
        // And PostgreSQL's own arithmetic agrees for every item of every currency, JPY (no minor unit) included.
        String legacySchema = fixture.config.legacy().schema();
        List<Map<String, Object>> wrong = fixture.query(Side.TARGET, Aggregate.CART, "SELECT count(*) AS n, "
            + "count(*) FILTER (WHERE t.unit_price_minor <> l.unit_price * CASE l.currency_code WHEN 'JPY' THEN 1 ELSE 100 END) AS wrong "
            + "FROM cart_items t JOIN " + legacySchema + ".cart_items l ON l.cart_id = t.cart_id AND l.product_id = t.product_id");
        assertThat(wrong.get(0).get("wrong")).isEqualTo(0L);
        assertThat((Long) wrong.get(0).get("n")).isEqualTo(fixture.count(Side.LEGACY, Aggregate.CART, "cart_items"));
        assertThat(fixture.count(Side.LEGACY, Aggregate.CART, "cart_items where currency_code = 'JPY'")).isPositive();
    }

    @Test
    void anAggregateThatDoesNotConvertIsRejectedWholeAndTheRestMoves(PostgresInfo postgres) throws SQLException {
        MigrationFixture fixture = new MigrationFixture(postgres, 100).backfillOn();
        fixture.seed(17, COUNTS);
        String yenCart = (String) fixture.query(Side.LEGACY, Aggregate.CART,
            "SELECT cart_id FROM cart_items WHERE currency_code = 'JPY' ORDER BY cart_id LIMIT 1").get(0).get("cart_id");
        fixture.update(Side.LEGACY, Aggregate.CART, "UPDATE cart_items SET unit_price = 1500.50 WHERE cart_id = ?", yenCart);
        String oddReturn = (String) fixture.query(Side.LEGACY, Aggregate.RETURN,
            "SELECT id FROM return_requests ORDER BY id OFFSET 5 LIMIT 1").get(0).get("id");
        fixture.update(Side.LEGACY, Aggregate.RETURN, "UPDATE return_requests SET status = 'LOST_IN_POST' WHERE id = ?", oddReturn);

        Backfill.Report carts = fixture.backfillAll(Aggregate.CART, 40);
        Backfill.Report returns = fixture.backfillAll(Aggregate.RETURN, 40);

        assertThat(carts.rejected()).containsOnlyKeys(yenCart);
        assertThat(carts.rejected().get(yenCart)).contains("1500.50 JPY");
        assertThat(returns.rejected()).containsOnlyKeys(oddReturn);
        assertThat(returns.rejected().get(oddReturn)).contains("LOST_IN_POST");
        assertThat(fixture.query(Side.TARGET, Aggregate.CART, "SELECT count(*) AS n FROM carts WHERE cart_id = ?", yenCart).get(0).get("n"))
            .isEqualTo(0L);
        assertThat(fixture.count(Side.TARGET, Aggregate.CART, "carts")).isEqualTo(fixture.count(Side.LEGACY, Aggregate.CART, "carts") - 1);
        assertThat(fixture.query(Side.TARGET, Aggregate.CART, "SELECT root_key, reason FROM migration_rejects WHERE step = 'backfill'"))
            .extracting(row -> row.get("root_key")).containsExactly(yenCart);
        VerifyReport verify = fixture.verify(Aggregate.CART);
        assertThat(verify.mismatches()).hasSize(1);
        assertThat(verify.mismatches().get(0).unconvertible()).containsOnlyKeys(yenCart);

        // Fixed at the source, the next pass carries it over and clears the rejection.
        fixture.update(Side.LEGACY, Aggregate.CART, "UPDATE cart_items SET unit_price = 1500.00 WHERE cart_id = ?", yenCart);
        assertThat(fixture.backfillAll(Aggregate.CART, 40).rejected()).isEmpty();
        assertThat(fixture.query(Side.TARGET, Aggregate.CART, "SELECT count(*) AS n FROM migration_rejects").get(0).get("n")).isEqualTo(0L);
        assertThat(fixture.verify(Aggregate.CART).clean()).isTrue();
    }

    @Test
    void aDryRunCountsWhatItWouldWriteAndWritesNothing(PostgresInfo postgres) throws SQLException {
        MigrationFixture fixture = new MigrationFixture(postgres, 100).backfillOn();
        LegacySampleData.Seeded seeded = fixture.seed(19, COUNTS);

        Backfill.Report dry = fixture.backfill().run(Aggregate.CHECKOUT, new Backfill.Options(Backfill.Direction.TO_NEW, 30, 0, true));

        assertThat(dry.outcome()).isEqualTo(Backfill.Outcome.FINISHED);
        assertThat(dry.rowsChanged()).isEqualTo(seeded.checkouts() + seeded.checkoutAddresses());
        assertThat(fixture.count(Side.TARGET, Aggregate.CHECKOUT, "checkouts")).isZero();
        assertThat(fixture.count(Side.TARGET, Aggregate.CHECKOUT, "migration_checkpoints")).isZero();
    }

    @Test
    void switchingTheFlagOffStopsARunningBackfillAtTheNextChunkAndTheNextRunResumes(PostgresInfo postgres) throws SQLException {
        MigrationFixture fixture = new MigrationFixture(postgres, 100).backfillOn();
        fixture.seed(23, COUNTS);
        AtomicInteger reads = new AtomicInteger();
        // The flag is read once before the run and once before each chunk: it goes off after the fourth chunk.
        Backfill flipping = new Backfill(fixture.databases, () -> reads.incrementAndGet() <= 5
            ? fixture.flags.get() : fixture.flags.get().with(MigrationFlags.BACKFILL, FlagSetting.OFF), MigrationFixture.CLOCK);

        Backfill.Report stopped = flipping.run(Aggregate.CART, new Backfill.Options(Backfill.Direction.TO_NEW, 25, 0, false));

        assertThat(stopped.outcome()).isEqualTo(Backfill.Outcome.STOPPED);
        assertThat(stopped.refusal()).contains(MigrationFlags.BACKFILL + " is off");
        assertThat(stopped.chunks()).isEqualTo(4);
        assertThat(fixture.count(Side.TARGET, Aggregate.CART, "carts")).isEqualTo(100);
        Backfill.Report resumed = fixture.backfillAll(Aggregate.CART, 25);
        assertThat(resumed.outcome()).isEqualTo(Backfill.Outcome.FINISHED);
        assertThat(resumed.aggregatesCopied()).isEqualTo(300);
        assertThat(fixture.verify(Aggregate.CART).clean()).isTrue();
    }

    @Test
    void copyingFromOrderDbIsRefusedOnceTheNewDatabasesArePrimaryWithoutTheMirror(PostgresInfo postgres) throws SQLException {
        MigrationFixture fixture = new MigrationFixture(postgres, 100).backfillOn();
        fixture.seed(29, new LegacySampleData.Counts(20, 10, 10));
        fixture.set(MigrationFlags.READ_SWITCH, "50%");

        Backfill.Report refused = fixture.backfillAll(Aggregate.CART, 10);
        FeatureFlags allOff = new FeatureFlags(Map.of(MigrationFlags.BACKFILL, FlagSetting.OFF, MigrationFlags.DUAL_WRITE, FlagSetting.OFF,
            MigrationFlags.VERIFY, FlagSetting.ON, MigrationFlags.READ_SWITCH, FlagSetting.OFF, MigrationFlags.CLEANUP, FlagSetting.OFF));
        Backfill.Report flagOff = new Backfill(fixture.databases, () -> allOff, MigrationFixture.CLOCK)
            .run(Aggregate.CART, new Backfill.Options(Backfill.Direction.TO_NEW, 10, 0, false));
        FeatureFlags orderDbPrimary = fixture.flags.get().with(MigrationFlags.READ_SWITCH, FlagSetting.OFF);
        Backfill.Report backwardsWhileOrderDbIsPrimary = new Backfill(fixture.databases, () -> orderDbPrimary, MigrationFixture.CLOCK)
            .run(Aggregate.CART, new Backfill.Options(Backfill.Direction.TO_LEGACY, 10, 0, false));

        assertThat(refused.outcome()).isEqualTo(Backfill.Outcome.REFUSED);
        assertThat(refused.refusal().orElseThrow()).contains("order_db is behind");
        assertThat(flagOff.outcome()).isEqualTo(Backfill.Outcome.REFUSED);
        assertThat(backwardsWhileOrderDbIsPrimary.outcome()).isEqualTo(Backfill.Outcome.REFUSED);
        assertThat(fixture.count(Side.TARGET, Aggregate.CART, "carts")).isZero();
    }

    @Test
    void copyingBackBringsOrderDbUpToDateWithWhatOnlyTheNewDatabasesHave(PostgresInfo postgres) throws SQLException {
        MigrationFixture fixture = new MigrationFixture(postgres, 100).backfillOn();
        fixture.seed(31, COUNTS);
        for (Aggregate aggregate : Aggregate.values()) {
            fixture.backfillAll(aggregate, 50);
        }
        // Reads and writes moved to the new databases with dual-write off: order_db falls behind.
        fixture.set(MigrationFlags.READ_SWITCH, "100%");
        String cart = (String) fixture.query(Side.TARGET, Aggregate.CART,
            "SELECT cart_id FROM cart_items WHERE currency = 'USD' ORDER BY cart_id LIMIT 1").get(0).get("cart_id");
        fixture.update(Side.TARGET, Aggregate.CART,
            "UPDATE cart_items SET quantity = quantity + 1, unit_price_minor = 4242 WHERE cart_id = ?", cart);
        fixture.update(Side.TARGET, Aggregate.CART, "DELETE FROM cart_promotions WHERE cart_id IN (SELECT cart_id FROM cart_promotions "
            + "ORDER BY cart_id LIMIT 3)");
        fixture.update(Side.TARGET, Aggregate.RETURN, "UPDATE return_requests SET status = 'cancelled', note = 'changed → my mind' "
            + "WHERE return_id = (SELECT min(return_id) FROM return_requests)");
        assertThat(fixture.verify(Aggregate.CART).clean()).isFalse();
        // The way back: dual-write goes on first, so every service write from now on is mirrored, then the copy back
        // catches order_db up with the rest.
        fixture.set(MigrationFlags.DUAL_WRITE, "on");

        for (Aggregate aggregate : Aggregate.values()) {
            Backfill.Report back = fixture.backfill().run(aggregate, new Backfill.Options(Backfill.Direction.TO_LEGACY, 45, 0, false));
            assertThat(back.outcome()).isEqualTo(Backfill.Outcome.FINISHED);
            assertThat(back.rejected()).isEmpty();
        }

        for (Aggregate aggregate : Aggregate.values()) {
            assertThat(fixture.verify(aggregate).clean()).as("%s after copying back", aggregate).isTrue();
        }
        assertThat(fixture.query(Side.LEGACY, Aggregate.CART, "SELECT DISTINCT unit_price FROM cart_items WHERE cart_id = ?", cart))
            .extracting(row -> row.get("unit_price")).containsExactly(new BigDecimal("42.42"));
    }
}
