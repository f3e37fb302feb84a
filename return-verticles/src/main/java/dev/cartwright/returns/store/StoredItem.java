package dev.cartwright.returns.store;

import dev.cartwright.returns.domain.ReturnReason;
import java.util.OptionalLong;

/** One line of a stored return: what was asked for, what came back, and (once refunded) what it was worth. */
public record StoredItem(String orderItemId, String productId, String categoryId, int quantity, ReturnReason reason, String note,
                         String exchangeProductId, int quantityReceived, String condition, boolean passedInspection,
                         OptionalLong refundAmount, String restockStatus) {
}
