package dev.cartwright.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwright.cart.store.RedisDurabilityCheck;
import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CARTWRIGHT_REDIS_CHECK: auto unless told otherwise, and a value it does not know stops start-up naming the key. */
class RedisCheckConfigTest {

    @Test
    void theRedisCheckIsAutoByDefaultAndTakesWarnOrSkip() {
        assertThat(CheckoutConfig.read(ConfigReader.from(Map.of())).redisCheck()).isEqualTo(RedisDurabilityCheck.Mode.AUTO);
        assertThat(CheckoutConfig.read(ConfigReader.from(Map.of("CARTWRIGHT_REDIS_CHECK", "warn"))).redisCheck())
            .isEqualTo(RedisDurabilityCheck.Mode.WARN);
        assertThat(CheckoutConfig.read(ConfigReader.from(Map.of("CARTWRIGHT_REDIS_CHECK", "skip"))).redisCheck())
            .isEqualTo(RedisDurabilityCheck.Mode.SKIP);
        assertThatThrownBy(() -> CheckoutConfig.read(ConfigReader.from(Map.of("CARTWRIGHT_REDIS_CHECK", "off"))))
            .isInstanceOf(ConfigException.class).hasMessageContaining("CARTWRIGHT_REDIS_CHECK").hasMessageContaining("off");
    }
}
