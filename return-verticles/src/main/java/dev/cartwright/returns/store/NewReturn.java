package dev.cartwright.returns.store;

import dev.cartwright.returns.domain.IdempotencyKey;
import dev.cartwright.returns.domain.Resolution;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A return request about to be stored, in status requested, version 1. */
public record NewReturn(String returnId, String orderId, String customerId, Resolution resolution, String note,
                        Optional<IdempotencyKey> idempotencyKey, String currency, Instant at, List<NewItem> items) {

    /** One requested line, with the product and category copied from the order. */
    public record NewItem(String orderItemId, String productId, String categoryId, int quantity, String reason, String note,
                          String exchangeProductId) {
    }
}
