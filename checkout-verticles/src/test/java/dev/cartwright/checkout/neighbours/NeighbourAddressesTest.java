package dev.cartwright.checkout.neighbours;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.service.config.ConfigException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** How a neighbour call is guarded and classified is service-kit's GuardedCallTest; here, where the neighbours are. */
class NeighbourAddressesTest {

    @Test
    void addressesAreHostColonPort() {
        assertThat(NeighbourAddresses.parse("K", "127.0.0.1:9101").port()).isEqualTo(9101);
        assertThat(NeighbourAddresses.parse("K", "[::1]:9101").host()).isEqualTo("::1");
        Assertions.assertThatThrownBy(() -> NeighbourAddresses.parse("K", "nohost")).isInstanceOf(ConfigException.class);
        Assertions.assertThatThrownBy(() -> NeighbourAddresses.parse("K", "h:0")).isInstanceOf(ConfigException.class);
    }
}
