package dev.cartwright.pricing;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The tax rules of one region: whether prices include tax, the standard rate, and rates for other tax classes
 * (reduced, zero, ...). Rates are basis points: 2 000 bp is 20 %.
 */
public record RegionTax(TaxMode mode, int standardRateBasisPoints, Map<String, Integer> rateByTaxClass) {

    public RegionTax {
        Objects.requireNonNull(mode, "mode");
        requireRate(standardRateBasisPoints, "standardRateBasisPoints");
        rateByTaxClass = Map.copyOf(rateByTaxClass);
        for (Map.Entry<String, Integer> rate : rateByTaxClass.entrySet()) {
            requireRate(rate.getValue(), "rate of tax class " + rate.getKey());
        }
    }

    public static RegionTax inclusive(int standardRateBasisPoints) {
        return new RegionTax(TaxMode.INCLUSIVE, standardRateBasisPoints, Map.of());
    }

    public static RegionTax exclusive(int standardRateBasisPoints) {
        return new RegionTax(TaxMode.EXCLUSIVE, standardRateBasisPoints, Map.of());
    }

    public RegionTax withClassRate(String taxClass, int rateBasisPoints) {
        Map<String, Integer> copy = new HashMap<>(rateByTaxClass);
        copy.put(taxClass, rateBasisPoints);
        return new RegionTax(mode, standardRateBasisPoints, copy);
    }

    /** The rate for {@code taxClass}, the standard rate when the class has none of its own. */
    public int rateFor(String taxClass) {
        Integer rate = taxClass == null ? null : rateByTaxClass.get(taxClass);
        return rate == null ? standardRateBasisPoints : rate;
    }

    private static void requireRate(int basisPoints, String name) {
        // A rate above 100 % exists nowhere we sell and would let inclusive extraction exceed half the price.
        if (basisPoints < 0 || basisPoints > MinorUnits.FULL_BASIS_POINTS) {
            throw new IllegalArgumentException(name + " must be within 0..10000 basis points: " + basisPoints);
        }
    }
}
