package dev.cartwright.service.auth;

import java.util.Locale;

/**
 * Why a bearer token was refused: a stable reason (the same one {@code cartwright_auth_rejected_total} counts, such as
 * {@code unknown_key} or {@code missing_claim}) and a message for the caller. The endpoint answers it UNAUTHENTICATED.
 */
public final class TokenRejected extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    TokenRejected(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** The reason in lower snake case, as the metric labels it. */
    public String reason() {
        return reason;
    }

    /** The reason as an ErrorInfo reason: {@code unknown_key} is {@code UNKNOWN_KEY}. */
    public String errorReason() {
        return reason.toUpperCase(Locale.ROOT);
    }
}
