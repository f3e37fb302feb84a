package dev.cartwright.order.migration;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationConfigTest {

    @Test
    void defaultsFindTheDatabasesWhereTheServicesPutThem() {
        MigrationConfig config = MigrationConfig.fromEnvironment(Map.of());

        assertThat(config.legacy()).isEqualTo(new MigrationConfig.Place("order_db", "public"));
        assertThat(config.checkout()).isEqualTo(new MigrationConfig.Place("checkout_db", "checkout"));
        assertThat(config.returns()).isEqualTo(new MigrationConfig.Place("return_db", "returns"));
        assertThat(config.target(Aggregate.CART)).isEqualTo(config.checkout());
        assertThat(config.target(Aggregate.RETURN)).isEqualTo(config.returns());
        assertThat(config.chunkSize()).isEqualTo(500);
        assertThat(config.verifyMaxAge()).isEqualTo(Duration.ofHours(24));
        assertThat(config.jdbcUrl(config.legacy())).isEqualTo("jdbc:postgresql://127.0.0.1:5432/order_db?currentSchema=public"
            + "&ApplicationName=order-migration");
    }

    @Test
    void theEnvironmentOverridesEverything() {
        MigrationConfig config = MigrationConfig.fromEnvironment(Map.of("CARTWRIGHT_PG_HOST", "db.internal", "CARTWRIGHT_PG_PORT", "6432",
            "CARTWRIGHT_LEGACY_DB", "orders", "CARTWRIGHT_RETURN_DB_SCHEMA", "ret", "CARTWRIGHT_MIGRATION_CHUNK_SIZE", "2_000",
            "CARTWRIGHT_MIGRATION_VERIFY_MAX_AGE", "90m", "CARTWRIGHT_CHECKOUT_MIGRATIONS", "filesystem:/opt/checkout_db"));

        assertThat(config.host()).isEqualTo("db.internal");
        assertThat(config.port()).isEqualTo(6432);
        assertThat(config.legacy().database()).isEqualTo("orders");
        assertThat(config.returns().schema()).isEqualTo("ret");
        assertThat(config.chunkSize()).isEqualTo(2_000);
        assertThat(config.verifyMaxAge()).isEqualTo(Duration.ofMinutes(90));
        assertThat(config.checkoutMigrations()).contains("filesystem:/opt/checkout_db");
    }

    @Test
    void aBadValueIsRefusedNamingItsVariable() {
        assertThatThrownBy(() -> MigrationConfig.fromEnvironment(Map.of("CARTWRIGHT_MIGRATION_CHUNK_SIZE", "0")))
            .hasMessageContaining("CARTWRIGHT_MIGRATION_CHUNK_SIZE");
        assertThatThrownBy(() -> MigrationConfig.fromEnvironment(Map.of("CARTWRIGHT_LEGACY_SCHEMA", "public; drop table carts")))
            .hasMessageContaining("CARTWRIGHT_LEGACY_SCHEMA");
        assertThatThrownBy(() -> MigrationConfig.fromEnvironment(Map.of("CARTWRIGHT_MIGRATION_VERIFY_MAX_AGE", "soon")))
            .hasMessageContaining("CARTWRIGHT_MIGRATION_VERIFY_MAX_AGE");
        assertThatThrownBy(() -> MigrationConfig.fromEnvironment(Map.of("CARTWRIGHT_PG_PORT", "99999")))
            .hasMessageContaining("CARTWRIGHT_PG_PORT");
    }
}
