package dev.cartwright.returns.workflow;

/** What the warehouse found for one returned line. */
public record ReceivedLine(String orderItemId, int quantityReceived, String condition, boolean passedInspection) {
}
