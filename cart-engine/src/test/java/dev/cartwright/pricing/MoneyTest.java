package dev.cartwright.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.RoundingMode;
import java.util.Currency;
import org.junit.jupiter.api.Test;

class MoneyTest {

    private static final Currency EUR = Currency.getInstance("EUR");
    private static final Currency USD = Currency.getInstance("USD");
    private static final Currency JPY = Currency.getInstance("JPY");

    @Test
    void addsSubtractsAndMultipliesExactly() {
        Money price = Money.of(1999, EUR);

        assertThat(price.plus(Money.of(1, EUR))).isEqualTo(Money.of(2000, EUR));
        assertThat(price.minus(Money.of(2000, EUR))).isEqualTo(Money.of(-1, EUR));
        assertThat(price.times(3)).isEqualTo(Money.of(5997, EUR));
        assertThat(price.negate()).isEqualTo(Money.of(-1999, EUR));
    }

    @Test
    void overflowIsAnErrorNotAWrap() {
        Money nearlyMax = Money.of(Long.MAX_VALUE - 1, EUR);

        assertThatThrownBy(() -> nearlyMax.plus(Money.of(2, EUR))).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Money.of(Long.MIN_VALUE, EUR).minus(Money.of(1, EUR))).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> nearlyMax.times(2)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Money.of(Long.MIN_VALUE, EUR).negate()).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void mixingCurrenciesIsAnError() {
        Money euros = Money.of(100, EUR);
        Money dollars = Money.of(100, USD);

        assertThatThrownBy(() -> euros.plus(dollars)).isInstanceOf(CurrencyMismatchException.class)
            .hasMessageContaining("EUR").hasMessageContaining("USD");
        assertThatThrownBy(() -> euros.minus(dollars)).isInstanceOf(CurrencyMismatchException.class);
        assertThatThrownBy(() -> euros.compareTo(dollars)).isInstanceOf(CurrencyMismatchException.class);
        assertThatThrownBy(() -> euros.min(dollars)).isInstanceOf(CurrencyMismatchException.class);
    }

    @Test
    void divisionRoundsWithTheNamedMode() {
        Money tenEuros = Money.of(1000, EUR);

        // 1000 / 3 = 333.33...
        assertThat(tenEuros.dividedBy(3, RoundingMode.DOWN).amount()).isEqualTo(333);
        assertThat(tenEuros.dividedBy(3, RoundingMode.UP).amount()).isEqualTo(334);
        assertThat(tenEuros.dividedBy(3, RoundingMode.HALF_UP).amount()).isEqualTo(333);
        // 1000 / 8 = 125 exactly, 1004 / 8 = 125.5
        assertThat(tenEuros.dividedBy(8, RoundingMode.UNNECESSARY).amount()).isEqualTo(125);
        assertThat(Money.of(1004, EUR).dividedBy(8, RoundingMode.HALF_UP).amount()).isEqualTo(126);
        assertThat(Money.of(1004, EUR).dividedBy(8, RoundingMode.HALF_DOWN).amount()).isEqualTo(125);
        assertThat(Money.of(1004, EUR).dividedBy(8, RoundingMode.HALF_EVEN).amount()).isEqualTo(126);
        assertThat(Money.of(1012, EUR).dividedBy(8, RoundingMode.HALF_EVEN).amount()).isEqualTo(126);
        // Negative halves round away from zero with HALF_UP, towards minus infinity with FLOOR.
        assertThat(Money.of(-1004, EUR).dividedBy(8, RoundingMode.HALF_UP).amount()).isEqualTo(-126);
        assertThat(Money.of(-1001, EUR).dividedBy(8, RoundingMode.FLOOR).amount()).isEqualTo(-126);
        assertThat(Money.of(-1001, EUR).dividedBy(8, RoundingMode.CEILING).amount()).isEqualTo(-125);
        assertThatThrownBy(() -> tenEuros.dividedBy(3, RoundingMode.UNNECESSARY)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> tenEuros.dividedBy(0, RoundingMode.HALF_UP)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void basisPointsTakeAShareOfTheAmount() {
        // 19 % of 12.99 is 2.4681, so 2.47 half-up and 2.46 down.
        assertThat(Money.of(1299, EUR).basisPoints(1900, RoundingMode.HALF_UP).amount()).isEqualTo(247);
        assertThat(Money.of(1299, EUR).basisPoints(1900, RoundingMode.DOWN).amount()).isEqualTo(246);
    }

    @Test
    void scalingPastSixtyFourBitsStaysExact() {
        // (2^62 * 10 000) / 20 000 = 2^61: the intermediate product needs more than 64 bits.
        long big = 1L << 62;
        assertThat(MinorUnits.scale(big, 10_000, 20_000, RoundingMode.UNNECESSARY)).isEqualTo(1L << 61);
        assertThatThrownBy(() -> MinorUnits.scale(big, 10_000, 1, RoundingMode.HALF_UP)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void parsesMajorUnitsByTheCurrencysDecimals() {
        assertThat(Money.parse("12.34", EUR)).isEqualTo(Money.of(1234, EUR));
        assertThat(Money.parse("500", JPY)).isEqualTo(Money.of(500, JPY));
        assertThat(Money.of(1234, EUR).toString()).isEqualTo("12.34 EUR");
        assertThatThrownBy(() -> Money.parse("1.234", EUR)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void comparesWithinOneCurrency() {
        assertThat(Money.of(5, EUR)).isLessThan(Money.of(6, EUR));
        assertThat(Money.of(5, EUR).min(Money.of(6, EUR))).isEqualTo(Money.of(5, EUR));
        assertThat(Money.of(5, EUR).max(Money.of(6, EUR))).isEqualTo(Money.of(6, EUR));
        assertThat(Money.of(0, EUR).isZero()).isTrue();
        assertThat(Money.of(-1, EUR).isNegative()).isTrue();
    }
}
