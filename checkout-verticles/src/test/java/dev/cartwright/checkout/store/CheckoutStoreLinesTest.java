package dev.cartwright.checkout.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.checkout.domain.FrozenLine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The frozen lines as the checkout store reads them back. */
class CheckoutStoreLinesTest {

    private static JsonObject line(String product, String category) {
        return new JsonObject().put("product_id", product).put("name", "").put("category_id", category).put("quantity", 2)
            .put("unit_price", 1299L).put("subtotal", 2598L).put("line_discount", 0L).put("order_discount", 0L).put("tax", 0L)
            .put("total", 2598L);
    }

    @Test
    void aLineWithoutACategoryIsReadAsUncategorizedAsTheCartStoreReadsOneAndALineWithOneKeepsIt() {
        // Lines of a checkout the Order service started carry no category (its carts keep none); pricing needs one.
        JsonArray stored = new JsonArray().add(line("456", "")).add(line("457", "kitchen")).add(line("458", "  "));

        assertThat(CheckoutStore.lines(stored)).extracting(FrozenLine::productId, FrozenLine::categoryId).containsExactly(
            org.assertj.core.groups.Tuple.tuple("456", "uncategorized"), org.assertj.core.groups.Tuple.tuple("457", "kitchen"),
            org.assertj.core.groups.Tuple.tuple("458", "uncategorized"));
    }
}
