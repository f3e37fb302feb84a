package dev.cartwright.cart;

/**
 * The shapes of the identifiers and codes a cart stores. They are checked when a command is built, so that the
 * store's compact encodings (a line is one '|'-separated hash value, promotion codes a ','-separated list) never
 * meet a separator inside a value, and so that bad input is refused before anything is written.
 */
public final class CartText {

    private static final int MAX_CART_ID_LENGTH = 64;
    private static final int MAX_CODE_LENGTH = 64;
    private static final int MAX_ID_LENGTH = 128;

    private CartText() {
    }

    /** Letters, digits, '-' and '_', 1 to 64 characters: what {@link CartIds} mints, and nothing that breaks a key. */
    public static boolean isCartId(String cartId) {
        // Checked on every request and every cart read, so by hand rather than with a regular expression.
        if (cartId == null || cartId.isEmpty() || cartId.length() > MAX_CART_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < cartId.length(); i++) {
            char c = cartId.charAt(i);
            if (!isAsciiLetterOrDigit(c) && c != '-' && c != '_') {
                return false;
            }
        }
        return true;
    }

    public static String requireCartId(String cartId) {
        if (!isCartId(cartId)) {
            throw new IllegalArgumentException("cart id must be 1-64 letters, digits, '-' or '_': " + cartId);
        }
        return cartId;
    }

    public static boolean isPromotionCode(String code) {
        if (code == null || code.isEmpty() || code.length() > MAX_CODE_LENGTH) {
            return false;
        }
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (!isAsciiLetterOrDigit(c) && c != '-' && c != '_' && c != '.') {
                return false;
            }
        }
        return true;
    }

    public static String requirePromotionCode(String code) {
        if (!isPromotionCode(code)) {
            throw new IllegalArgumentException("promotion code must be 1-64 letters, digits, '.', '-' or '_': " + code);
        }
        return code;
    }

    public static String requireCurrency(String currency) {
        if (currency == null || currency.length() != 3 || !isUpperAscii(currency.charAt(0)) || !isUpperAscii(currency.charAt(1))
            || !isUpperAscii(currency.charAt(2))) {
            throw new IllegalArgumentException("currency must be an ISO 4217 code: " + currency);
        }
        return currency;
    }

    public static String requireProductId(String productId) {
        return requireToken(productId, "productId");
    }

    public static String requireCategoryId(String categoryId) {
        String checked = requireToken(categoryId, "categoryId");
        if (checked.indexOf('|') >= 0) {
            throw new IllegalArgumentException("categoryId must not contain '|': " + categoryId);
        }
        return checked;
    }

    /** "" (a guest) or an id without control characters. */
    public static String requireCustomerId(String customerId) {
        if (customerId == null) {
            throw new IllegalArgumentException("customerId must not be null (\"\" for a guest)");
        }
        if (!customerId.isEmpty()) {
            requireToken(customerId, "customerId");
        }
        return customerId;
    }

    /** Whether {@link #requireCustomerId} accepts {@code customerId}: "" (a guest) or an id. */
    public static boolean isCustomerId(String customerId) {
        return customerId != null && (customerId.isEmpty() || isToken(customerId));
    }

    private static boolean isToken(String value) {
        if (value.isEmpty() || value.length() > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                return false;
            }
        }
        return true;
    }

    /** Non-blank, at most 128 characters, no whitespace or control characters. */
    static String requireToken(String value, String what) {
        if (value == null || value.isEmpty() || value.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException(what + " must be 1-" + MAX_ID_LENGTH + " characters: " + value);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException(what + " must not contain whitespace or control characters: " + value);
            }
        }
        return value;
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || isUpperAscii(c) || (c >= '0' && c <= '9');
    }

    private static boolean isUpperAscii(char c) {
        return c >= 'A' && c <= 'Z';
    }
}
