package dev.cartwright.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BindHostTest {

    @Test
    void loopbackIsLocalhostOr127SlashEightOrColonColonOne() {
        for (String host : new String[] {"127.0.0.1", "127.1.2.3", "localhost", "LocalHost", "::1", "[::1]", "0:0:0:0:0:0:0:1"}) {
            assertThat(BindHost.isLoopback(host)).as(host).isTrue();
        }
        for (String host : new String[] {"0.0.0.0", "::", "10.0.0.7", "192.168.1.20", "128.0.0.1", "example.com", "localhost.example.com",
            "127.0.0.1.nip.io", ""}) {
            assertThat(BindHost.isLoopback(host)).as(host).isFalse();
        }
    }

    @Test
    void theServicesOwnSettingWinsThenTheSharedOneThenTheModesDefault() {
        ConfigReader both = ConfigReader.from(Map.of("CARTWRIGHT_RETURN_HOST", "127.0.0.5", "CARTWRIGHT_BIND_HOST", "127.0.0.6"));
        assertThat(BindHost.read(both, "CARTWRIGHT_RETURN_HOST", true)).isEqualTo(new BindHost("127.0.0.5", "CARTWRIGHT_RETURN_HOST"));
        ConfigReader shared = ConfigReader.from(Map.of("CARTWRIGHT_BIND_HOST", "127.0.0.6"));
        assertThat(BindHost.read(shared, "CARTWRIGHT_RETURN_HOST", true)).isEqualTo(new BindHost("127.0.0.6", BindHost.SETTING));
        ConfigReader none = ConfigReader.from(Map.of());
        assertThat(BindHost.read(none, "CARTWRIGHT_RETURN_HOST", true).host()).isEqualTo("127.0.0.1");
        assertThat(BindHost.read(none, "CARTWRIGHT_RETURN_HOST", false).host()).isEqualTo("0.0.0.0");
    }

    @Test
    void developmentModeRefusesEveryOtherAddressNamingTheSettingItCameFrom() {
        ConfigReader everywhere = ConfigReader.from(Map.of("CARTWRIGHT_BIND_HOST", "0.0.0.0"));
        assertThatThrownBy(() -> BindHost.read(everywhere, "CARTWRIGHT_RETURN_HOST", true))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("CARTWRIGHT_BIND_HOST"))
            .hasMessageContaining("loopback only").hasMessageContaining("CARTWRIGHT_AUTH_MODE=jwt");
        assertThatThrownBy(() -> BindHost.read(ConfigReader.from(Map.of("CARTWRIGHT_RETURN_HOST", "example.com")), "CARTWRIGHT_RETURN_HOST",
            true)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("CARTWRIGHT_RETURN_HOST"));
        assertThat(BindHost.read(ConfigReader.from(Map.of("CARTWRIGHT_BIND_HOST", "10.0.0.7")), "CARTWRIGHT_RETURN_HOST", false).host())
            .isEqualTo("10.0.0.7");
    }
}
