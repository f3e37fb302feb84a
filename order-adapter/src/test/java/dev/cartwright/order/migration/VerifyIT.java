package dev.cartwright.order.migration;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import dev.cartwright.order.flags.MigrationFlags;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** VERIFY against real PostgreSQL: clean after a backfill, and exactly the chunk that differs when something does. */
@ExtendWith(RealServices.class)
class VerifyIT {

    private static final int CHUNK = 40;

    private MigrationFixture fixture;
    private LegacySampleData.Seeded seeded;

    @BeforeEach
    void backfilled(PostgresInfo postgres) throws SQLException {
        fixture = new MigrationFixture(postgres, CHUNK).backfillOn();
        seeded = fixture.seed(41, new LegacySampleData.Counts(300, 160, 140));
        for (Aggregate aggregate : Aggregate.values()) {
            assertThat(fixture.backfillAll(aggregate, 70).rejected()).isEmpty();
        }
    }

    @Test
    void aCompleteBackfillVerifiesCleanWithEqualCountsOnBothSides() throws SQLException {
        VerifyReport carts = fixture.verify(Aggregate.CART);
        VerifyReport checkouts = fixture.verify(Aggregate.CHECKOUT);
        VerifyReport returns = fixture.verify(Aggregate.RETURN);

        assertThat(List.of(carts, checkouts, returns)).allMatch(VerifyReport::clean);
        assertThat(carts.legacyRows()).isEqualTo(seeded.carts() + seeded.cartItems() + seeded.cartPromotions())
            .isEqualTo(carts.targetRows());
        assertThat(checkouts.targetRows()).isEqualTo(seeded.checkouts() + seeded.checkoutAddresses());
        assertThat(returns.targetRows()).isEqualTo(seeded.returns() + seeded.returnItems() + seeded.returnHistory() + seeded.returnRefunds()
            + seeded.returnShipping());
        // 300 carts in chunks of 40: seven full ranges and an open-ended last one.
        assertThat(carts.chunks()).isEqualTo(8);
        assertThat(fixture.query(Side.TARGET, Aggregate.CART, "SELECT clean FROM migration_verify_runs WHERE table_name = 'carts'"))
            .extracting(row -> row.get("clean")).containsExactly(true);
    }

    @Test
    void oneCorruptedRowInTheNewDatabaseIsReportedAsExactlyItsChunk() throws SQLException {
        String cart = rootWithItems(117);
        fixture.update(Side.TARGET, Aggregate.CART, "UPDATE cart_items SET quantity = quantity + 1 "
            + "WHERE (cart_id, product_id) = (SELECT cart_id, product_id FROM cart_items WHERE cart_id = ? LIMIT 1)", cart);

        VerifyReport report = fixture.verify(Aggregate.CART);

        assertThat(report.clean()).isFalse();
        assertThat(report.mismatches()).hasSize(1);
        ChunkMismatch mismatch = report.mismatches().get(0);
        assertThat(mismatch.range().contains(cart)).isTrue();
        assertThat(mismatch.differingRoots()).containsExactly(cart);
        assertThat(mismatch.legacyRows()).isEqualTo(mismatch.targetRows());
        assertThat(mismatch.legacyMd5()).isNotEqualTo(mismatch.targetMd5());
        assertThat(mismatch.index()).isEqualTo(chunkOf(Aggregate.CART, cart));
        assertThat(fixture.verify(Aggregate.CHECKOUT).clean()).isTrue();
        List<Map<String, Object>> recorded = fixture.query(Side.TARGET, Aggregate.CART,
            "SELECT clean, mismatched_chunks, report->'mismatches'->0->>'upTo' AS up_to FROM migration_verify_runs "
                + "WHERE table_name = 'carts' ORDER BY id DESC LIMIT 1");
        assertThat(recorded.get(0).get("clean")).isEqualTo(false);
        assertThat(recorded.get(0).get("mismatched_chunks")).isEqualTo(1);
        assertThat(recorded.get(0).get("up_to")).isEqualTo(mismatch.range().upTo());
    }

    @Test
    void aMissingChildRowAndARowOnlyTheNewSideHasAreBothFound() throws SQLException {
        String returnId = (String) fixture.query(Side.TARGET, Aggregate.RETURN,
            "SELECT return_id FROM return_status_history ORDER BY return_id OFFSET 90 LIMIT 1").get(0).get("return_id");
        fixture.update(Side.TARGET, Aggregate.RETURN, "DELETE FROM return_status_history WHERE id = "
            + "(SELECT max(id) FROM return_status_history WHERE return_id = ?)", returnId);
        fixture.update(Side.TARGET, Aggregate.RETURN, "INSERT INTO return_requests (return_id, order_id, customer_id, status, resolution, "
            + "currency, version, created_at, updated_at) VALUES ('ffffffff-only-new', 'ord-1', 'cust-1', 'requested', 'refund', 'USD', 1, "
            + "now(), now())");

        VerifyReport report = fixture.verify(Aggregate.RETURN);

        assertThat(report.mismatches()).hasSize(2);
        assertThat(report.mismatches().get(0).differingRoots()).containsExactly(returnId);
        assertThat(report.mismatches().get(0).targetRows()).isEqualTo(report.mismatches().get(0).legacyRows() - 1);
        ChunkMismatch last = report.mismatches().get(1);
        assertThat(last.range().upTo()).isNull();
        assertThat(last.differingRoots()).containsExactly("ffffffff-only-new");
    }

    @Test
    void aChangeTheMonolithMadeAfterTheBackfillShowsUntilTheNextPassCarriesItOver() throws SQLException {
        String checkout = (String) fixture.query(Side.LEGACY, Aggregate.CHECKOUT,
            "SELECT id FROM checkouts WHERE status = 'PENDING' ORDER BY id LIMIT 1").get(0).get("id");
        fixture.update(Side.LEGACY, Aggregate.CHECKOUT,
            "UPDATE checkouts SET status = 'EXPIRED', updated_at = updated_at + interval '1 hour' WHERE id = ?", checkout);
        int addresses = fixture.update(Side.LEGACY, Aggregate.CHECKOUT, "UPDATE checkout_addresses SET city = 'Łódź' WHERE checkout_id = ?",
            checkout);

        VerifyReport dirty = fixture.verify(Aggregate.CHECKOUT);
        Backfill.Report catchUp = fixture.backfillAll(Aggregate.CHECKOUT, 70);
        VerifyReport clean = fixture.verify(Aggregate.CHECKOUT);

        assertThat(dirty.mismatches()).singleElement().satisfies(m -> assertThat(m.differingRoots()).containsExactly(checkout));
        assertThat(catchUp.rowsChanged()).isEqualTo(1 + addresses);
        assertThat(clean.clean()).isTrue();
        assertThat(fixture.query(Side.TARGET, Aggregate.CHECKOUT, "SELECT status FROM checkouts WHERE checkout_id = ?", checkout))
            .extracting(row -> row.get("status")).containsExactly("expired");
    }

    @Test
    void aDifferenceWhoseMirrorIsPendingIsMarkedSo() throws SQLException {
        String cart = rootWithItems(33);
        fixture.update(Side.TARGET, Aggregate.CART, "UPDATE carts SET version = version + 1 WHERE cart_id = ?", cart);
        fixture.update(Side.TARGET, Aggregate.CART, "INSERT INTO legacy_mirror_queue (aggregate, aggregate_id, enqueued_at) "
            + "VALUES ('cart', ?, ?)", cart, OffsetDateTime.now(MigrationFixture.CLOCK));

        VerifyReport report = fixture.verify(Aggregate.CART);

        assertThat(report.mismatches()).singleElement().satisfies(m -> assertThat(m.pendingMirror()).containsExactly(cart));
    }

    @Test
    void verifyIsRefusedWhileItsFlagIsOff() throws SQLException {
        fixture.set(MigrationFlags.VERIFY, "off");

        Verifier.Outcome outcome = fixture.verifier().verify(Aggregate.CART, new Verifier.Options(CHUNK, 0, 10, false));

        assertThat(outcome).isEqualTo(new Verifier.Outcome.Refused(MigrationFlags.VERIFY + " is off"));
    }

    private String rootWithItems(int offset) throws SQLException {
        return (String) fixture.query(Side.TARGET, Aggregate.CART,
            "SELECT DISTINCT cart_id FROM cart_items ORDER BY cart_id OFFSET ? LIMIT 1", offset).get(0).get("cart_id");
    }

    /** Which chunk of {@value #CHUNK} order_db roots a root falls in. */
    private int chunkOf(Aggregate aggregate, String root) throws SQLException {
        long before = (Long) fixture.query(Side.LEGACY, aggregate, "SELECT count(*) AS n FROM " + aggregate.root().legacy().table()
            + " WHERE " + aggregate.root().legacy().rootColumn() + " < ?", root).get(0).get("n");
        return (int) (before / CHUNK);
    }
}
