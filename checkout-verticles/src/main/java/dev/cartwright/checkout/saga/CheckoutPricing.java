package dev.cartwright.checkout.saga;

import dev.cartwright.checkout.domain.CheckoutTotals;
import dev.cartwright.checkout.domain.FrozenLine;
import dev.cartwright.checkout.domain.PostalAddress;
import dev.cartwright.cart.CartLine;
import dev.cartwright.pricing.LineTotal;
import dev.cartwright.pricing.PricingCore;
import dev.cartwright.pricing.PricingLine;
import dev.cartwright.pricing.PricingRequest;
import dev.cartwright.pricing.TaxMode;
import dev.cartwright.pricing.TaxTable;
import dev.cartwright.pricing.Totals;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Prices a checkout through the pricing core: the frozen lines at the unit prices the cart holds, the cart's
 * promotion codes, the tax region and the chosen shipping, against the snapshot in force now. The same function
 * freezes a cart when a checkout starts and reprices it later, so the two can only differ by what changed in the
 * snapshot (a promotion that ended, a tax rule) or in the shipping choice.
 */
public final class CheckoutPricing {

    /** Lines with their priced amounts, and the totals over them. */
    public record Priced(List<FrozenLine> lines, CheckoutTotals totals) {
        public Priced {
            lines = List.copyOf(lines);
        }
    }

    private final PricingCore pricing;
    private final String defaultRegion;
    private final Clock clock;

    public CheckoutPricing(PricingCore pricing, String defaultRegion, Clock clock) {
        this.pricing = pricing;
        this.defaultRegion = defaultRegion;
        this.clock = clock;
    }

    /** The frozen form of a cart's lines, priced for {@code region} without shipping. */
    public Priced freeze(List<CartLine> cartLines, List<String> codes, String region) {
        List<FrozenLine> lines = new ArrayList<>(cartLines.size());
        for (CartLine l : cartLines) {
            lines.add(new FrozenLine(l.productId(), l.name(), l.categoryId(), l.quantity(), l.unitPriceMinor(), 0, 0, 0, 0, 0));
        }
        return price(lines, codes, region, 0);
    }

    /** Prices {@code lines} now; each line's name and unit price stay as frozen. */
    public Priced price(List<FrozenLine> lines, List<String> codes, String region, long shipping) {
        List<PricingLine> request = new ArrayList<>(lines.size());
        for (FrozenLine l : lines) {
            request.add(new PricingLine(l.productId(), l.categoryId(), l.quantity(), l.unitPrice()));
        }
        Totals totals = pricing.totals(new PricingRequest(request, codes, known(region), shipping, Map.of(), clock.instant()));
        List<FrozenLine> priced = new ArrayList<>(lines.size());
        List<LineTotal> lineTotals = totals.lines();
        for (int i = 0; i < lines.size(); i++) {
            FrozenLine l = lines.get(i);
            LineTotal t = lineTotals.get(i);
            priced.add(new FrozenLine(l.productId(), l.name(), l.categoryId(), l.quantity(), l.unitPrice(), t.subtotal(),
                t.lineDiscount(), t.orderDiscount(), t.tax(), t.total()));
        }
        return new Priced(priced, new CheckoutTotals(totals.subtotal(), totals.discounts(), totals.shipping(), totals.tax(),
            totals.grandTotal(), totals.taxMode() == TaxMode.INCLUSIVE, totals.itemCount()));
    }

    /**
     * The tax region for a delivery to {@code address}: "COUNTRY-REGION" (e.g. US-CA) or "COUNTRY" (e.g. DE) when the
     * tax table knows it, else {@code fallback} (the cart's region).
     */
    public String regionFor(Optional<PostalAddress> address, String fallback) {
        TaxTable table = pricing.current().taxTable();
        if (address.isPresent()) {
            String country = address.get().countryCode().toUpperCase(Locale.ROOT);
            Optional<String> sub = address.get().region().map(r -> r.toUpperCase(Locale.ROOT));
            if (sub.isPresent() && table.knows(country + "-" + sub.get())) {
                return country + "-" + sub.get();
            }
            if (table.knows(country)) {
                return country;
            }
        }
        return known(fallback);
    }

    private String known(String region) {
        return !region.isEmpty() && pricing.current().taxTable().knows(region) ? region : defaultRegion;
    }
}
