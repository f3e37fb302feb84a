package dev.cartwright.returns.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * Why an item comes back, from a fixed list. The reason decides money: the shop's faults refund the original
 * shipping (once per order), a change of mind carries the restocking fee.
 */
public enum ReturnReason {
    DAMAGED(true),
    DEFECTIVE(true),
    WRONG_ITEM(true),
    NOT_AS_DESCRIBED(true),
    CHANGED_MIND(false),
    OTHER(false);

    private final boolean shopsFault;

    ReturnReason(boolean shopsFault) {
        this.shopsFault = shopsFault;
    }

    /** The item came back because of something the shop did; the original shipping is refunded. */
    public boolean shopsFault() {
        return shopsFault;
    }

    /** The restocking fee applies. */
    public boolean carriesRestockingFee() {
        return this == CHANGED_MIND;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The reason for its plain word ({@code "defective"}), if it is one of the list. */
    public static Optional<ReturnReason> fromWireName(String word) {
        for (ReturnReason r : values()) {
            if (r.wireName().equals(word)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The accepted words, for error messages. */
    public static String accepted() {
        StringBuilder b = new StringBuilder();
        for (ReturnReason r : values()) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(r.wireName());
        }
        return b.toString();
    }
}
