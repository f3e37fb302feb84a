package dev.cartwright.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServices.class)
class RedisHarnessIT {

    /** Prefixes handed to the tests of this class so far: each test must get one nobody had. */
    private static final Set<String> PREFIXES = ConcurrentHashMap.newKeySet();

    private RedisInfo seenBeforeEach;

    @BeforeEach
    void remember(RedisInfo redis) {
        seenBeforeEach = redis;
        assertThat(PREFIXES.add(redis.keyPrefix())).as("prefix %s is new", redis.keyPrefix()).isTrue();
    }

    @Test
    void aValueSetUnderTheTestsPrefixIsReadBack(RedisInfo redis) throws IOException {
        try (RespConnection connection = new RespConnection(redis.host(), redis.port())) {
            assertThat(connection.command("SET", redis.key("cart:1"), "{\"lines\":2}")).isEqualTo("OK");
            assertThat(connection.command("GET", redis.key("cart:1"))).isEqualTo("{\"lines\":2}");
            assertThat(connection.command("GET", redis.key("cart:2"))).isNull();
            assertThat(connection.command("DEL", redis.key("cart:1"))).isEqualTo("1");
        }
    }

    @Test
    void aTestAndItsBeforeEachShareOnePrefixWhichNamesTheTest(RedisInfo redis) {
        assertThat(redis).isSameAs(seenBeforeEach);
        assertThat(redis.keyPrefix()).startsWith("it:redisharnessit_").endsWith(":");
        assertThat(redis.key("x")).isEqualTo(redis.keyPrefix() + "x");
    }

    @Test
    void keysOfOneTestAreInvisibleUnderAnotherTestsPrefix(RedisInfo redis) throws IOException {
        String otherPrefix = PREFIXES.stream().filter(p -> !p.equals(redis.keyPrefix())).findAny().orElse("it:none:");
        try (RespConnection connection = new RespConnection(redis.host(), redis.port())) {
            assertThat(connection.command("SET", redis.key("cart:shared-name"), "mine")).isEqualTo("OK");
            assertThat(connection.command("GET", otherPrefix + "cart:shared-name")).isNull();
            assertThat(connection.command("DEL", redis.key("cart:shared-name"))).isEqualTo("1");
        }
    }
}
