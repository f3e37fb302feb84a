package dev.cartwright.order.migration;

import java.math.BigDecimal;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Money between numeric(12,2) and minor units: exact both ways, or refused. */
class LegacyAmountsProperties {

    /** Every value a numeric(12,2) column can hold, as its hundredths. */
    private static final long MAX_HUNDREDTHS = 999_999_999_999L;

    @Property
    void aTwoDecimalAmountIsExactlyItsHundredths(@ForAll @LongRange(min = 0, max = MAX_HUNDREDTHS) long hundredths) {
        BigDecimal amount = BigDecimal.valueOf(hundredths, 2);

        assertThat(LegacyAmounts.fromLegacy(amount, "USD")).isEqualTo(amount.multiply(BigDecimal.valueOf(100)).longValueExact());
        assertThat(LegacyAmounts.fromLegacy(amount, "EUR")).isEqualTo(hundredths);
    }

    @Property
    void minorUnitsGoBackToTheSameAmount(@ForAll @LongRange(min = 0, max = MAX_HUNDREDTHS) long hundredths) {
        BigDecimal amount = BigDecimal.valueOf(hundredths, 2);

        assertThat(LegacyAmounts.toLegacy(LegacyAmounts.fromLegacy(amount, "GBP"), "GBP")).isEqualTo(amount);
        assertThat(LegacyAmounts.toLegacy(hundredths, "USD").scale()).isEqualTo(2);
    }

    @Property
    void yenHaveNoMinorUnitSoOnlyWholeAmountsConvert(@ForAll @LongRange(min = 0, max = MAX_HUNDREDTHS) long hundredths) {
        BigDecimal amount = BigDecimal.valueOf(hundredths, 2);

        if (hundredths % 100 == 0) {
            assertThat(LegacyAmounts.fromLegacy(amount, "JPY")).isEqualTo(hundredths / 100);
            assertThat(LegacyAmounts.toLegacy(hundredths / 100, "JPY")).isEqualTo(amount);
        } else {
            assertThatThrownBy(() -> LegacyAmounts.fromLegacy(amount, "JPY")).isInstanceOf(ConversionException.class)
                .hasMessageContaining("JPY");
        }
    }

    @Property
    void threeDecimalCurrenciesReachOrderDbOnlyWhenTheyFitTwoDecimals(@ForAll @LongRange(min = 0, max = 99_999_999_999L) long minor) {
        if (minor % 10 == 0) {
            assertThat(LegacyAmounts.toLegacy(minor, "KWD")).isEqualTo(BigDecimal.valueOf(minor / 10, 2));
            assertThat(LegacyAmounts.fromLegacy(LegacyAmounts.toLegacy(minor, "KWD"), "KWD")).isEqualTo(minor);
        } else {
            assertThatThrownBy(() -> LegacyAmounts.toLegacy(minor, "KWD")).isInstanceOf(ConversionException.class)
                .hasMessageContaining("do not fit");
        }
    }

    @Property
    void anUnknownCurrencyIsRefused(@ForAll @LongRange(min = 0, max = 1_000) long minor) {
        assertThatThrownBy(() -> LegacyAmounts.toLegacy(minor, "XYZ1")).isInstanceOf(ConversionException.class)
            .hasMessageContaining("unknown currency");
    }
}
