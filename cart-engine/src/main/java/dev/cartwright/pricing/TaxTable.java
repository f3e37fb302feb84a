package dev.cartwright.pricing;

import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable tax table: region code to {@link RegionTax}, and the one rounding mode every line's tax is
 * rounded with.
 *
 * <p>Tax is computed per line on the line's amount after all discounts, and rounded to a whole minor unit
 * with {@link #rounding()} ({@link RoundingMode#HALF_UP} unless configured otherwise): exclusive regions add
 * {@code round(net * rate / 10 000)}, inclusive regions extract {@code round(gross * rate / (10 000 + rate))}.
 */
public final class TaxTable {

    /** Commercial rounding: half a cent rounds up, as most tax authorities expect per invoice line. */
    public static final RoundingMode DEFAULT_ROUNDING = RoundingMode.HALF_UP;

    private final Map<String, RegionTax> regions;
    private final RoundingMode rounding;

    public TaxTable(Map<String, RegionTax> regions, RoundingMode rounding) {
        this.regions = Map.copyOf(regions);
        this.rounding = Objects.requireNonNull(rounding, "rounding");
        if (rounding == RoundingMode.UNNECESSARY) {
            throw new IllegalArgumentException("tax rounding must name a real rounding mode, not UNNECESSARY");
        }
    }

    public static TaxTable of(Map<String, RegionTax> regions) {
        return new TaxTable(regions, DEFAULT_ROUNDING);
    }

    /** A new table with {@code region} set to {@code tax}. */
    public TaxTable withRegion(String region, RegionTax tax) {
        Map<String, RegionTax> copy = new HashMap<>(regions);
        copy.put(region, tax);
        return new TaxTable(copy, rounding);
    }

    public TaxTable withoutRegion(String region) {
        Map<String, RegionTax> copy = new HashMap<>(regions);
        copy.remove(region);
        return new TaxTable(copy, rounding);
    }

    public boolean knows(String region) {
        return regions.containsKey(region);
    }

    /** The rules of {@code region}, or null when the table has none (allocation-free lookup). */
    public RegionTax regionOrNull(String region) {
        return regions.get(region);
    }

    public Set<String> regions() {
        return regions.keySet();
    }

    public RoundingMode rounding() {
        return rounding;
    }
}
