package dev.cartwright.order.migration;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A checkout's frozen lines between order_db's {@code checkouts.line_items} (decimal amounts, the monolith's keys) and
 * checkout_db's {@code checkouts.lines} (minor units, the keys the Checkout Service reads: product_id, name,
 * category_id, quantity, unit_price, subtotal, line_discount, order_discount, tax, total).
 */
final class CheckoutLines {

    /** new key → legacy key, for the amounts. */
    private static final Map<String, String> AMOUNTS = amounts();

    private CheckoutLines() {
    }

    private static Map<String, String> amounts() {
        Map<String, String> amounts = new LinkedHashMap<>();
        amounts.put("unit_price", "unit_price");
        amounts.put("subtotal", "line_subtotal");
        amounts.put("line_discount", "line_discount");
        amounts.put("order_discount", "order_discount");
        amounts.put("tax", "tax_amount");
        amounts.put("total", "line_total");
        return amounts;
    }

    /** The canonical text of checkout_db lines for legacy {@code line_items} (NULL is no lines). */
    static String toNew(String legacyJson, String currency) {
        List<Object> lines = new ArrayList<>();
        for (JsonObject legacy : objects(legacyJson, "checkouts.line_items")) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("product_id", text(legacy.getValue("product_id")));
            line.put("name", orEmpty(legacy.getValue("product_name")));
            line.put("category_id", orEmpty(legacy.getValue("category_id")));
            line.put("quantity", whole(legacy.getValue("quantity"), "quantity"));
            for (Map.Entry<String, String> amount : AMOUNTS.entrySet()) {
                Object value = legacy.getValue(amount.getValue());
                long minor = value == null ? 0 : LegacyAmounts.fromLegacy(number(value, amount.getValue()), currency);
                line.put(amount.getKey(), minor);
            }
            lines.add(line);
        }
        return CanonicalJson.write(lines);
    }

    /** The legacy {@code line_items} text for checkout_db lines. */
    static String toLegacy(String newJson, String currency) {
        List<Object> lines = new ArrayList<>();
        for (JsonObject line : objects(newJson, "checkouts.lines")) {
            Map<String, Object> legacy = new LinkedHashMap<>();
            legacy.put("product_id", text(line.getValue("product_id")));
            legacy.put("product_name", orEmpty(line.getValue("name")));
            legacy.put("category_id", orEmpty(line.getValue("category_id")));
            legacy.put("quantity", whole(line.getValue("quantity"), "quantity"));
            for (Map.Entry<String, String> amount : AMOUNTS.entrySet()) {
                Object value = line.getValue(amount.getKey());
                long minor = value == null ? 0 : number(value, amount.getKey()).longValueExact();
                legacy.put(amount.getValue(), LegacyAmounts.toLegacy(minor, currency));
            }
            lines.add(legacy);
        }
        return CanonicalJson.write(lines);
    }

    private static List<JsonObject> objects(String json, String column) {
        if (json == null) {
            return List.of();
        }
        Object parsed = CanonicalJson.parse(json);
        if (!(parsed instanceof JsonArray array)) {
            throw new ConversionException(column + " is not a JSON array");
        }
        List<JsonObject> objects = new ArrayList<>();
        for (Object element : array) {
            if (!(element instanceof JsonObject object)) {
                throw new ConversionException(column + " holds a line that is not an object: " + element);
            }
            objects.add(object);
        }
        return objects;
    }

    private static String text(Object value) {
        if (value == null) {
            throw new ConversionException("checkout line without product_id");
        }
        return value instanceof Number number ? CanonicalJson.decimal(number).toPlainString() : value.toString();
    }

    private static String orEmpty(Object value) {
        return value == null ? "" : value.toString();
    }

    private static long whole(Object value, String key) {
        try {
            return number(value, key).longValueExact();
        } catch (ArithmeticException e) {
            throw new ConversionException("checkout line " + key + " is not a whole number: " + value);
        }
    }

    private static BigDecimal number(Object value, String key) {
        if (value instanceof Number number) {
            return CanonicalJson.decimal(number);
        }
        if (value instanceof String text) {
            try {
                return new BigDecimal(text.trim());
            } catch (NumberFormatException e) {
                throw new ConversionException("checkout line " + key + " is not a number: '" + text + "'");
            }
        }
        throw new ConversionException("checkout line " + key + " is not a number: " + value);
    }
}
