package dev.cartwright.checkout.catalogue;

import dev.cartwright.pricing.RegionTax;
import dev.cartwright.pricing.TaxMode;
import dev.cartwright.pricing.TaxTable;
import dev.cartwright.service.config.ConfigException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Owns the text form of the tax table in configuration. No neighbour serves tax rules, so they are
 * configuration: {@code REGION=MODE:RATE[:CLASS=RATE,...]} entries separated by {@code ;}, rates in basis
 * points, e.g. {@code DE=inclusive:1900:food=700,books=700}.
 */
public final class TaxRules {

    /** A few regions of each kind: US states add tax to net prices, EU countries include it. */
    public static final String DEFAULT = "US=exclusive:0;US-CA=exclusive:725;US-NY=exclusive:400:food=0;"
        + "US-TX=exclusive:625:food=0;DE=inclusive:1900:food=700,books=700;FR=inclusive:2000:food=550,books=550;"
        + "GB=inclusive:2000:food=0,books=0;NL=inclusive:2100:food=900,books=900";

    private TaxRules() {
    }

    /** Parses {@code text}; a malformed entry raises {@link ConfigException} naming {@code key} and the entry. */
    public static TaxTable parse(String key, String text) {
        Map<String, RegionTax> regions = new HashMap<>();
        for (String entry : text.split(";")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            try {
                int eq = trimmed.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("expected REGION=MODE:RATE");
                }
                String region = trimmed.substring(0, eq).trim();
                String[] parts = trimmed.substring(eq + 1).split(":");
                if (parts.length < 2 || parts.length > 3) {
                    throw new IllegalArgumentException("expected MODE:RATE[:CLASS=RATE,...]");
                }
                TaxMode mode = TaxMode.valueOf(parts[0].trim().toUpperCase(Locale.ROOT));
                RegionTax tax = new RegionTax(mode, Integer.parseInt(parts[1].trim()), Map.of());
                if (parts.length == 3) {
                    for (String classRate : parts[2].split(",")) {
                        String[] kv = classRate.split("=");
                        if (kv.length != 2) {
                            throw new IllegalArgumentException("expected CLASS=RATE, was " + classRate);
                        }
                        tax = tax.withClassRate(kv[0].trim(), Integer.parseInt(kv[1].trim()));
                    }
                }
                if (regions.put(region, tax) != null) {
                    throw new IllegalArgumentException("region " + region + " appears twice");
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, "bad entry '" + trimmed + "': " + e.getMessage());
            }
        }
        if (regions.isEmpty()) {
            throw new ConfigException(key, "names no region");
        }
        return TaxTable.of(regions);
    }
}
