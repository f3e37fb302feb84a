package dev.cartwright.order.migration;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;

/**
 * Money between the two shapes: order_db's {@code numeric(12,2)} amounts in the currency's major unit (12.99) and the
 * new schemas' {@code bigint} minor units (1299). Exact both ways or refused: an amount that does not fit the other
 * side without rounding (a JPY amount with cents, a minor-unit amount of a three-decimal currency that
 * {@code numeric(12,2)} cannot hold) is a {@link ConversionException}, never a rounded number.
 *
 * <p>The number of minor digits is the currency's ISO 4217 default (USD and EUR 2, JPY 0, KWD 3).
 */
public final class LegacyAmounts {

    /** The scale of every legacy money column: {@code numeric(12,2)}. */
    public static final int LEGACY_SCALE = 2;

    private LegacyAmounts() {
    }

    /** Minor units of a legacy amount: {@code amount × 10^digits(currency)}, exactly. */
    public static long fromLegacy(BigDecimal amount, String currency) {
        int digits = digits(currency);
        try {
            return amount.movePointRight(digits).longValueExact();
        } catch (ArithmeticException e) {
            throw new ConversionException("amount " + amount.toPlainString() + " " + currency + " is not a whole number of minor units ("
                + digits + " decimals)");
        }
    }

    /** The legacy amount of {@code minor} units, at {@value #LEGACY_SCALE} decimals, exactly. */
    public static BigDecimal toLegacy(long minor, String currency) {
        BigDecimal amount = BigDecimal.valueOf(minor, digits(currency));
        try {
            return amount.setScale(LEGACY_SCALE, RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new ConversionException(minor + " minor units of " + currency + " (" + amount.toPlainString()
                + ") do not fit order_db's numeric(12,2) without rounding");
        }
    }

    /** Decimals of {@code currency}'s minor unit. */
    public static int digits(String currency) {
        Currency known;
        try {
            known = Currency.getInstance(currency);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConversionException("unknown currency '" + currency + "'");
        }
        int digits = known.getDefaultFractionDigits();
        if (digits < 0) {
            throw new ConversionException("currency " + currency + " has no minor unit");
        }
        return digits;
    }
}
