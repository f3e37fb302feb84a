package dev.cartwright.checkout.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An order as the Order service placed it for a checkout.
 *
 * @param items   the order's item ids, by product, in the order's own order
 * @param receipt the Order service's whole account of the order as text, kept in the saga's step row so that a resumed
 *                saga knows the order without asking again
 */
public record PlacedOrder(String orderId, String status, Optional<Instant> createdAt, List<Item> items, String receipt) {

    /** One item of the order: the id the Order service gave it and the product it is for. */
    public record Item(String orderItemId, String productId) {
        public Item {
            Objects.requireNonNull(orderItemId, "orderItemId");
            Objects.requireNonNull(productId, "productId");
        }
    }

    public PlacedOrder {
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        items = List.copyOf(items);
        Objects.requireNonNull(receipt, "receipt");
    }

    /** The id of the order's first item for {@code productId}, if the order has one. */
    public Optional<String> itemFor(String productId) {
        return items.stream().filter(i -> i.productId().equals(productId)).map(Item::orderItemId).findFirst();
    }
}
