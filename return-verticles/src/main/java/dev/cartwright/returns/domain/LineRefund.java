package dev.cartwright.returns.domain;

/**
 * The money for the units of one line in one return: their share of what the line paid, the restocking fee kept,
 * and what is given back ({@code paidShare - restockingFee}).
 */
public record LineRefund(String orderItemId, int quantity, long paidShare, long restockingFee, long amount) {
}
