package dev.cartwright.order.migration;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A one-to-one list of words between order_db (upper case, the monolith's own terms: a checkout is PENDING, a return
 * RECEIVED) and the new schemas (the lower-case enum names of the contracts). A word missing from the list is a
 * {@link ConversionException}: an unknown status must stop its row, not be guessed.
 */
public final class Vocabulary {

    public static final Vocabulary CART_STATUS = of("carts.status",
        "ACTIVE", "active", "MERGED", "merged", "CONVERTED", "converted", "ABANDONED", "abandoned");
    public static final Vocabulary CHECKOUT_STATUS = of("checkouts.status",
        "PENDING", "open", "PROCESSING", "confirming", "COMPLETED", "completed", "FAILED", "failed", "EXPIRED", "expired");
    public static final Vocabulary ADDRESS_KIND = of("checkout_addresses.kind", "SHIPPING", "shipping", "BILLING", "billing");
    public static final Vocabulary RETURN_STATUS = of("return_requests.status",
        "PENDING", "requested", "APPROVED", "approved", "REJECTED", "rejected", "RECEIVED", "items_received",
        "REFUNDED", "refunded", "COMPLETED", "completed", "CANCELLED", "cancelled");
    public static final Vocabulary RESOLUTION = of("return_requests.resolution",
        "REFUND", "refund", "EXCHANGE", "exchange", "STORE_CREDIT", "store_credit");
    public static final Vocabulary RETURN_REASON = of("return_items.reason",
        "DAMAGED", "damaged", "DEFECTIVE", "defective", "WRONG_ITEM", "wrong_item", "NOT_AS_DESCRIBED", "not_as_described",
        "CHANGED_MIND", "changed_mind", "OTHER", "other");
    public static final Vocabulary REFUND_KIND = of("return_refunds.kind",
        "REFUND", "refund", "STORE_CREDIT", "store_credit", "EXCHANGE", "exchange");
    public static final Vocabulary REFUND_STATUS = of("return_refunds.status",
        "PENDING", "pending", "COMPLETED", "completed", "FAILED", "failed");

    private final String column;
    private final Map<String, String> toNew;
    private final Map<String, String> toLegacy;

    private Vocabulary(String column, Map<String, String> toNew, Map<String, String> toLegacy) {
        this.column = column;
        this.toNew = toNew;
        this.toLegacy = toLegacy;
    }

    private static Vocabulary of(String column, String... legacyThenNew) {
        Map<String, String> toNew = new LinkedHashMap<>();
        Map<String, String> toLegacy = new LinkedHashMap<>();
        for (int i = 0; i < legacyThenNew.length; i += 2) {
            toNew.put(legacyThenNew[i], legacyThenNew[i + 1]);
            toLegacy.put(legacyThenNew[i + 1], legacyThenNew[i]);
        }
        return new Vocabulary(column, Map.copyOf(toNew), Map.copyOf(toLegacy));
    }

    /** The new schema's word for a legacy word (compared ignoring case and surrounding blanks); null stays null. */
    public String toNew(Object legacy) {
        if (legacy == null) {
            return null;
        }
        String word = toNew.get(legacy.toString().trim().toUpperCase(Locale.ROOT));
        if (word == null) {
            throw new ConversionException(column + ": no new word for legacy value '" + legacy + "'; known: " + toNew.keySet());
        }
        return word;
    }

    /** The legacy word for a new schema's word; null stays null. */
    public String toLegacy(Object word) {
        if (word == null) {
            return null;
        }
        String legacy = toLegacy.get(word.toString());
        if (legacy == null) {
            throw new ConversionException(column + ": no legacy word for '" + word + "'; known: " + toLegacy.keySet());
        }
        return legacy;
    }
}
