package dev.cartwright.order.migration;

/** A row that cannot be carried to the other side as it is; the message names the table, column and value. */
public final class ConversionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConversionException(String message) {
        super(message);
    }

    public ConversionException(String message, Throwable cause) {
        super(message, cause);
    }
}
