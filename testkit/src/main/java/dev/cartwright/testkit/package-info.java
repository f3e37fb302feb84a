/**
 * Integration-test harness: real PostgreSQL, Redis and Kafka, each found or started once per test JVM by the
 * {@link dev.cartwright.testkit.RealServices} JUnit 5 extension, plus {@link dev.cartwright.testkit.Migrations}
 * for applying a service's Flyway scripts and {@link dev.cartwright.testkit.EmbeddedKafka} for local runs.
 *
 * <p>A module depends on {@code dev.cartwright:testkit} with {@code <scope>test</scope>} and writes:
 * <pre>{@code
 * @ExtendWith(RealServices.class)
 * class CartRepositoryIT {
 *     @Test
 *     void storesACart(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
 *         String schema = postgres.freshSchema("checkout");
 *         Migrations.apply(postgres, schema, "classpath:db/checkout_db");
 *         // PgConnectOptions: host(), port(), database(), user(), password(), search_path = schema
 *         String cartKey = redis.key("cart:42");              // unique to this test
 *         String topic = kafka.createTopic("cart_events");     // unique to this test
 *         // ... bootstrap.servers = kafka.bootstrapServers()
 *     }
 * }
 * }</pre>
 */
package dev.cartwright.testkit;
