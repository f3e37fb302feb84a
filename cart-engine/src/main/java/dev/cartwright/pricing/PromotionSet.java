package dev.cartwright.pricing;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The immutable set of promotions customers can apply, by code, and the stacking limit: how many promotions
 * one cart may carry at most.
 */
public final class PromotionSet {

    public static final int DEFAULT_MAX_PER_CART = 3;

    private final Map<String, Promotion> byCode;
    private final int maxPromotionsPerCart;

    private PromotionSet(Map<String, Promotion> byCode, int maxPromotionsPerCart) {
        if (maxPromotionsPerCart < 1) {
            throw new IllegalArgumentException("maxPromotionsPerCart must be at least 1: " + maxPromotionsPerCart);
        }
        this.byCode = byCode;
        this.maxPromotionsPerCart = maxPromotionsPerCart;
    }

    public static PromotionSet empty(int maxPromotionsPerCart) {
        return new PromotionSet(Map.of(), maxPromotionsPerCart);
    }

    /** A set of {@code promotions}; a later promotion with the same code replaces an earlier one. */
    public static PromotionSet of(int maxPromotionsPerCart, Collection<Promotion> promotions) {
        return empty(maxPromotionsPerCart).withPromotions(promotions);
    }

    /** A new set with {@code changed} promotions added or replacing those with the same code. */
    public PromotionSet withPromotions(Collection<Promotion> changed) {
        Map<String, Promotion> copy = new HashMap<>(byCode);
        for (Promotion promotion : changed) {
            copy.put(promotion.code(), promotion);
        }
        return new PromotionSet(Collections.unmodifiableMap(copy), maxPromotionsPerCart);
    }

    /** A new set without the given codes. */
    public PromotionSet withoutCodes(Collection<String> codes) {
        Map<String, Promotion> copy = new HashMap<>(byCode);
        for (String code : codes) {
            copy.remove(code);
        }
        return new PromotionSet(Collections.unmodifiableMap(copy), maxPromotionsPerCart);
    }

    public PromotionSet withMaxPromotionsPerCart(int max) {
        return new PromotionSet(byCode, max);
    }

    public Optional<Promotion> find(String code) {
        return Optional.ofNullable(byCode.get(code));
    }

    /** The promotion with {@code code}, or null when there is none (allocation-free lookup). */
    public Promotion promotionOrNull(String code) {
        return byCode.get(code);
    }

    public int maxPromotionsPerCart() {
        return maxPromotionsPerCart;
    }

    public int size() {
        return byCode.size();
    }

    /** All promotions, unmodifiable, in no particular order. */
    public Collection<Promotion> promotions() {
        return byCode.values();
    }
}
