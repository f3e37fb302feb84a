package dev.cartwright.testkit;

import java.util.Map;

/**
 * The same real PostgreSQL and Redis as {@link RealServices}, for test engines that cannot take a
 * JUnit Jupiter extension (jqwik properties, for instance). Resolved once per JVM on first use, in the
 * same order and with the same failure messages, and released when the JVM exits.
 */
public final class TestServices {

    private TestServices() {
    }

    /** PostgreSQL for this JVM; make a schema of your own with {@link PostgresInfo#freshSchema(String)}. */
    public static PostgresInfo postgres() {
        return PostgresHolder.SHARED.info();
    }

    /** Redis for this JVM, with a key prefix unique to {@code testName}. */
    public static RedisInfo redis(String testName) {
        return RedisHolder.SHARED.forTest(testName);
    }

    private static <T extends AutoCloseable> T closedAtExit(T service) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception ignored) {
                // The JVM is going away; nothing left to tell.
            }
        }, "testkit-close"));
        return service;
    }

    /** Lazily initialised holders: the JVM loads each on first use, exactly once. */
    private static final class PostgresHolder {
        static final SharedPostgres SHARED = closedAtExit(SharedPostgres.resolve(Map.copyOf(System.getenv())));
    }

    private static final class RedisHolder {
        static final SharedRedis SHARED = closedAtExit(SharedRedis.resolve(Map.copyOf(System.getenv())));
    }
}
