package dev.cartwright.legacy;

import dev.cartwright.proto.common.v1.Money;
import java.math.BigDecimal;

/** The monolith's money: numeric(12,2) in the currency's major unit. Conversions are exact; a third decimal is refused. */
final class LegacyMoney {

    private LegacyMoney() {
    }

    static BigDecimal decimal(long minor) {
        return BigDecimal.valueOf(minor, 2);
    }

    static long minor(BigDecimal major) {
        return major == null ? 0 : major.movePointRight(2).longValueExact();
    }

    static Money money(long minor, String currency) {
        return Money.newBuilder().setAmountMinor(minor).setCurrencyCode(currency).build();
    }
}
