package dev.cartwright.order.migration;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.cartwright.order.flags.MigrationFlags;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** CLEANUP and RESTORE against real PostgreSQL. */
@ExtendWith(RealServices.class)
class CleanupIT {

    private static final Set<Aggregate> ALL = EnumSet.allOf(Aggregate.class);

    private MigrationFixture fixture;

    @BeforeEach
    void backfilledAndVerified(PostgresInfo postgres) throws SQLException {
        fixture = new MigrationFixture(postgres, 50).backfillOn();
        fixture.seed(53, new LegacySampleData.Counts(120, 60, 60));
        for (Aggregate aggregate : Aggregate.values()) {
            fixture.backfillAll(aggregate, 50);
            assertThat(fixture.verify(aggregate).clean()).isTrue();
        }
    }

    @Test
    void cleanupRefusesWhileDualWriteIsOnOrReadsStillUseOrderDbOrItsFlagIsOff() throws SQLException {
        fixture.set(MigrationFlags.DUAL_WRITE, "on", MigrationFlags.READ_SWITCH, "50%");

        Cleanup.Report report = fixture.cleanup().cleanup(ALL, false);

        assertThat(report.done()).isFalse();
        assertThat(report.refusals()).anyMatch(r -> r.startsWith(MigrationFlags.CLEANUP + " is off"))
            .anyMatch(r -> r.startsWith(MigrationFlags.DUAL_WRITE + " is on"))
            .anyMatch(r -> r.startsWith(MigrationFlags.READ_SWITCH + " is at 50%"));
        assertLegacyTablesInPlace();
    }

    @Test
    void cleanupRefusesWhileTheLatestVerifyIsDirtyAndProceedsOnceItIsCleanAgain() throws SQLException {
        readyForCleanup();
        fixture.update(Side.TARGET, Aggregate.CHECKOUT, "UPDATE checkouts SET grand_total_minor = grand_total_minor + 1 "
            + "WHERE checkout_id = (SELECT min(checkout_id) FROM checkouts)");
        assertThat(fixture.verify(Aggregate.CHECKOUT).clean()).isFalse();

        Cleanup.Report refused = fixture.cleanup().cleanup(ALL, false);

        assertThat(refused.refusals()).containsExactly("checkouts: the latest verify found 1 mismatched chunk(s)");
        assertLegacyTablesInPlace();

        // Put right, and verified again: cleanup goes ahead.
        fixture.update(Side.TARGET, Aggregate.CHECKOUT, "UPDATE checkouts SET grand_total_minor = grand_total_minor - 1 "
            + "WHERE checkout_id = (SELECT min(checkout_id) FROM checkouts)");
        assertThat(fixture.verify(Aggregate.CHECKOUT).clean()).isTrue();
        assertThat(fixture.cleanup().cleanup(ALL, false).done()).isTrue();
    }

    @Test
    void cleanupRefusesWithoutARecentCleanVerifyOrWithMirrorsPending() throws SQLException {
        readyForCleanup();
        fixture.update(Side.TARGET, Aggregate.RETURN, "INSERT INTO legacy_mirror_queue (aggregate, aggregate_id, enqueued_at) "
            + "VALUES ('return', 'r-1', ?)", OffsetDateTime.now(MigrationFixture.CLOCK));
        Cleanup later = new Cleanup(fixture.databases, fixture.flagSupplier(), Clock.offset(MigrationFixture.CLOCK, Duration.ofHours(25)));

        Cleanup.Report report = later.cleanup(ALL, false);

        assertThat(report.refusals()).hasSize(4)
            .anyMatch(r -> r.startsWith("carts: the latest clean verify is older than PT24H"))
            .anyMatch(r -> r.equals("return_requests: 1 mirror(s) to order_db still pending"));
        assertLegacyTablesInPlace();
    }

    @Test
    void cleanupRenamesTheLegacyTablesAwayAndRestoreBringsThemBackUnchanged() throws SQLException {
        readyForCleanup();
        long cartItems = fixture.count(Side.LEGACY, Aggregate.CART, "cart_items");
        long history = fixture.count(Side.LEGACY, Aggregate.RETURN, "return_status_history");

        Cleanup.Report dryRun = fixture.cleanup().cleanup(ALL, true);
        assertThat(dryRun.done()).isFalse();
        assertThat(dryRun.renames()).hasSize(10).containsEntry("carts", "carts_migrated_20260301")
            .containsEntry("return_status_history", "return_status_history_migrated_20260301");
        assertLegacyTablesInPlace();

        Cleanup.Report done = fixture.cleanup().cleanup(ALL, false);

        assertThat(done.done()).isTrue();
        for (String table : legacyTables()) {
            assertThat(exists(table)).as(table).isFalse();
            assertThat(exists(table + "_migrated_20260301")).as(table + "_migrated_20260301").isTrue();
        }
        assertThat(fixture.count(Side.LEGACY, Aggregate.CART, "cart_items_migrated_20260301")).isEqualTo(cartItems);
        fixture.set(MigrationFlags.DUAL_WRITE, "on");
        assertThat(fixture.backfillAll(Aggregate.CART, 50).refusal()).hasValueSatisfying(r -> assertThat(r).contains("run restore first"));
        assertThat(fixture.verifier().verify(Aggregate.RETURN, new Verifier.Options(50, 0, 5, false)))
            .isInstanceOf(Verifier.Outcome.Refused.class);
        assertThat(fixture.cleanup().cleanup(ALL, false).done()).isFalse();

        Cleanup.Report restored = fixture.cleanup().restore(ALL, false);

        assertThat(restored.done()).isTrue();
        assertThat(restored.renames()).hasSize(10).containsEntry("cart_items_migrated_20260301", "cart_items");
        assertLegacyTablesInPlace();
        assertThat(fixture.count(Side.LEGACY, Aggregate.CART, "cart_items")).isEqualTo(cartItems);
        assertThat(fixture.count(Side.LEGACY, Aggregate.RETURN, "return_status_history")).isEqualTo(history);
        for (Aggregate aggregate : Aggregate.values()) {
            assertThat(fixture.verify(aggregate).clean()).isTrue();
        }
        // Nothing left to restore: a second restore changes nothing.
        assertThat(fixture.cleanup().restore(ALL, false).renames()).isEmpty();
    }

    @Test
    void cleanupOfOneAggregateLeavesTheOthersAlone() throws SQLException {
        readyForCleanup();

        Cleanup.Report done = fixture.cleanup().cleanup(EnumSet.of(Aggregate.RETURN), false);

        assertThat(done.renames()).hasSize(5);
        assertThat(exists("return_items")).isFalse();
        assertThat(exists("carts")).isTrue();
        assertThat(exists("checkout_addresses")).isTrue();
        assertThat(fixture.cleanup().restore(EnumSet.of(Aggregate.RETURN), false).renames()).hasSize(5);
        assertThat(exists("return_items")).isTrue();
    }

    private void readyForCleanup() {
        fixture.set(MigrationFlags.CLEANUP, "on", MigrationFlags.DUAL_WRITE, "off", MigrationFlags.READ_SWITCH, "100%");
    }

    private void assertLegacyTablesInPlace() throws SQLException {
        for (String table : legacyTables()) {
            assertThat(exists(table)).as(table).isTrue();
        }
    }

    private static List<String> legacyTables() {
        return EnumSet.allOf(Aggregate.class).stream().flatMap(a -> a.legacyTables().stream()).toList();
    }

    private boolean exists(String table) throws SQLException {
        return !fixture.query(Side.LEGACY, Aggregate.CART, "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() "
            + "AND table_name = ?", table).isEmpty();
    }
}
