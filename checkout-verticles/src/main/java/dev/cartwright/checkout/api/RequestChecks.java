package dev.cartwright.checkout.api;

import dev.cartwright.service.grpc.RpcError;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Owns the shape every request field must have before anything is read or written. Each check names the field
 * in its INVALID_ARGUMENT message, so a client knows what to fix; nothing has been touched when one fails.
 */
final class RequestChecks {

    private static final int MAX_ID = 64;
    private static final int MAX_IDEMPOTENCY_KEY = 128;
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern CURRENCY = Pattern.compile("[A-Za-z]{3}");
    private static final Pattern REGION = Pattern.compile("[A-Za-z0-9-]{1,16}");

    private RequestChecks() {
    }

    /** An opaque id: 1-64 characters of letters, digits, '.', '_', ':' and '-'. */
    static String id(String field, String value) {
        if (value.isEmpty()) {
            throw invalid(field, "is required");
        }
        if (value.length() > MAX_ID || !isIdText(value)) {
            throw invalid(field, "must be 1-64 characters of letters, digits, '.', '_', ':' or '-'");
        }
        return value;
    }

    /** An id that may be left empty (a guest has no customer id). */
    static String optionalId(String field, String value) {
        return value.isEmpty() ? value : id(field, value);
    }

    static int quantity(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw invalid(field, "must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    /** A promotion code, returned in the upper case the carts hold codes in. */
    static String code(String field, String value) {
        if (value.isEmpty()) {
            throw invalid(field, "is required");
        }
        if (!CODE.matcher(value).matches()) {
            throw invalid(field, "must be 1-32 characters of letters, digits, '_' or '-'");
        }
        return value.toUpperCase(Locale.ROOT);
    }

    static String idempotencyKey(String field, String value) {
        if (value.length() > MAX_IDEMPOTENCY_KEY || !isIdText(value)) {
            throw invalid(field, "must be at most 128 characters of letters, digits, '.', '_', ':' or '-'");
        }
        return value;
    }

    /** A currency code, upper-cased; "" stays "" (the caller picks the default). */
    static String currency(String field, String value) {
        if (value.isEmpty()) {
            return value;
        }
        if (!CURRENCY.matcher(value).matches()) {
            throw invalid(field, "must be a three-letter ISO 4217 code");
        }
        return value.toUpperCase(Locale.ROOT);
    }

    static String region(String field, String value) {
        if (value.isEmpty()) {
            return value;
        }
        if (!REGION.matcher(value).matches()) {
            throw invalid(field, "must be 1-16 characters of letters, digits or '-'");
        }
        return value.toUpperCase(Locale.ROOT);
    }

    static long expectedVersion(String field, long value) {
        if (value < 1) {
            throw invalid(field, "must be at least 1, was " + value);
        }
        return value;
    }

    /**
     * Letters, digits, '.', '_', ':' and '-' only. Ids and keys arrive with every call, so they are checked by hand
     * rather than with a regular expression (RequestChecksProperties holds the two to the same answers).
     */
    private static boolean isIdText(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == ':' || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    static RpcError invalid(String field, String problem) {
        return RpcError.invalidField(field, problem);
    }
}
