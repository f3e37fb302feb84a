package dev.cartwright.legacy;

import dev.cartwright.service.config.ConfigReader;
import dev.cartwright.service.config.Endpoints;
import dev.cartwright.service.grpc.CorsPolicy;

/**
 * Where the Order service's storefront endpoints listen and what they use: order_db (same settings as the migration
 * tool: {@code CARTWRIGHT_LEGACY_DB}, {@code CARTWRIGHT_LEGACY_SCHEMA}), the order simulator's Order service for
 * orders, the pricing simulator for prices; {@code CARTWRIGHT_CORS_ORIGINS} as for the new services (development mode).
 */
record LegacyOrderConfig(String host, int port, Endpoints endpoints, String database, String schema, String orderAddress,
                         String pricingAddress, int poolSize, CorsPolicy cors) {

    static LegacyOrderConfig read(ConfigReader config) {
        return new LegacyOrderConfig(
            config.string("CARTWRIGHT_LEGACY_HOST", "127.0.0.1"),
            config.integer("CARTWRIGHT_LEGACY_PORT", 9109, 0, 65535),
            Endpoints.read(config),
            config.string("CARTWRIGHT_LEGACY_DB", "order_db"),
            config.string("CARTWRIGHT_LEGACY_SCHEMA", "public"),
            config.string("CARTWRIGHT_ORDER_ADDR", "127.0.0.1:9107"),
            config.string("CARTWRIGHT_PRICING_ADDR", "127.0.0.1:9102"),
            config.integer("CARTWRIGHT_LEGACY_POOL_SIZE", 8, 1, 256),
            // The same origins as the new services, so a browser page behind the gateway works whichever side serves it.
            CorsPolicy.read(config, true));
    }
}
