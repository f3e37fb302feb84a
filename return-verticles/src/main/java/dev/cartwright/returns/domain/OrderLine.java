package dev.cartwright.returns.domain;

/**
 * One line of a delivered order as the Return Service keeps it: what was bought and what the customer paid for it,
 * in minor units ({@code total} = unit price times quantity, minus {@code discount}, plus {@code tax}, as the order
 * reported it).
 */
public record OrderLine(String orderItemId, String productId, String categoryId, int quantity, long unitPrice, long discount,
                        long tax, long total) {
}
