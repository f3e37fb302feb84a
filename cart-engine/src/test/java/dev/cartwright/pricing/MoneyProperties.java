package dev.cartwright.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Currency;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Money arithmetic is exact: it agrees with unbounded arithmetic wherever the result fits, and fails loudly where it does not. */
class MoneyProperties {

    private static final Currency EUR = Currency.getInstance("EUR");
    private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

    @Provide
    Arbitrary<RoundingMode> roundingModes() {
        return Arbitraries.of(RoundingMode.UP, RoundingMode.DOWN, RoundingMode.CEILING, RoundingMode.FLOOR, RoundingMode.HALF_UP,
            RoundingMode.HALF_DOWN, RoundingMode.HALF_EVEN);
    }

    @Property
    void additionIsExactOrOverflowIsDetected(@ForAll long a, @ForAll long b) {
        BigInteger exact = BigInteger.valueOf(a).add(BigInteger.valueOf(b));
        if (fits(exact)) {
            assertThat(Money.of(a, EUR).plus(Money.of(b, EUR)).amount()).isEqualTo(exact.longValueExact());
        } else {
            assertThatThrownBy(() -> Money.of(a, EUR).plus(Money.of(b, EUR))).isInstanceOf(ArithmeticException.class);
        }
    }

    @Property
    void subtractionIsExactOrOverflowIsDetected(@ForAll long a, @ForAll long b) {
        BigInteger exact = BigInteger.valueOf(a).subtract(BigInteger.valueOf(b));
        if (fits(exact)) {
            assertThat(Money.of(a, EUR).minus(Money.of(b, EUR)).amount()).isEqualTo(exact.longValueExact());
        } else {
            assertThatThrownBy(() -> Money.of(a, EUR).minus(Money.of(b, EUR))).isInstanceOf(ArithmeticException.class);
        }
    }

    @Property
    void multiplicationIsExactOrOverflowIsDetected(@ForAll long a, @ForAll long factor) {
        BigInteger exact = BigInteger.valueOf(a).multiply(BigInteger.valueOf(factor));
        if (fits(exact)) {
            assertThat(Money.of(a, EUR).times(factor).amount()).isEqualTo(exact.longValueExact());
        } else {
            assertThatThrownBy(() -> Money.of(a, EUR).times(factor)).isInstanceOf(ArithmeticException.class);
        }
    }

    @Property
    void divisionRoundsExactlyAsBigDecimalDoes(@ForAll long dividend, @ForAll long divisor,
        @ForAll("roundingModes") RoundingMode mode) {
        Assume.that(divisor != 0);
        BigDecimal exact = new BigDecimal(dividend).divide(new BigDecimal(divisor), 0, mode);
        if (fits(exact.toBigIntegerExact())) {
            assertThat(MinorUnits.divide(dividend, divisor, mode)).isEqualTo(exact.longValueExact());
        } else {
            assertThatThrownBy(() -> MinorUnits.divide(dividend, divisor, mode)).isInstanceOf(ArithmeticException.class);
        }
    }

    @Property
    void scalingRoundsExactlyAsBigDecimalDoes(@ForAll long value, @ForAll long numerator, @ForAll long denominator,
        @ForAll("roundingModes") RoundingMode mode) {
        Assume.that(denominator != 0);
        BigDecimal exact = new BigDecimal(BigInteger.valueOf(value).multiply(BigInteger.valueOf(numerator)))
            .divide(new BigDecimal(denominator), 0, mode);
        if (fits(exact.toBigIntegerExact())) {
            assertThat(MinorUnits.scale(value, numerator, denominator, mode)).isEqualTo(exact.longValueExact());
        } else {
            assertThatThrownBy(() -> MinorUnits.scale(value, numerator, denominator, mode)).isInstanceOf(ArithmeticException.class);
        }
    }

    @Property
    void basisPointsOfAnAmountNeverExceedTheAmount(@ForAll("amounts") long amount, @ForAll("basisPoints") int basisPoints,
        @ForAll("roundingModes") RoundingMode mode) {
        long share = MinorUnits.basisPointsOf(amount, basisPoints, mode);

        assertThat(share).isBetween(0L, amount);
    }

    @Property
    void currenciesNeverMix(@ForAll long a, @ForAll long b, @ForAll("otherCurrencies") Currency other) {
        assertThatThrownBy(() -> Money.of(a, EUR).plus(Money.of(b, other))).isInstanceOf(CurrencyMismatchException.class);
        assertThatThrownBy(() -> Money.of(a, EUR).minus(Money.of(b, other))).isInstanceOf(CurrencyMismatchException.class);
    }

    @Provide
    Arbitrary<Long> amounts() {
        return Arbitraries.longs().between(0, Long.MAX_VALUE);
    }

    @Provide
    Arbitrary<Integer> basisPoints() {
        return Arbitraries.integers().between(0, 10_000);
    }

    @Provide
    Arbitrary<Currency> otherCurrencies() {
        return Arbitraries.of("USD", "GBP", "JPY", "CHF", "SEK").map(Currency::getInstance);
    }

    private static boolean fits(BigInteger value) {
        return value.compareTo(MIN) >= 0 && value.compareTo(MAX) <= 0;
    }
}
