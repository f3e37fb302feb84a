package dev.cartwright.checkout.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwright.checkout.domain.PostalAddress;
import dev.cartwright.proto.common.v1.Address;
import dev.cartwright.service.grpc.RpcError;
import io.vertx.grpc.common.GrpcStatus;
import org.junit.jupiter.api.Test;

/** Address checks of the CheckoutService edge: each problem is INVALID_ARGUMENT naming the field. */
class CheckoutRequestsTest {

    private static Address.Builder good() {
        return Address.newBuilder().setName("Ada Lovelace").setLine1("1 Market St").setCity("San Francisco").setRegion("ca")
            .setPostalCode("94105").setCountryCode("us");
    }

    private static void assertInvalid(Address.Builder address, String field) {
        assertThatThrownBy(() -> CheckoutGrpc.address(true, address.build()))
            .isInstanceOfSatisfying(RpcError.class, e -> {
                assertThat(e.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
                assertThat(e.getMessage()).startsWith(field + " ");
                assertThat(new RpcError.Received(e.toStatus()).fieldViolations()).containsExactly(field);
            });
    }

    @Test
    void aCompleteAddressIsTakenWithTheCountryUpperCased() {
        PostalAddress address = CheckoutGrpc.address(true, good().build());
        assertThat(address.countryCode()).isEqualTo("US");
        assertThat(address.line2()).isEmpty();
        assertThat(address.city()).isEqualTo("San Francisco");
    }

    @Test
    void eachMissingOrMalformedPartIsNamed() {
        assertInvalid(good().setName(" "), "address.name");
        assertInvalid(good().setLine1(""), "address.line1");
        assertInvalid(good().setCity(""), "address.city");
        assertInvalid(good().setPostalCode(""), "address.postal_code");
        assertInvalid(good().setCountryCode("USA"), "address.country_code");
        assertInvalid(good().setCountryCode("1A"), "address.country_code");
        assertInvalid(good().setCountryCode(""), "address.country_code");
        assertInvalid(good().setLine2("x".repeat(201)), "address.line2");
        assertInvalid(good().setCity("San\u0000Francisco"), "address.city");
    }

    @Test
    void noAddressAtAllIsNamedToo() {
        assertThatThrownBy(() -> CheckoutGrpc.address(false, Address.getDefaultInstance()))
            .isInstanceOfSatisfying(RpcError.class, e -> assertThat(e.getMessage()).startsWith("address "));
    }
}
