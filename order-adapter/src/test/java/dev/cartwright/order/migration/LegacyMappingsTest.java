package dev.cartwright.order.migration;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The column mapping, table by table: what a legacy row becomes, and that the way back leads to the same new row. */
class LegacyMappingsTest {

    private static final LocalDateTime WALL = LocalDateTime.of(2025, 3, 30, 1, 30, 15, 123_456_000);
    private static final OffsetDateTime UTC = WALL.atOffset(ZoneOffset.UTC);

    @Test
    void aLegacyCartBecomesANewCartAndBack() {
        Map<String, Object> legacy = row("id", "c-1", "customer_id", null, "status", "active ", "currency_code", "usd", "region_code", null,
            "version", 7, "merged_into_id", null, "order_id", null, "created_at", WALL, "updated_at", WALL.plusHours(1),
            "last_activity_at", null, "abandoned_at", null);

        Map<String, Object> canonical = LegacyMappings.CARTS.toCanonical(Side.LEGACY, legacy);

        assertThat(canonical).containsEntry("cart_id", "c-1").containsEntry("status", "active").containsEntry("currency", "USD")
            .containsEntry("version", 7L).containsEntry("created_at", UTC).containsEntry("last_activity_at", UTC.plusHours(1))
            .containsEntry("customer_id", null);
        Map<String, Object> back = LegacyMappings.CARTS.fromCanonical(Side.LEGACY, canonical);
        assertThat(back).containsEntry("status", "ACTIVE").containsEntry("version", 7).containsEntry("last_activity_at", WALL.plusHours(1));
        assertThat(LegacyMappings.CARTS.toCanonical(Side.LEGACY, back)).isEqualTo(canonical);
    }

    @Test
    void everyMappingIsStableThroughTheWayBack() {
        Map<TableMapping, Map<String, Object>> samples = new LinkedHashMap<>();
        samples.put(LegacyMappings.CART_ITEMS, row("cart_id", "c-1", "product_id", "456", "category_id", null, "product_name", "Łódź mug",
            "quantity", 3, "unit_price", new BigDecimal("12.99"), "currency_code", "EUR", "created_at", WALL));
        samples.put(LegacyMappings.CART_PROMOTIONS, row("cart_id", "c-1", "promotion_code", "ÉTÉ2024", "applied_at", WALL));
        samples.put(LegacyMappings.CHECKOUTS, row("id", "k-1", "cart_id", "c-1", "customer_id", "cust", "cart_version", 4,
            "status", "PENDING",
            "currency_code", "JPY", "subtotal", new BigDecimal("1500.00"), "discount_total", null, "shipping_cost", new BigDecimal("0.00"),
            "tax_total", new BigDecimal("120.00"), "grand_total", new BigDecimal("1620.00"), "prices_include_tax", true,
            "line_items", "[{\"product_id\": \"9\", \"quantity\": 1, \"unit_price\": 1500, \"line_total\": 1500.00}]",
            "shipping_method", null, "reservation_id", null, "reservation_expires", null, "payment_method_id", null,
            "payment_auth_id", null,
            "order_id", null, "failure_reason", null, "version", 0, "created_at", WALL, "updated_at", WALL));
        samples.put(LegacyMappings.CHECKOUT_ADDRESSES, row("checkout_id", "k-1", "address_type", "BILLING", "full_name", "Zoë Ångström",
            "address_line1", "1 Main St", "address_line2", null, "city", "Zürich", "state", null, "zip_code", null, "country", "ch",
            "phone", null));
        samples.put(LegacyMappings.RETURN_REQUESTS, row("id", "r-1", "order_id", "o-1", "customer_id", "cust", "status", "RECEIVED",
            "return_type", "STORE_CREDIT", "rejection_reason", null, "customer_note", "too small", "currency_code", "GBP",
            "refund_estimate", null, "version", 2, "created_at", WALL, "updated_at", WALL));
        samples.put(LegacyMappings.RETURN_ITEMS, row("return_request_id", "r-1", "order_item_id", "1", "product_id", "456",
            "category_id", null,
            "quantity", 2, "reason", "CHANGED_MIND", "reason_note", null, "exchange_product_id", null, "quantity_received", 1,
            "item_condition", null, "inspection_passed", null, "refund_amount", new BigDecimal("9.99"), "restocking_fee", null,
            "_currency", "GBP"));
        samples.put(LegacyMappings.RETURN_STATUS_HISTORY, row("id", 17L, "return_request_id", "r-1", "from_status", null,
            "to_status", "PENDING",
            "changed_by", null, "comment", null, "created_at", WALL));
        samples.put(LegacyMappings.RETURN_REFUNDS, row("id", "f-1", "return_request_id", "r-1", "order_id", "o-1", "refund_type", "REFUND",
            "status", "COMPLETED", "amount", new BigDecimal("19.98"), "shipping_refund", null, "currency_code", "GBP", "idempotency_key",
            "r-1:refund", "payment_refund_id", "pr-1", "exchange_order_id", null, "attempts", 1, "last_error", null, "created_at", WALL,
            "completed_at", WALL.plusMinutes(5)));
        samples.put(LegacyMappings.RETURN_SHIPPING, row("return_request_id", "r-1", "carrier", "SIMPOST", "tracking_number", "SP1",
            "label_url", null, "created_at", WALL));

        samples.forEach((table, legacy) -> {
            Map<String, Object> canonical = table.toCanonical(Side.LEGACY, legacy);
            Map<String, Object> back = table.fromCanonical(Side.LEGACY, canonical);
            assertThat(back.keySet()).as(table.name()).containsExactlyElementsOf(table.legacy().columns());
            Map<String, Object> withContext = new LinkedHashMap<>(back);
            if (legacy.containsKey("_currency")) {
                withContext.put("_currency", legacy.get("_currency"));
            }
            assertThat(table.toCanonical(Side.LEGACY, withContext)).as(table.name()).isEqualTo(canonical);
            assertThat(table.fromCanonical(Side.TARGET, canonical).keySet()).containsExactlyElementsOf(table.target().columns());
        });
    }

    @Test
    void theMonolithsWordsBecomeTheContractsWords() {
        assertThat(LegacyMappings.CHECKOUTS.legacyToNew().apply(checkout("PROCESSING"))).containsEntry("status", "confirming")
            .containsEntry("discount_minor", 0L).containsEntry("subtotal_minor", 1500L)
            .containsEntry("lines", "[{\"category_id\":\"\",\"line_discount\":0,\"name\":\"\",\"order_discount\":0,\"product_id\":\"9\","
                + "\"quantity\":1,\"subtotal\":0,\"tax\":0,\"total\":1500,\"unit_price\":1500}]");
        assertThat(Vocabulary.RETURN_STATUS.toNew("RECEIVED")).isEqualTo("items_received");
        assertThat(Vocabulary.RETURN_STATUS.toLegacy("requested")).isEqualTo("PENDING");
        assertThatThrownBy(() -> Vocabulary.CART_STATUS.toNew("LOST")).isInstanceOf(ConversionException.class)
            .hasMessageContaining("carts.status").hasMessageContaining("LOST");
        assertThatThrownBy(() -> LegacyMappings.CHECKOUTS.legacyToNew().apply(checkout("DONE"))).isInstanceOf(ConversionException.class);
    }

    @Test
    void emptyTextAndNullTradePlacesWhereTheSchemasDisagree() {
        Map<String, Object> canonical = LegacyMappings.RETURN_SHIPPING.toCanonical(Side.LEGACY, row("return_request_id", "r-1",
            "carrier", "X", "tracking_number", "1", "label_url", null, "created_at", WALL));

        assertThat(canonical).containsEntry("label_url", "");
        assertThat(LegacyMappings.RETURN_SHIPPING.fromCanonical(Side.LEGACY, canonical)).containsEntry("label_url", null);
    }

    private static Map<String, Object> checkout(String status) {
        return row("id", "k-1", "cart_id", "c-1", "customer_id", null, "cart_version", 1, "status", status, "currency_code", "USD",
            "subtotal", new BigDecimal("15.00"), "discount_total", null, "shipping_cost", new BigDecimal("0.00"), "tax_total",
            new BigDecimal("0.00"), "grand_total", new BigDecimal("15.00"), "prices_include_tax", false,
            "line_items", "[{\"product_id\": 9, \"quantity\": 1, \"unit_price\": 15.00, \"line_total\": 15}]", "shipping_method", null,
            "reservation_id", null, "reservation_expires", null, "payment_method_id", null, "payment_auth_id", null, "order_id", null,
            "failure_reason", null, "version", 0, "created_at", WALL, "updated_at", WALL);
    }

    private static Map<String, Object> row(Object... nameThenValue) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < nameThenValue.length; i += 2) {
            row.put((String) nameThenValue[i], nameThenValue[i + 1]);
        }
        return row;
    }
}
