package dev.cartwright.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class RedisEndpointTest {

    @Test
    void hostAndPortAreReadFromTheUrl() {
        SharedRedis.Endpoint endpoint = SharedRedis.Endpoint.parse("redis://10.0.0.7:6380");

        assertThat(endpoint.host()).isEqualTo("10.0.0.7");
        assertThat(endpoint.port()).isEqualTo(6380);
        assertThat(endpoint.password()).isEmpty();
    }

    @Test
    void thePortDefaultsTo6379() {
        assertThat(SharedRedis.Endpoint.parse("redis://cache.local").port()).isEqualTo(6379);
    }

    @Test
    void aPasswordIsTakenFromTheUserInfoWithOrWithoutAUser() {
        assertThat(SharedRedis.Endpoint.parse("redis://:s3cret@127.0.0.1:6379").password()).isEqualTo(Optional.of("s3cret"));
        assertThat(SharedRedis.Endpoint.parse("redis://default:s3cret@127.0.0.1:6379").password()).isEqualTo(Optional.of("s3cret"));
    }

    @Test
    void somethingThatIsNotARedisUrlIsRejectedNamingTheVariable() {
        assertThatThrownBy(() -> SharedRedis.Endpoint.parse("127.0.0.1:6379"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("CARTWRIGHT_REDIS_URL");
        assertThatThrownBy(() -> SharedRedis.Endpoint.parse("http://127.0.0.1:6379"))
            .hasMessageContaining("CARTWRIGHT_REDIS_URL");
    }
}
