package dev.cartwright.order.migration;

/** The primary write's own result, and what became of its mirror in order_db. */
public record DualWriteResult<T>(T value, MirrorOutcome mirror) {
}
