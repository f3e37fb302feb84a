package dev.cartwright.testkit;

/**
 * The Redis server shared by every integration test in this JVM, seen from one test: that test's own key prefix.
 * Tests isolate themselves by writing only keys that start with {@link #keyPrefix()}.
 *
 * @param host      host name or address of the server
 * @param port      its port
 * @param url       {@code redis://[:password@]host:port}, for clients configured by URL
 * @param keyPrefix unique to the test (or to the class, when asked for in {@code @BeforeAll}), ends with ':'
 * @param source    how the server was obtained
 */
public record RedisInfo(String host, int port, String url, String keyPrefix, Source source) {

    /** {@code keyPrefix + suffix}. */
    public String key(String suffix) {
        return keyPrefix + suffix;
    }
}
