package dev.cartwright.order.migration;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The column mapping between order_db and the new schemas, table by table (the README's "Column mapping" is this file
 * in prose). Each mapping converts both ways, so the same definitions drive the backfill (order_db → new), the
 * dual-write mirror and the copy back for a rollback (new → order_db), and the verifier's comparison.
 *
 * <p>Conversions that lose nothing the new side keeps: money numeric(12,2) ↔ bigint minor units (exact, see
 * {@link LegacyAmounts}); upper-case words ↔ the contracts' lower-case words ({@link Vocabulary}); UTC wall-clock
 * {@code timestamp} ↔ {@code timestamptz}; NULL ↔ '' where the new schema has NOT NULL DEFAULT ''. Where order_db is
 * looser than the new schema (a NULL last_activity_at, a lower-case country code, a NULL discount) the new side gets
 * the value the monolith meant (updated_at, upper case, 0) and the mirror writes that value back.
 */
final class LegacyMappings {

    static final TableMapping CARTS = new TableMapping("carts",
        new SideTable("carts", "id",
            List.of("id", "customer_id", "status", "currency_code", "region_code", "version", "merged_into_id", "order_id", "created_at",
                "updated_at", "last_activity_at", "abandoned_at"),
            List.of("id"), Set.of(), Map.of(), "", Optional.empty()),
        new SideTable("carts", "cart_id",
            List.of("cart_id", "customer_id", "status", "currency", "region", "version", "created_at", "updated_at", "last_activity_at",
                "abandoned_at", "merged_into", "converted_order_id"),
            List.of("cart_id"), Set.of(), Map.of(), "", Optional.empty()),
        l -> {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("cart_id", l.get("id"));
            n.put("customer_id", l.get("customer_id"));
            n.put("status", Vocabulary.CART_STATUS.toNew(l.get("status")));
            n.put("currency", currency(l.get("currency_code")));
            n.put("region", l.get("region_code"));
            n.put("version", toLong(l.get("version")));
            n.put("created_at", utc(l.get("created_at")));
            n.put("updated_at", utc(l.get("updated_at")));
            n.put("last_activity_at", utc(l.get("last_activity_at") != null ? l.get("last_activity_at") : l.get("updated_at")));
            n.put("abandoned_at", utc(l.get("abandoned_at")));
            n.put("merged_into", l.get("merged_into_id"));
            n.put("converted_order_id", l.get("order_id"));
            return n;
        },
        n -> {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("id", n.get("cart_id"));
            l.put("customer_id", n.get("customer_id"));
            l.put("status", Vocabulary.CART_STATUS.toLegacy(n.get("status")));
            l.put("currency_code", n.get("currency"));
            l.put("region_code", n.get("region"));
            l.put("version", toInt(n.get("version"), "carts.version"));
            l.put("merged_into_id", n.get("merged_into"));
            l.put("order_id", n.get("converted_order_id"));
            l.put("created_at", wall(n.get("created_at")));
            l.put("updated_at", wall(n.get("updated_at")));
            l.put("last_activity_at", wall(n.get("last_activity_at")));
            l.put("abandoned_at", wall(n.get("abandoned_at")));
            return l;
        });

    static final TableMapping CART_ITEMS = new TableMapping("cart_items",
        new SideTable("cart_items", "cart_id",
            List.of("cart_id", "product_id", "category_id", "product_name", "quantity", "unit_price", "currency_code", "created_at"),
            List.of("cart_id", "product_id"), Set.of(), Map.of(), "", Optional.empty()),
        new SideTable("cart_items", "cart_id",
            List.of("cart_id", "product_id", "category_id", "name", "quantity", "unit_price_minor", "currency", "added_at"),
            List.of("cart_id", "product_id"), Set.of(), Map.of(), "", Optional.empty()),
        l -> {
            String currency = currency(l.get("currency_code"));
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("cart_id", l.get("cart_id"));
            n.put("product_id", l.get("product_id"));
            n.put("category_id", l.get("category_id"));
            n.put("name", l.get("product_name"));
            n.put("quantity", l.get("quantity"));
            n.put("unit_price_minor", minor(l.get("unit_price"), currency));
            n.put("currency", currency);
            n.put("added_at", utc(l.get("created_at")));
            return n;
        },
        n -> {
            String currency = (String) n.get("currency");
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("cart_id", n.get("cart_id"));
            l.put("product_id", n.get("product_id"));
            l.put("category_id", n.get("category_id"));
            l.put("product_name", n.get("name"));
            l.put("quantity", n.get("quantity"));
            l.put("unit_price", major(n.get("unit_price_minor"), currency));
            l.put("currency_code", currency);
            l.put("created_at", wall(n.get("added_at")));
            return l;
        });

    static final TableMapping CART_PROMOTIONS = new TableMapping("cart_promotions",
        new SideTable("cart_promotions", "cart_id", List.of("cart_id", "promotion_code", "applied_at"),
            List.of("cart_id", "promotion_code"), Set.of(), Map.of(), "", Optional.empty()),
        new SideTable("cart_promotions", "cart_id", List.of("cart_id", "code", "applied_at"),
            List.of("cart_id", "code"), Set.of(), Map.of(), "", Optional.empty()),
        l -> {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("cart_id", l.get("cart_id"));
            n.put("code", l.get("promotion_code"));
            n.put("applied_at", utc(l.get("applied_at")));
            return n;
        },
        n -> {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("cart_id", n.get("cart_id"));
            l.put("promotion_code", n.get("code"));
            l.put("applied_at", wall(n.get("applied_at")));
            return l;
        });

    static final TableMapping CHECKOUTS = new TableMapping("checkouts",
        new SideTable("checkouts", "id",
            List.of("id", "cart_id", "customer_id", "cart_version", "status", "currency_code", "subtotal", "discount_total",
                "shipping_cost", "tax_total", "grand_total", "prices_include_tax", "line_items", "shipping_method", "reservation_id",
                "reservation_expires", "payment_method_id", "payment_auth_id", "order_id", "failure_reason", "version", "created_at",
                "updated_at"),
            List.of("id"), Set.of("line_items"), Map.of(), "", Optional.empty()),
        new SideTable("checkouts", "checkout_id",
            List.of("checkout_id", "cart_id", "customer_id", "cart_version", "status", "currency", "subtotal_minor", "discount_minor",
                "shipping_minor", "tax_minor", "grand_total_minor", "tax_inclusive", "lines", "shipping_method_id", "reservation_id",
                "reservation_expires_at", "payment_method_id", "payment_authorization_id", "order_id", "failure_reason", "version",
                "created_at", "updated_at"),
            List.of("checkout_id"), Set.of("lines"), Map.of(), "", Optional.empty()),
        l -> {
            String currency = currency(l.get("currency_code"));
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("checkout_id", l.get("id"));
            n.put("cart_id", l.get("cart_id"));
            n.put("customer_id", l.get("customer_id"));
            n.put("cart_version", toLong(l.get("cart_version")));
            n.put("status", Vocabulary.CHECKOUT_STATUS.toNew(l.get("status")));
            n.put("currency", currency);
            n.put("subtotal_minor", minor(l.get("subtotal"), currency));
            n.put("discount_minor", minorOrZero(l.get("discount_total"), currency));
            n.put("shipping_minor", minor(l.get("shipping_cost"), currency));
            n.put("tax_minor", minor(l.get("tax_total"), currency));
            n.put("grand_total_minor", minor(l.get("grand_total"), currency));
            n.put("tax_inclusive", l.get("prices_include_tax"));
            n.put("lines", CheckoutLines.toNew((String) l.get("line_items"), currency));
            n.put("shipping_method_id", l.get("shipping_method"));
            n.put("reservation_id", l.get("reservation_id"));
            n.put("reservation_expires_at", utc(l.get("reservation_expires")));
            n.put("payment_method_id", l.get("payment_method_id"));
            n.put("payment_authorization_id", l.get("payment_auth_id"));
            n.put("order_id", l.get("order_id"));
            n.put("failure_reason", l.get("failure_reason"));
            n.put("version", toLong(l.get("version")));
            n.put("created_at", utc(l.get("created_at")));
            n.put("updated_at", utc(l.get("updated_at")));
            return n;
        },
        n -> {
            String currency = (String) n.get("currency");
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("id", n.get("checkout_id"));
            l.put("cart_id", n.get("cart_id"));
            l.put("customer_id", n.get("customer_id"));
            l.put("cart_version", toInt(n.get("cart_version"), "checkouts.cart_version"));
            l.put("status", Vocabulary.CHECKOUT_STATUS.toLegacy(n.get("status")));
            l.put("currency_code", currency);
            l.put("subtotal", major(n.get("subtotal_minor"), currency));
            l.put("discount_total", major(n.get("discount_minor"), currency));
            l.put("shipping_cost", major(n.get("shipping_minor"), currency));
            l.put("tax_total", major(n.get("tax_minor"), currency));
            l.put("grand_total", major(n.get("grand_total_minor"), currency));
            l.put("prices_include_tax", n.get("tax_inclusive"));
            l.put("line_items", CheckoutLines.toLegacy((String) n.get("lines"), currency));
            l.put("shipping_method", n.get("shipping_method_id"));
            l.put("reservation_id", n.get("reservation_id"));
            l.put("reservation_expires", wall(n.get("reservation_expires_at")));
            l.put("payment_method_id", n.get("payment_method_id"));
            l.put("payment_auth_id", n.get("payment_authorization_id"));
            l.put("order_id", n.get("order_id"));
            l.put("failure_reason", n.get("failure_reason"));
            l.put("version", toInt(n.get("version"), "checkouts.version"));
            l.put("created_at", wall(n.get("created_at")));
            l.put("updated_at", wall(n.get("updated_at")));
            return l;
        });

    static final TableMapping CHECKOUT_ADDRESSES = new TableMapping("checkout_addresses",
        new SideTable("checkout_addresses", "checkout_id",
            List.of("checkout_id", "address_type", "full_name", "address_line1", "address_line2", "city", "state", "zip_code", "country",
                "phone"),
            List.of("checkout_id", "address_type"), Set.of(), Map.of(), "", Optional.empty()),
        new SideTable("checkout_addresses", "checkout_id",
            List.of("checkout_id", "kind", "name", "line1", "line2", "city", "region", "postal_code", "country_code", "phone"),
            List.of("checkout_id", "kind"), Set.of(), Map.of(), "", Optional.empty()),
        l -> {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("checkout_id", l.get("checkout_id"));
            n.put("kind", Vocabulary.ADDRESS_KIND.toNew(l.get("address_type")));
            n.put("name", l.get("full_name"));
            n.put("line1", l.get("address_line1"));
            n.put("line2", l.get("address_line2"));
            n.put("city", l.get("city"));
            n.put("region", l.get("state"));
            n.put("postal_code", l.get("zip_code"));
            n.put("country_code", l.get("country") == null ? null : l.get("country").toString().trim().toUpperCase(Locale.ROOT));
            n.put("phone", l.get("phone"));
            return n;
        },
        n -> {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("checkout_id", n.get("checkout_id"));
            l.put("address_type", Vocabulary.ADDRESS_KIND.toLegacy(n.get("kind")));
            l.put("full_name", n.get("name"));
            l.put("address_line1", n.get("line1"));
            l.put("address_line2", n.get("line2"));
            l.put("city", n.get("city"));
            l.put("state", n.get("region"));
            l.put("zip_code", n.get("postal_code"));
            l.put("country", n.get("country_code"));
            l.put("phone", n.get("phone"));
            return l;
        });

    static final TableMapping RETURN_REQUESTS = new TableMapping("return_requests",
        new SideTable("return_requests", "id",
            List.of("id", "order_id", "customer_id", "status", "return_type", "rejection_reason", "customer_note", "currency_code",
                "refund_estimate", "version", "created_at", "updated_at"),
            List.of("id"), Set.of(), Map.of(), "", Optional.empty()),
        new SideTable("return_requests", "return_id",
            List.of("return_id", "order_id", "customer_id", "status", "resolution", "rejection_reason", "note", "currency",
                "refund_estimate_minor", "version", "created_at", "updated_at"),
            List.of("return_id"), Set.of(), Map.of(), "", Optional.empty()),
        l -> {
            String currency = currency(l.get("currency_code"));
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("return_id", l.get("id"));
            n.put("order_id", l.get("order_id"));
            n.put("customer_id", l.get("customer_id"));
            n.put("status", Vocabulary.RETURN_STATUS.toNew(l.get("status")));
            n.put("resolution", Vocabulary.RESOLUTION.toNew(l.get("return_type")));
            n.put("rejection_reason", orEmpty(l.get("rejection_reason")));
            n.put("note", orEmpty(l.get("customer_note")));
            n.put("currency", currency);
            n.put("refund_estimate_minor", minorOrZero(l.get("refund_estimate"), currency));
            n.put("version", toLong(l.get("version")));
            n.put("created_at", utc(l.get("created_at")));
            n.put("updated_at", utc(l.get("updated_at")));
            return n;
        },
        n -> {
            String currency = (String) n.get("currency");
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("id", n.get("return_id"));
            l.put("order_id", n.get("order_id"));
            l.put("customer_id", n.get("customer_id"));
            l.put("status", Vocabulary.RETURN_STATUS.toLegacy(n.get("status")));
            l.put("return_type", Vocabulary.RESOLUTION.toLegacy(n.get("resolution")));
            l.put("rejection_reason", emptyToNull(n.get("rejection_reason")));
            l.put("customer_note", emptyToNull(n.get("note")));
            l.put("currency_code", currency);
            l.put("refund_estimate", major(n.get("refund_estimate_minor"), currency));
            l.put("version", toInt(n.get("version"), "return_requests.version"));
            l.put("created_at", wall(n.get("created_at")));
            l.put("updated_at", wall(n.get("updated_at")));
            return l;
        });

    static final TableMapping RETURN_ITEMS = new TableMapping("return_items",
        new SideTable("return_items", "return_request_id",
            List.of("return_request_id", "order_item_id", "product_id", "category_id", "quantity", "reason", "reason_note",
                "exchange_product_id", "quantity_received", "item_condition", "inspection_passed", "refund_amount", "restocking_fee"),
            List.of("return_request_id", "order_item_id"), Set.of(),
            Map.of("_currency", "r.currency_code"), "JOIN return_requests r ON r.id = x.return_request_id", Optional.empty()),
        new SideTable("return_items", "return_id",
            List.of("return_id", "order_item_id", "product_id", "category_id", "quantity", "reason", "note", "exchange_product_id",
                "quantity_received", "condition", "passed_inspection", "refund_amount_minor", "restocking_fee_minor"),
            List.of("return_id", "order_item_id"), Set.of(),
            Map.of("_currency", "r.currency"), "JOIN return_requests r ON r.return_id = x.return_id", Optional.empty()),
        l -> {
            String currency = currency(l.get("_currency"));
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("return_id", l.get("return_request_id"));
            n.put("order_item_id", l.get("order_item_id"));
            n.put("product_id", l.get("product_id"));
            n.put("category_id", orEmpty(l.get("category_id")));
            n.put("quantity", l.get("quantity"));
            n.put("reason", Vocabulary.RETURN_REASON.toNew(l.get("reason")));
            n.put("note", orEmpty(l.get("reason_note")));
            n.put("exchange_product_id", orEmpty(l.get("exchange_product_id")));
            n.put("quantity_received", l.get("quantity_received"));
            n.put("condition", orEmpty(l.get("item_condition")));
            n.put("passed_inspection", Boolean.TRUE.equals(l.get("inspection_passed")));
            n.put("refund_amount_minor", minor(l.get("refund_amount"), currency));
            n.put("restocking_fee_minor", minor(l.get("restocking_fee"), currency));
            return n;
        },
        n -> {
            String currency = (String) n.get("_currency");
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("return_request_id", n.get("return_id"));
            l.put("order_item_id", n.get("order_item_id"));
            l.put("product_id", n.get("product_id"));
            l.put("category_id", emptyToNull(n.get("category_id")));
            l.put("quantity", n.get("quantity"));
            l.put("reason", Vocabulary.RETURN_REASON.toLegacy(n.get("reason")));
            l.put("reason_note", emptyToNull(n.get("note")));
            l.put("exchange_product_id", emptyToNull(n.get("exchange_product_id")));
            l.put("quantity_received", n.get("quantity_received"));
            l.put("item_condition", emptyToNull(n.get("condition")));
            l.put("inspection_passed", n.get("passed_inspection"));
            l.put("refund_amount", major(n.get("refund_amount_minor"), currency));
            l.put("restocking_fee", major(n.get("restocking_fee_minor"), currency));
            return l;
        });

    static final TableMapping RETURN_STATUS_HISTORY = new TableMapping("return_status_history",
        new SideTable("return_status_history", "return_request_id",
            List.of("id", "return_request_id", "from_status", "to_status", "changed_by", "comment", "created_at"),
            List.of("id"), Set.of(), Map.of(), "", Optional.of("id")),
        new SideTable("return_status_history", "return_id",
            List.of("id", "return_id", "from_status", "to_status", "actor", "reason", "at"),
            List.of("id"), Set.of(), Map.of(), "", Optional.of("id")),
        l -> {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("id", toLong(l.get("id")));
            n.put("return_id", l.get("return_request_id"));
            n.put("from_status", Vocabulary.RETURN_STATUS.toNew(l.get("from_status")));
            n.put("to_status", Vocabulary.RETURN_STATUS.toNew(l.get("to_status")));
            n.put("actor", l.get("changed_by") == null ? "system" : l.get("changed_by"));
            n.put("reason", orEmpty(l.get("comment")));
            n.put("at", utc(l.get("created_at")));
            return n;
        },
        n -> {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("id", n.get("id"));
            l.put("return_request_id", n.get("return_id"));
            l.put("from_status", Vocabulary.RETURN_STATUS.toLegacy(n.get("from_status")));
            l.put("to_status", Vocabulary.RETURN_STATUS.toLegacy(n.get("to_status")));
            l.put("changed_by", n.get("actor"));
            l.put("comment", emptyToNull(n.get("reason")));
            l.put("created_at", wall(n.get("at")));
            return l;
        });

    static final TableMapping RETURN_REFUNDS = new TableMapping("return_refunds",
        new SideTable("return_refunds", "return_request_id",
            List.of("id", "return_request_id", "order_id", "refund_type", "status", "amount", "shipping_refund", "currency_code",
                "idempotency_key", "payment_refund_id", "exchange_order_id", "attempts", "last_error", "created_at", "completed_at"),
            List.of("id"), Set.of(), Map.of(), "", Optional.empty()),
        new SideTable("return_refunds", "return_id",
            List.of("refund_id", "return_id", "order_id", "kind", "status", "amount_minor", "shipping_minor", "currency",
                "idempotency_key", "payment_refund_id", "exchange_order_id", "attempts", "last_error", "created_at", "completed_at"),
            List.of("refund_id"), Set.of(), Map.of(), "", Optional.empty()),
        l -> {
            String currency = currency(l.get("currency_code"));
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("refund_id", l.get("id"));
            n.put("return_id", l.get("return_request_id"));
            n.put("order_id", l.get("order_id"));
            n.put("kind", Vocabulary.REFUND_KIND.toNew(l.get("refund_type")));
            n.put("status", Vocabulary.REFUND_STATUS.toNew(l.get("status")));
            n.put("amount_minor", minor(l.get("amount"), currency));
            n.put("shipping_minor", minorOrZero(l.get("shipping_refund"), currency));
            n.put("currency", currency);
            n.put("idempotency_key", l.get("idempotency_key"));
            n.put("payment_refund_id", orEmpty(l.get("payment_refund_id")));
            n.put("exchange_order_id", orEmpty(l.get("exchange_order_id")));
            n.put("attempts", l.get("attempts"));
            n.put("last_error", orEmpty(l.get("last_error")));
            n.put("created_at", utc(l.get("created_at")));
            n.put("completed_at", utc(l.get("completed_at")));
            return n;
        },
        n -> {
            String currency = (String) n.get("currency");
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("id", n.get("refund_id"));
            l.put("return_request_id", n.get("return_id"));
            l.put("order_id", n.get("order_id"));
            l.put("refund_type", Vocabulary.REFUND_KIND.toLegacy(n.get("kind")));
            l.put("status", Vocabulary.REFUND_STATUS.toLegacy(n.get("status")));
            l.put("amount", major(n.get("amount_minor"), currency));
            l.put("shipping_refund", major(n.get("shipping_minor"), currency));
            l.put("currency_code", currency);
            l.put("idempotency_key", n.get("idempotency_key"));
            l.put("payment_refund_id", emptyToNull(n.get("payment_refund_id")));
            l.put("exchange_order_id", emptyToNull(n.get("exchange_order_id")));
            l.put("attempts", n.get("attempts"));
            l.put("last_error", emptyToNull(n.get("last_error")));
            l.put("created_at", wall(n.get("created_at")));
            l.put("completed_at", wall(n.get("completed_at")));
            return l;
        });

    static final TableMapping RETURN_SHIPPING = new TableMapping("return_shipping",
        new SideTable("return_shipping", "return_request_id",
            List.of("return_request_id", "carrier", "tracking_number", "label_url", "created_at"),
            List.of("return_request_id"), Set.of(), Map.of(), "", Optional.empty()),
        new SideTable("return_shipping", "return_id",
            List.of("return_id", "carrier", "tracking_number", "label_url", "created_at"),
            List.of("return_id"), Set.of(), Map.of(), "", Optional.empty()),
        l -> {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("return_id", l.get("return_request_id"));
            n.put("carrier", l.get("carrier"));
            n.put("tracking_number", l.get("tracking_number"));
            n.put("label_url", orEmpty(l.get("label_url")));
            n.put("created_at", utc(l.get("created_at")));
            return n;
        },
        n -> {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("return_request_id", n.get("return_id"));
            l.put("carrier", n.get("carrier"));
            l.put("tracking_number", n.get("tracking_number"));
            l.put("label_url", emptyToNull(n.get("label_url")));
            l.put("created_at", wall(n.get("created_at")));
            return l;
        });

    private LegacyMappings() {
    }

    // ---- value conversions ------------------------------------------------------------------------------------------

    /** order_db's UTC wall-clock time as an instant in UTC. */
    static OffsetDateTime utc(Object wallClock) {
        if (wallClock == null) {
            return null;
        }
        if (wallClock instanceof OffsetDateTime at) {
            return at.withOffsetSameInstant(ZoneOffset.UTC);
        }
        return ((LocalDateTime) wallClock).atOffset(ZoneOffset.UTC);
    }

    /** An instant as order_db stores it: UTC wall-clock time. */
    static LocalDateTime wall(Object instant) {
        if (instant == null) {
            return null;
        }
        return ((OffsetDateTime) instant).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
    }

    static String currency(Object code) {
        if (code == null) {
            throw new ConversionException("currency is missing");
        }
        String currency = code.toString().trim().toUpperCase(Locale.ROOT);
        LegacyAmounts.digits(currency);
        return currency;
    }

    static Long minor(Object amount, String currency) {
        return amount == null ? null : LegacyAmounts.fromLegacy((BigDecimal) amount, currency);
    }

    static long minorOrZero(Object amount, String currency) {
        return amount == null ? 0L : LegacyAmounts.fromLegacy((BigDecimal) amount, currency);
    }

    static BigDecimal major(Object minor, String currency) {
        return minor == null ? null : LegacyAmounts.toLegacy(((Number) minor).longValue(), currency);
    }

    static Long toLong(Object value) {
        return value == null ? null : ((Number) value).longValue();
    }

    static Integer toInt(Object value, String column) {
        if (value == null) {
            return null;
        }
        try {
            return Math.toIntExact(((Number) value).longValue());
        } catch (ArithmeticException e) {
            throw new ConversionException(column + " " + value + " does not fit order_db's integer column");
        }
    }

    static String orEmpty(Object value) {
        return value == null ? "" : value.toString();
    }

    static String emptyToNull(Object value) {
        return value == null || value.toString().isEmpty() ? null : value.toString();
    }
}
