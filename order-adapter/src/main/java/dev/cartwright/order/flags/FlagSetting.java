package dev.cartwright.order.flags;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * One flag's setting: the share of subjects it is on for, in basis points (0 = off for everyone, 10 000 = on for
 * everyone). A plain switch is one of the two ends; a rollout sits in between (10% = 1 000).
 */
public record FlagSetting(int basisPoints) {

    /** Basis points of "everyone": 100%. */
    public static final int ALL = 10_000;

    public static final FlagSetting OFF = new FlagSetting(0);
    public static final FlagSetting ON = new FlagSetting(ALL);

    public FlagSetting {
        if (basisPoints < 0 || basisPoints > ALL) {
            throw new IllegalArgumentException("a flag's share must be between 0% and 100%, was " + basisPoints + " basis points");
        }
    }

    /** A share given in percent with at most two decimals, e.g. 12.5 for 12.5%. */
    public static FlagSetting percent(double percent) {
        return parse(BigDecimal.valueOf(percent).toPlainString() + "%");
    }

    /**
     * Reads {@code on}, {@code off}, {@code true}, {@code false}, {@code 1}, {@code 0} or a percentage such as
     * {@code 10%} or {@code 12.5%} (at most two decimals: the bucket grid is one basis point).
     *
     * @throws IllegalArgumentException naming what was wrong
     */
    public static FlagSetting parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "on", "true", "yes", "1":
                return ON;
            case "off", "false", "no", "0":
                return OFF;
            default:
                break;
        }
        if (!value.endsWith("%")) {
            throw new IllegalArgumentException("expected on, off or a percentage such as 10%, was '" + text + "'");
        }
        BigDecimal percent;
        try {
            percent = new BigDecimal(value.substring(0, value.length() - 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a percentage such as 10% or 12.5%, was '" + text + "'");
        }
        BigDecimal basisPoints = percent.movePointRight(2);
        if (basisPoints.signum() < 0 || basisPoints.compareTo(BigDecimal.valueOf(ALL)) > 0) {
            throw new IllegalArgumentException("a percentage must be between 0% and 100%, was '" + text + "'");
        }
        try {
            return new FlagSetting(basisPoints.intValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("a percentage has at most two decimals, was '" + text + "'");
        }
    }

    /** On for every subject. */
    public boolean fullyOn() {
        return basisPoints == ALL;
    }

    /** Off for every subject. */
    public boolean off() {
        return basisPoints == 0;
    }

    /** Whether a subject in {@code bucket} (0..9 999) is inside the share. */
    public boolean covers(int bucket) {
        return bucket < basisPoints;
    }

    @Override
    public String toString() {
        if (fullyOn()) {
            return "on";
        }
        if (off()) {
            return "off";
        }
        return BigDecimal.valueOf(basisPoints, 2).stripTrailingZeros().toPlainString() + "%";
    }
}
