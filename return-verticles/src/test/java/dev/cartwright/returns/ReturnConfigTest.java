package dev.cartwright.returns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReturnConfigTest {

    private static ReturnConfig read(Map<String, String> env) {
        return ReturnConfig.read(ConfigReader.from(env));
    }

    @Test
    void defaultsAreThoseOfALocalRun() {
        ReturnConfig c = read(Map.of());
        assertThat(c.port()).isEqualTo(9004);
        assertThat(c.adminPort()).isEqualTo(9014);
        assertThat(c.window().standard()).isEqualTo(Duration.ofDays(30));
        assertThat(c.restockingFeeBasisPoints()).isEqualTo(1000);
        assertThat(c.neighbours().order().port()).isEqualTo(9107);
        assertThat(c.neighbours().payment().port()).isEqualTo(9105);
        assertThat(c.neighbours().shipping().port()).isEqualTo(9106);
        assertThat(c.neighbours().warehouse().port()).isEqualTo(9104);
        assertThat(c.returnEventsTopic()).isEqualTo("return.events");
        assertThat(c.orderEventsTopic()).isEqualTo("order.events");
        assertThat(c.database()).isEqualTo("return_db");
        assertThat(c.auth().development()).isTrue();
        assertThat(c.relayOutbox()).isTrue();
        assertThat(read(Map.of("CARTWRIGHT_RETURN_OUTBOX_RELAY", "false")).relayOutbox()).isFalse();
    }

    @Test
    void developmentModeListensOnLoopbackOnly() {
        assertThat(read(Map.of()).host()).isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> read(Map.of("CARTWRIGHT_RETURN_HOST", "0.0.0.0")))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("CARTWRIGHT_RETURN_HOST"))
            .hasMessageContaining("loopback");
        assertThatThrownBy(() -> read(Map.of("CARTWRIGHT_BIND_HOST", "192.168.1.20")))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("CARTWRIGHT_BIND_HOST"));
        ReturnConfig jwt = read(Map.of("CARTWRIGHT_AUTH_MODE", "jwt", "CARTWRIGHT_JWT_KEY", "k".repeat(32),
            "CARTWRIGHT_JWT_ISSUER", "https://id.example", "CARTWRIGHT_JWT_AUDIENCE", "cartwright"));
        assertThat(jwt.host()).isEqualTo("0.0.0.0");
    }

    @Test
    void windowsPerCategoryAreRead() {
        ReturnConfig c = read(Map.of("CARTWRIGHT_RETURN_WINDOW", "45d", "CARTWRIGHT_RETURN_WINDOW_BY_CATEGORY", "c3:14d, c5:60d"));
        assertThat(c.window().forCategory("c3")).isEqualTo(Duration.ofDays(14));
        assertThat(c.window().forCategory("c5")).isEqualTo(Duration.ofDays(60));
        assertThat(c.window().forCategory("c1")).isEqualTo(Duration.ofDays(45));
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> read(Map.of("CARTWRIGHT_RETURN_WINDOW_BY_CATEGORY", "c3=14d")))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("CARTWRIGHT_RETURN_WINDOW_BY_CATEGORY"));
        assertThatThrownBy(() -> read(Map.of("CARTWRIGHT_RETURN_WINDOW_BY_CATEGORY", "c3:soon")))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("CARTWRIGHT_RETURN_WINDOW_BY_CATEGORY"));
        assertThatThrownBy(() -> read(Map.of("CARTWRIGHT_RESTOCKING_FEE_BP", "20000")))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("CARTWRIGHT_RESTOCKING_FEE_BP"));
        assertThatThrownBy(() -> read(Map.of("CARTWRIGHT_PAYMENT_ADDR", "localhost")))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("CARTWRIGHT_PAYMENT_ADDR"));
        assertThatThrownBy(() -> read(Map.of("CARTWRIGHT_PAYMENT_ADDRESS", "localhost")))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("CARTWRIGHT_PAYMENT_ADDRESS"));
        assertThatThrownBy(() -> read(Map.of("CARTWRIGHT_RETURN_PORT", "http")))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("CARTWRIGHT_RETURN_PORT"));
        assertThatThrownBy(() -> read(Map.of("CARTWRIGHT_RETURN_DB_SCHEMA", "Returns; drop")))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("CARTWRIGHT_RETURN_DB_SCHEMA"));
        assertThatThrownBy(() -> read(Map.of("CARTWRIGHT_RETURN_WINDOW", "0d")))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("CARTWRIGHT_RETURN_WINDOW"));
    }

    @Test
    void neighboursAreNamedAsTheCheckoutServiceNamesThemAndTheFormerNamesStillWork() {
        ReturnConfig current = read(Map.of("CARTWRIGHT_ORDER_ADDR", "orders.internal:7107"));
        assertThat(current.neighbours().order().host()).isEqualTo("orders.internal");
        assertThat(current.neighbours().order().port()).isEqualTo(7107);
        ReturnConfig former = read(Map.of("CARTWRIGHT_PAYMENT_ADDRESS", "pay.internal:7105"));
        assertThat(former.neighbours().payment().host()).isEqualTo("pay.internal");
        // Both set: the current name wins.
        ReturnConfig both = read(Map.of("CARTWRIGHT_SHIPPING_ADDR", "new:1", "CARTWRIGHT_SHIPPING_ADDRESS", "old:2"));
        assertThat(both.neighbours().shipping().host()).isEqualTo("new");
    }
}
