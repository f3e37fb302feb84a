package dev.cartwright.order.migration;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One spelling per JSON value, so that two documents that mean the same compare equal as text: keys sorted, no
 * blanks, numbers in plain decimal without trailing zeros (PostgreSQL's jsonb and Java's encoders space and order
 * things differently).
 */
final class CanonicalJson {

    private CanonicalJson() {
    }

    /** The canonical text of a JSON document. */
    static String of(String json) {
        return write(parse(json));
    }

    static Object parse(String json) {
        try {
            return Json.decodeValue(json);
        } catch (DecodeException e) {
            throw new ConversionException("not JSON: " + e.getMessage());
        }
    }

    /** Writes a value made of maps or {@link JsonObject}s, lists or {@link JsonArray}s, strings, numbers, booleans. */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof JsonObject object) {
            write(object.getMap(), out);
        } else if (value instanceof JsonArray array) {
            write(array.getList(), out);
        } else if (value instanceof Map<?, ?> map) {
            List<String> keys = new ArrayList<>();
            map.keySet().forEach(k -> keys.add(String.valueOf(k)));
            Collections.sort(keys);
            out.append('{');
            for (int i = 0; i < keys.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(Json.encode(keys.get(i))).append(':');
                write(map.get(keys.get(i)), out);
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(list.get(i), out);
            }
            out.append(']');
        } else if (value instanceof Number number) {
            out.append(decimal(number).toPlainString());
        } else if (value instanceof Boolean || value instanceof String) {
            out.append(Json.encode(value));
        } else {
            throw new ConversionException("cannot write " + value.getClass().getSimpleName() + " as JSON");
        }
    }

    /** A JSON number as an exact decimal without trailing zeros. */
    static BigDecimal decimal(Number number) {
        BigDecimal exact;
        if (number instanceof BigDecimal big) {
            exact = big;
        } else if (number instanceof BigInteger big) {
            exact = new BigDecimal(big);
        } else if (number instanceof Double || number instanceof Float) {
            // Shortest decimal that reads back as this double: exact for the 12 significant digits of numeric(12,2).
            exact = new BigDecimal(number.toString());
        } else {
            exact = BigDecimal.valueOf(number.longValue());
        }
        BigDecimal stripped = exact.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}
