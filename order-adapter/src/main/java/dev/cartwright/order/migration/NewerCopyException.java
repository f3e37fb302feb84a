package dev.cartwright.order.migration;

/**
 * A mirror found order_db holding a newer copy of the aggregate than the one it was about to write (or a copy changed
 * after the aggregate was deleted in the new database): nothing was written, and the mirror stays pending with this
 * message until an operator decides which copy stands.
 */
final class NewerCopyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    NewerCopyException(String message) {
        super(message);
    }
}
