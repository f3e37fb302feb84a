package dev.cartwright.service.config;

/**
 * Addresses of the shared infrastructure, read the same way by every process so that
 * {@code CARTWRIGHT_PG_HOST} means one thing everywhere.
 */
public record Endpoints(
    String pgHost, int pgPort, String pgUser, String pgPassword,
    String redisUrl,
    String kafkaBootstrap) {

    public static Endpoints read(ConfigReader config) {
        return new Endpoints(
            config.string("CARTWRIGHT_PG_HOST", "127.0.0.1"),
            config.integer("CARTWRIGHT_PG_PORT", 5432, 1, 65535),
            config.string("CARTWRIGHT_PG_USER", "postgres"),
            config.string("CARTWRIGHT_PG_PASSWORD", ""),
            config.string("CARTWRIGHT_REDIS_URL", "redis://127.0.0.1:6379"),
            config.string("CARTWRIGHT_KAFKA_BOOTSTRAP", "127.0.0.1:9092"));
    }
}
