package dev.cartwright.testkit;

import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving integration tests real PostgreSQL, Redis and Kafka through parameters of type
 * {@link PostgresInfo}, {@link RedisInfo} and {@link KafkaInfo} (in test methods, {@code @BeforeAll},
 * {@code @BeforeEach} or constructors).
 *
 * <p>Each service is found or started once per test JVM, the first time a test asks for it, and held in the root
 * extension store, which closes it after the last test. Services nobody asks for are never touched. For each,
 * the first of these that works is used, and the choice is logged:
 * <ol>
 *   <li>an address in the environment: {@code CARTWRIGHT_PG_HOST}, {@code CARTWRIGHT_PG_PORT},
 *       {@code CARTWRIGHT_PG_USER}, {@code CARTWRIGHT_PG_PASSWORD}; {@code CARTWRIGHT_REDIS_URL};
 *       {@code CARTWRIGHT_KAFKA_BOOTSTRAP} (an address given but not answering fails the tests);</li>
 *   <li>the local default port when the service answers there (5432, 6379, 9092);</li>
 *   <li>a Testcontainers container when a Docker engine is available;</li>
 *   <li>for Kafka only, a KRaft broker inside the test JVM;</li>
 *   <li>otherwise the tests fail with a message saying how to start the missing service.</li>
 * </ol>
 *
 * <p>Tests share the servers and keep apart by name: a schema from {@link PostgresInfo#freshSchema(String)}, the
 * key prefix of their {@link RedisInfo}, a topic from {@link KafkaInfo#createTopic(String)}.
 */
public final class RealServices implements ParameterResolver {

    private static final Namespace NAMESPACE = Namespace.create(RealServices.class);

    private final Map<String, String> environment;

    /** Used by {@code @ExtendWith(RealServices.class)}; reads addresses from the process environment. */
    public RealServices() {
        this(System.getenv());
    }

    /** For {@code @RegisterExtension} with addresses given explicitly instead of from the environment. */
    public RealServices(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == PostgresInfo.class || type == RedisInfo.class || type == KafkaInfo.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == PostgresInfo.class) {
            return shared(context, SharedPostgres.class, SharedPostgres::resolve, "postgres").info();
        }
        if (type == KafkaInfo.class) {
            return shared(context, SharedKafka.class, SharedKafka::resolve, "kafka").info();
        }
        // One prefix per test: a @BeforeEach and its test method see the same one (same context); the store of
        // an enclosing context is consulted first, so a class that asks in @BeforeAll shares one across its tests.
        SharedRedis redis = shared(context, SharedRedis.class, SharedRedis::resolve, "redis");
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(RedisInfo.class,
            key -> redis.forTest(context.getRequiredTestClass().getSimpleName() + "_" + context.getDisplayName()), RedisInfo.class);
    }

    private <T extends AutoCloseable> T shared(ExtensionContext context, Class<T> kind,
                                               Function<Map<String, String>, T> resolve, String name) {
        Store root = context.getRoot().getStore(NAMESPACE);
        // The root store computes each key once (also under parallel execution), remembers a failure so later
        // tests fail fast with the same message, and closes AutoCloseable values when the test plan ends.
        return root.getOrComputeIfAbsent(kind, key -> {
            T service = resolve.apply(environment);
            context.getRoot().publishReportEntry("cartwright." + name, service.toString());
            return service;
        }, kind);
    }
}
