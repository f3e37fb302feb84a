package dev.cartwright.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Objects;

/**
 * An exact amount of one currency, held as a {@code long} of minor units (cents for EUR, yen for JPY).
 *
 * <p>Arithmetic is exact: sums and products raise {@link ArithmeticException} on overflow instead of wrapping,
 * and rounding happens only where a division does, with the caller naming the {@link RoundingMode}. Amounts of
 * different currencies never mix: that raises {@link CurrencyMismatchException}.
 */
public record Money(long amount, Currency currency) implements Comparable<Money> {

    public Money {
        Objects.requireNonNull(currency, "currency");
    }

    public static Money of(long amount, Currency currency) {
        return new Money(amount, currency);
    }

    public static Money of(long amount, String currencyCode) {
        return new Money(amount, Currency.getInstance(currencyCode));
    }

    public static Money zero(Currency currency) {
        return new Money(0, currency);
    }

    /**
     * Parses a decimal major-unit amount ("12.34") exactly; more decimals than the currency has is an error.
     */
    public static Money parse(String major, Currency currency) {
        BigDecimal minor = new BigDecimal(major).movePointRight(currency.getDefaultFractionDigits());
        return new Money(minor.longValueExact(), currency);
    }

    public Money plus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.addExact(amount, other.amount), currency);
    }

    public Money minus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.subtractExact(amount, other.amount), currency);
    }

    public Money times(long factor) {
        return new Money(Math.multiplyExact(amount, factor), currency);
    }

    public Money negate() {
        return new Money(Math.negateExact(amount), currency);
    }

    /** Divides by {@code divisor}, rounding the quotient to a whole minor unit with {@code rounding}. */
    public Money dividedBy(long divisor, RoundingMode rounding) {
        return new Money(MinorUnits.divide(amount, divisor, rounding), currency);
    }

    /** Takes {@code basisPoints} / 10 000 of this amount (2 000 bp = 20 %), rounded with {@code rounding}. */
    public Money basisPoints(int basisPoints, RoundingMode rounding) {
        return new Money(MinorUnits.basisPointsOf(amount, basisPoints, rounding), currency);
    }

    /** The smaller of the two amounts; used to cap a discount at what it applies to. */
    public Money min(Money other) {
        requireSameCurrency(other);
        return amount <= other.amount ? this : other;
    }

    public Money max(Money other) {
        requireSameCurrency(other);
        return amount >= other.amount ? this : other;
    }

    public boolean isZero() {
        return amount == 0;
    }

    public boolean isNegative() {
        return amount < 0;
    }

    public boolean isPositive() {
        return amount > 0;
    }

    public boolean isSameCurrency(Money other) {
        return currency.equals(other.currency);
    }

    @Override
    public int compareTo(Money other) {
        requireSameCurrency(other);
        return Long.compare(amount, other.amount);
    }

    /** The amount in major units as an exact decimal, e.g. 1234 EUR minor units is 12.34. */
    public BigDecimal toMajor() {
        return BigDecimal.valueOf(amount, Math.max(0, currency.getDefaultFractionDigits()));
    }

    /** Throws {@link CurrencyMismatchException} unless {@code other} is in this currency. */
    public void requireSameCurrency(Money other) {
        if (!currency.equals(other.currency)) {
            throw new CurrencyMismatchException(currency, other.currency);
        }
    }

    @Override
    public String toString() {
        return toMajor().toPlainString() + " " + currency.getCurrencyCode();
    }
}
