package dev.cartwright.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServices.class)
class PostgresHarnessIT {

    @Test
    void aTableInAFreshSchemaKeepsWhatIsWrittenToIt(PostgresInfo postgres) throws SQLException {
        String schema = postgres.freshSchema("harness");

        try (Connection connection = postgres.connect(schema)) {
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("CREATE TABLE carts (cart_id text PRIMARY KEY, version bigint NOT NULL)");
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO carts VALUES (?, ?)")) {
                insert.setString(1, "cart-1");
                insert.setLong(2, 7L);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            try (PreparedStatement select = connection.prepareStatement(
                "SELECT version, current_schema(), current_database() FROM carts WHERE cart_id = ?")) {
                select.setString(1, "cart-1");
                try (ResultSet row = select.executeQuery()) {
                    assertThat(row.next()).isTrue();
                    assertThat(row.getLong(1)).isEqualTo(7L);
                    assertThat(row.getString(2)).isEqualTo(schema);
                    assertThat(row.getString(3)).isEqualTo(PostgresInfo.DATABASE);
                }
            }
        }
    }

    @Test
    void everyFreshSchemaIsNewAndEmpty(PostgresInfo postgres) throws SQLException {
        String first = postgres.freshSchema("harness");
        String second = postgres.freshSchema("harness");

        assertThat(first).isNotEqualTo(second).startsWith("harness_");
        assertThat(tablesIn(postgres, first)).isZero();
        assertThat(tablesIn(postgres, second)).isZero();
    }

    @Test
    void migrationsApplyIntoTheGivenSchemaOnlyAndOnlyOnce(PostgresInfo postgres) throws SQLException {
        String migrated = postgres.freshSchema("migrated");
        String untouched = postgres.freshSchema("untouched");

        assertThat(Migrations.apply(postgres, migrated, "classpath:db/harness_it")).isEqualTo(1);
        assertThat(Migrations.apply(postgres, migrated, "classpath:db/harness_it")).isZero();

        try (Connection connection = postgres.connect(migrated); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO shelf VALUES ('sku-1', 3)");
            try (ResultSet row = statement.executeQuery("SELECT quantity FROM shelf WHERE sku = 'sku-1'")) {
                assertThat(row.next()).isTrue();
                assertThat(row.getInt(1)).isEqualTo(3);
            }
        }
        assertThat(tableExists(postgres, migrated, "shelf")).isTrue();
        assertThat(tableExists(postgres, untouched, "shelf")).isFalse();
    }

    private static int tablesIn(PostgresInfo postgres, String schema) throws SQLException {
        try (Connection connection = postgres.connect();
             PreparedStatement count = connection.prepareStatement(
                 "SELECT count(*) FROM information_schema.tables WHERE table_schema = ?")) {
            count.setString(1, schema);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    private static boolean tableExists(PostgresInfo postgres, String schema, String table) throws SQLException {
        try (Connection connection = postgres.connect();
             PreparedStatement exists = connection.prepareStatement(
                 "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")) {
            exists.setString(1, schema);
            exists.setString(2, table);
            try (ResultSet row = exists.executeQuery()) {
                return row.next();
            }
        }
    }
}
