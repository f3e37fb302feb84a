package dev.cartwright.cart;

/**
 * Where a cart is in its life. Only an ACTIVE cart takes changes; the other three are terminal: MERGED (folded into
 * another cart), CONVERTED (became an order), ABANDONED (idle past the abandonment threshold).
 */
public enum CartStatus {
    ACTIVE,
    MERGED,
    CONVERTED,
    ABANDONED;

    public boolean isActive() {
        return this == ACTIVE;
    }
}
