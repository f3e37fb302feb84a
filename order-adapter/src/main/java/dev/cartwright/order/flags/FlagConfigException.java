package dev.cartwright.order.flags;

/** A flag setting that cannot be used; the message names the flag and where the value came from. */
public final class FlagConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public FlagConfigException(String message) {
        super(message);
    }
}
