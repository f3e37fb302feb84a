package dev.cartwright.cart.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartLine;
import dev.cartwright.cart.CartStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A stored cart as JSON, for the parked-carts table and what operators read of it: every field the write-behind
 * would have written, instants as epoch millis next to their ISO-8601 text (the millis are what is read back).
 */
final class StoredCartJson {

    private StoredCartJson() {
    }

    static JsonObject encode(StoredCart stored) {
        Cart cart = stored.cart();
        JsonArray lines = new JsonArray();
        for (CartLine line : cart.lines()) {
            lines.add(new JsonObject().put("product_id", line.productId()).put("category_id", line.categoryId()).put("name", line.name())
                .put("quantity", line.quantity()).put("unit_price_minor", line.unitPriceMinor())
                .put("added_at_ms", line.addedAt().toEpochMilli()).put("added_at", line.addedAt().toString()));
        }
        JsonArray promotions = new JsonArray();
        for (int i = 0; i < cart.promotionCodes().size(); i++) {
            Instant applied = stored.promotionsAppliedAt().get(i);
            promotions.add(new JsonObject().put("code", cart.promotionCodes().get(i)).put("applied_at_ms", applied.toEpochMilli())
                .put("applied_at", applied.toString()));
        }
        return new JsonObject()
            .put("cart_id", cart.cartId())
            .put("customer_id", cart.customerId())
            .put("status", cart.status().name().toLowerCase(Locale.ROOT))
            .put("currency", cart.currency())
            .put("region", cart.region())
            .put("version", cart.version())
            .put("created_at_ms", cart.createdAt().toEpochMilli())
            .put("created_at", cart.createdAt().toString())
            .put("updated_at_ms", cart.updatedAt().toEpochMilli())
            .put("updated_at", cart.updatedAt().toString())
            .put("merged_into", cart.mergedInto())
            .put("converted_order_id", stored.convertedOrderId())
            .put("lines", lines)
            .put("promotions", promotions);
    }

    /** The inverse of {@link #encode}; an unchecked exception if the JSON does not hold a cart. */
    static StoredCart decode(JsonObject json) {
        List<CartLine> lines = new ArrayList<>();
        for (Object item : json.getJsonArray("lines", new JsonArray())) {
            JsonObject line = (JsonObject) item;
            lines.add(new CartLine(line.getString("product_id"), line.getString("category_id"), line.getString("name", ""),
                line.getInteger("quantity"), line.getLong("unit_price_minor"), Instant.ofEpochMilli(line.getLong("added_at_ms"))));
        }
        List<String> codes = new ArrayList<>();
        List<Instant> applied = new ArrayList<>();
        for (Object item : json.getJsonArray("promotions", new JsonArray())) {
            JsonObject promotion = (JsonObject) item;
            codes.add(promotion.getString("code"));
            applied.add(Instant.ofEpochMilli(promotion.getLong("applied_at_ms")));
        }
        Cart cart = new Cart(json.getString("cart_id"), json.getString("customer_id", ""),
            CartStatus.valueOf(json.getString("status").toUpperCase(Locale.ROOT)), json.getString("currency"), json.getString("region", ""),
            lines, codes, json.getLong("version"), Instant.ofEpochMilli(json.getLong("created_at_ms")),
            Instant.ofEpochMilli(json.getLong("updated_at_ms")), json.getString("merged_into", ""));
        return new StoredCart(cart, applied, json.getString("converted_order_id", ""));
    }
}
