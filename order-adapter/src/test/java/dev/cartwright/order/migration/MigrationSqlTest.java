package dev.cartwright.order.migration;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationSqlTest {

    @Test
    void anUpsertLeavesEqualRowsAloneAndCastsJsonFromText() {
        String sql = MigrationSql.upsert(LegacyMappings.CHECKOUTS.target());

        assertThat(sql).startsWith("INSERT INTO checkouts (checkout_id, cart_id, ")
            .contains("ON CONFLICT (checkout_id) DO UPDATE SET cart_id = EXCLUDED.cart_id")
            .contains("CAST(CAST(? AS text) AS jsonb)")
            .contains(") IS DISTINCT FROM (EXCLUDED.cart_id, ");
        assertThat(sql.chars().filter(c -> c == '?').count()).isEqualTo(LegacyMappings.CHECKOUTS.target().columns().size());
    }

    @Test
    void aTableWhoseEveryColumnIsKeyOrDataStillUpdatesItsData() {
        assertThat(MigrationSql.upsert(LegacyMappings.CART_PROMOTIONS.legacy()))
            .endsWith("ON CONFLICT (cart_id, promotion_code) DO UPDATE SET applied_at = EXCLUDED.applied_at "
                + "WHERE (cart_promotions.applied_at) IS DISTINCT FROM (EXCLUDED.applied_at)");
    }

    @Test
    void aRootIsReplacedOnlyWhereItIsNotNewerOnEitherSide() {
        assertThat(MigrationSql.upsertRootUnlessNewer(LegacyMappings.CARTS.legacy()))
            .contains("ON CONFLICT (id) DO UPDATE SET customer_id = EXCLUDED.customer_id")
            .contains(" WHERE (carts.version, carts.updated_at) <= (EXCLUDED.version, EXCLUDED.updated_at) AND (carts.customer_id, ");
        for (Aggregate aggregate : Aggregate.values()) {
            for (Side side : Side.values()) {
                // Every root on both sides carries the stamp the guard compares.
                SideTable root = aggregate.root().side(side);
                assertThat(root.columns()).as("%s on %s", root.table(), side).contains(AggregateStamp.VERSION, AggregateStamp.UPDATED_AT);
                assertThat(MigrationSql.upsertRootUnlessNewer(root)).contains("(" + root.table() + ".version, " + root.table()
                    + ".updated_at) <= (EXCLUDED.version, EXCLUDED.updated_at)");
            }
        }
    }

    @Test
    void stampsCompareByVersionThenByTime() {
        AggregateStamp older = AggregateStamp.of(Map.of("version", 3L, "updated_at",
            OffsetDateTime.parse("2026-03-01T12:00:00Z")));
        AggregateStamp sameInOrderDb = AggregateStamp.of(Map.of("version", 3, "updated_at", LocalDateTime.parse("2026-03-01T12:00")));
        AggregateStamp laterSameVersion = AggregateStamp.of(Map.of("version", 3L, "updated_at",
            OffsetDateTime.parse("2026-03-01T13:00:00+01:00").plusNanos(1000)));
        AggregateStamp higherVersionEarlier = AggregateStamp.of(Map.of("version", 4L, "updated_at",
            OffsetDateTime.parse("2025-01-01T00:00:00Z")));

        assertThat(sameInOrderDb).isEqualTo(older);
        assertThat(laterSameVersion.newerThan(older)).isTrue();
        assertThat(higherVersionEarlier.newerThan(laterSameVersion)).isTrue();
        assertThat(older.newerThan(sameInOrderDb)).isFalse();
    }

    @Test
    void rangesAndKeysAreSpelledTheSameForBothSides() {
        List<Object> params = new ArrayList<>();

        String sql = MigrationSql.selectRange(LegacyMappings.RETURN_ITEMS.legacy(), new RootRange("a", "m"), params);

        assertThat(sql).isEqualTo("SELECT x.return_request_id, x.order_item_id, x.product_id, x.category_id, x.quantity, x.reason, "
            + "x.reason_note, x.exchange_product_id, x.quantity_received, x.item_condition, x.inspection_passed, x.refund_amount, "
            + "x.restocking_fee, r.currency_code AS _currency FROM return_items x JOIN return_requests r ON r.id = x.return_request_id "
            + "WHERE x.return_request_id > ? AND x.return_request_id <= ?");
        assertThat(params).containsExactly("a", "m");
        assertThat(MigrationSql.deleteAbsent(LegacyMappings.CART_ITEMS.target()))
            .isEqualTo("DELETE FROM cart_items WHERE cart_id = ANY(?) AND NOT ((cart_id::text || chr(31) || product_id::text) = ANY(?))");
        assertThat(LegacyMappings.CART_ITEMS.target().keyText(Map.of("cart_id", "c", "product_id", "p"))).isEqualTo("c\u001fp");
    }

    @Test
    void placeholdersAreNumberedForTheReactiveClient() {
        assertThat(MigrationSql.numbered("SELECT ? , ?, CAST(? AS text)")).isEqualTo("SELECT $1 , $2, CAST($3 AS text)");
        assertThat(MigrationSql.nextRoots(LegacyMappings.CARTS.legacy(), true)).isEqualTo("SELECT id FROM carts ORDER BY id LIMIT ?");
        assertThat(new RootRange(null, null).condition("x.id", new ArrayList<>())).isEqualTo("TRUE");
    }
}
