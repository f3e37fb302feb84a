package dev.cartwright.sim;

import java.time.Instant;

import com.google.protobuf.Timestamp;

import dev.cartwright.proto.common.v1.Money;

/** Small conversions between Java values and the shared proto value types. */
final class ProtoValues {

    private ProtoValues() {
    }

    static Money usd(long amountMinor) {
        return Money.newBuilder().setAmountMinor(amountMinor).setCurrencyCode(Catalogue.CURRENCY).build();
    }

    static Money money(long amountMinor, String currencyCode) {
        return Money.newBuilder().setAmountMinor(amountMinor).setCurrencyCode(currencyCode).build();
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }
}
