package dev.cartwright.returns.workflow;

import dev.cartwright.returns.domain.Resolution;
import dev.cartwright.returns.domain.ReturnReason;
import java.util.List;
import java.util.Optional;

/**
 * A validated CreateReturnRequest.
 *
 * @param idempotencyKey the client's key, if it sent one
 * @param fingerprint    a digest of the method and the request without its key (what the key may answer)
 */
public record CreateReturn(String orderId, List<Item> items, Resolution resolution, Optional<String> customerId,
                           Optional<String> idempotencyKey, String fingerprint, String note) {

    public CreateReturn {
        items = List.copyOf(items);
    }

    public record Item(String orderItemId, int quantity, ReturnReason reason, String note, String exchangeProductId) {
    }
}
