package dev.cartwright.order.migration;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import org.flywaydb.core.Flyway;

/**
 * JDBC connections to order_db and the two new databases, each with its schema as the search path, and the Flyway runs
 * the tool owns: the legacy order_db schema (for test and demo databases only: production order_db already has its
 * tables), the migration's bookkeeping tables in each new database, and — when their locations are configured — the
 * services' own schemas.
 */
public final class MigrationDatabases {

    /** The bookkeeping tables (checkpoints, rejects, mirror queue, verify runs). */
    public static final String STATE_MIGRATIONS = "classpath:db/order_migration";
    /** Flyway history table of the bookkeeping, apart from the service's own flyway_schema_history. */
    public static final String STATE_HISTORY_TABLE = "order_migration_history";
    /** order_db as the monolith had it. */
    public static final String LEGACY_MIGRATIONS = "classpath:db/order_db";

    private final MigrationConfig config;

    public MigrationDatabases(MigrationConfig config) {
        this.config = config;
    }

    public MigrationConfig config() {
        return config;
    }

    /** A new connection to order_db (the caller closes it). */
    public Connection legacy() throws SQLException {
        return connect(config.legacy());
    }

    /** A new connection to the new database that holds {@code aggregate} (the caller closes it). */
    public Connection target(Aggregate aggregate) throws SQLException {
        return connect(config.target(aggregate));
    }

    private Connection connect(MigrationConfig.Place place) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", config.user());
        if (!config.password().isEmpty()) {
            properties.setProperty("password", config.password());
        }
        properties.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(config.jdbcUrl(place), properties);
    }

    /** The new databases' places, each once (checkout_db and return_db may be one database in small setups). */
    public List<MigrationConfig.Place> targetPlaces() {
        return config.checkout().equals(config.returns()) ? List.of(config.checkout()) : List.of(config.checkout(), config.returns());
    }

    /** Creates or updates the bookkeeping tables in every new database; returns how many scripts ran. */
    public int migrateState() {
        int applied = 0;
        for (MigrationConfig.Place place : targetPlaces()) {
            // The schema already holds the service's tables (and its own history): start this history at version 0.
            applied += flyway(place, STATE_MIGRATIONS, STATE_HISTORY_TABLE, true).migrate().migrationsExecuted;
        }
        return applied;
    }

    /**
     * Creates or updates the bookkeeping tables (the mirror queue among them) in one service's schema, for a service that
     * writes through the {@link DualWriter}. Blocking (JDBC): run it at start-up, off the event loops.
     */
    public static int migrateState(String jdbcUrl, String user, String password, String schema) {
        return Flyway.configure()
            .dataSource(jdbcUrl.replaceAll("\\?.*$", ""), user, password)
            .schemas(schema)
            .defaultSchema(schema)
            .locations(STATE_MIGRATIONS)
            .table(STATE_HISTORY_TABLE)
            .failOnMissingLocations(true)
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .load()
            .migrate().migrationsExecuted;
    }

    /** Applies the services' own schemas when their Flyway locations are configured; returns how many scripts ran. */
    public int migrateServices() {
        int applied = 0;
        Optional<String> checkout = config.checkoutMigrations();
        Optional<String> returns = config.returnMigrations();
        if (checkout.isPresent()) {
            applied += flyway(config.checkout(), checkout.get(), "flyway_schema_history", false).migrate().migrationsExecuted;
        }
        if (returns.isPresent()) {
            applied += flyway(config.returns(), returns.get(), "flyway_schema_history", false).migrate().migrationsExecuted;
        }
        return applied;
    }

    /** Creates order_db's legacy tables (test and demo databases). */
    public int migrateLegacy() {
        // No baseline: on a database that already has tables (a real order_db) this refuses instead of guessing.
        return flyway(config.legacy(), LEGACY_MIGRATIONS, "flyway_schema_history", false).migrate().migrationsExecuted;
    }

    private Flyway flyway(MigrationConfig.Place place, String location, String historyTable, boolean baselineAtZero) {
        String url = config.jdbcUrl(place).replaceAll("\\?.*$", "");
        return Flyway.configure()
            .dataSource(url, config.user(), config.password())
            .schemas(place.schema())
            .defaultSchema(place.schema())
            .locations(location)
            .table(historyTable)
            .failOnMissingLocations(true)
            .baselineOnMigrate(baselineAtZero)
            .baselineVersion("0")
            .load();
    }
}
