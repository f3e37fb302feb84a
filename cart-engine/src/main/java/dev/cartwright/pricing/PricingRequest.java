package dev.cartwright.pricing;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the totals calculation needs from the caller besides the snapshot.
 *
 * @param lines the cart's lines, in any order (the result does not depend on it)
 * @param promotionCodes the codes applied to the cart, in the order they were applied (earlier codes win
 *     stacking conflicts)
 * @param region the tax region of the delivery address, a key of the tax table
 * @param shipping the shipping amount the customer chose, in minor units, before any free-shipping promotion
 * @param priorUsage how often this customer already used each code; codes not in the map count as unused
 * @param now the instant promotion validity windows are judged at
 */
public record PricingRequest(
    List<PricingLine> lines,
    List<String> promotionCodes,
    String region,
    long shipping,
    Map<String, Integer> priorUsage,
    Instant now) {

    public PricingRequest {
        lines = List.copyOf(lines);
        promotionCodes = List.copyOf(promotionCodes);
        Objects.requireNonNull(region, "region");
        priorUsage = Map.copyOf(priorUsage);
        Objects.requireNonNull(now, "now");
        if (shipping < 0) {
            throw new IllegalArgumentException("shipping must not be negative: " + shipping);
        }
    }

    /** How often the customer already used {@code code}. */
    public int priorUsageOf(String code) {
        Integer used = priorUsage.get(code);
        return used == null ? 0 : used;
    }

    public PricingRequest withLines(List<PricingLine> newLines) {
        return new PricingRequest(newLines, promotionCodes, region, shipping, priorUsage, now);
    }

    public PricingRequest withPromotionCodes(List<String> codes) {
        return new PricingRequest(lines, codes, region, shipping, priorUsage, now);
    }
}
