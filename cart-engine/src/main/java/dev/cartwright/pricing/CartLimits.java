package dev.cartwright.pricing;

/**
 * How much one cart may hold: the quantity range of a line and the number of lines. The cart domain rejects
 * commands that break them (INVALID_ARGUMENT at the edge); the totals calculation refuses such input outright,
 * which also keeps every sum far from overflow.
 */
public record CartLimits(int minQuantityPerLine, int maxQuantityPerLine, int maxLinesPerCart) {

    private static final CartLimits DEFAULTS = new CartLimits(1, 999, 200);

    public CartLimits {
        if (minQuantityPerLine < 1 || maxQuantityPerLine < minQuantityPerLine) {
            throw new IllegalArgumentException(
                "quantity per line must be a range within 1..: " + minQuantityPerLine + ".." + maxQuantityPerLine);
        }
        if (maxLinesPerCart < 1) {
            throw new IllegalArgumentException("maxLinesPerCart must be at least 1: " + maxLinesPerCart);
        }
    }

    /** 1..999 per line, at most 200 lines. */
    public static CartLimits defaults() {
        return DEFAULTS;
    }

    public boolean allowsQuantity(int quantity) {
        return quantity >= minQuantityPerLine && quantity <= maxQuantityPerLine;
    }

    public boolean allowsLineCount(int lines) {
        return lines >= 0 && lines <= maxLinesPerCart;
    }
}
