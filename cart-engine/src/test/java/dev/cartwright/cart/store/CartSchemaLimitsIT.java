package dev.cartwright.cart.store;

import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;

/** The line quantity bounds read from a migrated checkout_db schema, as it is and after a migration widened them. */
@ExtendWith(RealServices.class)
class CartSchemaLimitsIT {

    private static StoreHarness harness;

    @BeforeAll
    static void open(PostgresInfo postgres, RedisInfo redis) {
        harness = StoreHarness.open(postgres, redis, "schema_limits");
    }

    @AfterAll
    static void close() {
        harness.close();
    }

    @Test
    void theQuantityCheckOfTheSchemaIsWhatBoundsALine() throws SQLException {
        CartSchemaLimits.Bounds bounds = await(CartSchemaLimits.lineQuantity(harness.pool));
        assertThat(bounds.min()).isEqualTo(OptionalLong.of(1));
        assertThat(bounds.max()).isEqualTo(OptionalLong.of(999));

        try (Connection connection = harness.postgres.connect(harness.schema); Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE cart_items DROP CONSTRAINT cart_items_quantity_check");
            statement.execute("ALTER TABLE cart_items ADD CONSTRAINT cart_items_quantity_check CHECK (quantity BETWEEN 1 AND 5000)");
        }
        assertThat(await(CartSchemaLimits.lineQuantity(harness.pool)).max()).isEqualTo(OptionalLong.of(5000));
    }
}
