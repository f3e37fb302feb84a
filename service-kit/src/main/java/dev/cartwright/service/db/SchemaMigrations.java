package dev.cartwright.service.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns bringing a service's database to the schema the code expects: creates the database when
 * it is missing, then applies the Flyway migrations at {@code classpath:db/<database>}. JDBC is
 * blocking, so this runs on a worker thread, never on an event loop.
 */
public final class SchemaMigrations {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrations.class);

    private SchemaMigrations() {
    }

    public static Future<MigrateResult> apply(Vertx vertx, DbConfig db, String schema) {
        return vertx.executeBlocking(() -> applyBlocking(db, schema), false);
    }

    /** For tools and tests that run before any event loop exists. */
    public static MigrateResult applyBlocking(DbConfig db, String schema) throws SQLException {
        createDatabaseIfMissing(db);
        MigrateResult result = Flyway.configure()
            .dataSource(db.jdbcUrl(), db.user(), db.password())
            .locations("classpath:db/" + db.migrations())
            .schemas(schema)
            .defaultSchema(schema)
            .createSchemas(true)
            .load()
            .migrate();
        LOG.info("database connected: {} schema {} at version {} ({} migrations applied)",
            db.database(), schema, result.targetSchemaVersion, result.migrationsExecuted);
        return result;
    }

    private static void createDatabaseIfMissing(DbConfig db) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", db.user());
        props.setProperty("password", db.password());
        String adminUrl = "jdbc:postgresql://" + db.host() + ":" + db.port() + "/postgres";
        try (Connection c = DriverManager.getConnection(adminUrl, props);
             PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, db.database());
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement create = c.createStatement()) {
                create.execute("CREATE DATABASE \"" + db.database().replace("\"", "") + "\"");
                LOG.info("created database {}", db.database());
            } catch (SQLException e) {
                // Another process may have created it at the same moment.
                if (!"42P04".equals(e.getSQLState())) {
                    throw e;
                }
            }
        }
    }
}
