package dev.cartwright.testkit;

import org.flywaydb.core.Flyway;

/** Applies a service's Flyway migrations to one test schema, so integration tests run against the real DDL. */
public final class Migrations {

    private Migrations() {
    }

    /**
     * Migrates {@code schema} of the test database (creating the schema if needed) with the scripts found at
     * {@code locations} and returns how many were applied.
     *
     * @param locations Flyway locations, e.g. {@code "classpath:db/checkout_db"}
     */
    public static int apply(PostgresInfo postgres, String schema, String... locations) {
        if (locations.length == 0) {
            throw new IllegalArgumentException("at least one migration location is needed");
        }
        return Flyway.configure()
            .dataSource(postgres.jdbcUrl(), postgres.user(), postgres.password())
            .schemas(UniqueNames.requireIdentifier(schema))
            .defaultSchema(schema)
            .locations(locations)
            .failOnMissingLocations(true)
            .load()
            .migrate()
            .migrationsExecuted;
    }
}
