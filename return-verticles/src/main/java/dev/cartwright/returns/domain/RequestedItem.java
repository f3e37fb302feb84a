package dev.cartwright.returns.domain;

/** One line of a return request as the customer asked for it, already parsed. */
public record RequestedItem(String orderItemId, int quantity, ReturnReason reason) {
}
