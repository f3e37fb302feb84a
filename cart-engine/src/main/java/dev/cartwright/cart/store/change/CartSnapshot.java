package dev.cartwright.cart.store.change;

import java.util.Objects;
import java.util.function.Function;

import dev.cartwright.cart.store.StoredCart;

/**
 * The cart as a change left it, as a change entry carries it: packed bytes, decoded only by a reader that needs the
 * cart (the write-behind for the newest change of each cart in a batch, the Kafka bridge for an abandoned cart's
 * lines), since most readers of most entries never look at it.
 */
public final class CartSnapshot {

    private final byte[] packed;
    private final Function<byte[], StoredCart> decoder;

    /**
     * @param packed the encoded cart (kept as given, not copied: it is read only)
     * @param decoder turns {@code packed} into the cart; fails with an unchecked exception if the bytes are malformed
     */
    public CartSnapshot(byte[] packed, Function<byte[], StoredCart> decoder) {
        this.packed = Objects.requireNonNull(packed, "packed");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
    }

    /** Decodes the cart (every call decodes again); an unchecked exception if the bytes do not hold a cart. */
    public StoredCart decode() {
        return decoder.apply(packed);
    }

    /** The size of the encoded cart in bytes. */
    public int size() {
        return packed.length;
    }
}
