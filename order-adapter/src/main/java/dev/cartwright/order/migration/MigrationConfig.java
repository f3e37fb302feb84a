package dev.cartwright.order.migration;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the migration tool finds the three databases and how it works through them, read from the environment with
 * the same names (and defaults) the services use, so that one environment file serves both:
 * {@code CARTWRIGHT_PG_HOST|PORT|USER|PASSWORD}; {@code CARTWRIGHT_LEGACY_DB} (order_db) and
 * {@code CARTWRIGHT_LEGACY_SCHEMA} (public); {@code CARTWRIGHT_CHECKOUT_DB} (checkout_db) and
 * {@code CARTWRIGHT_CHECKOUT_SCHEMA} (checkout); {@code CARTWRIGHT_RETURN_DB} (return_db) and
 * {@code CARTWRIGHT_RETURN_DB_SCHEMA} (returns); {@code CARTWRIGHT_MIGRATION_CHUNK_SIZE} (500 aggregates),
 * {@code CARTWRIGHT_MIGRATION_SEQUENCE_HEADROOM} (1 000 000), {@code CARTWRIGHT_MIGRATION_VERIFY_MAX_AGE} (24h: how
 * recent a clean verify must be for cleanup), and optionally {@code CARTWRIGHT_CHECKOUT_MIGRATIONS} /
 * {@code CARTWRIGHT_RETURN_MIGRATIONS}: Flyway locations of the services' own schemas, applied first when given.
 */
public record MigrationConfig(String host, int port, String user, String password, Place legacy, Place checkout, Place returns,
                              int chunkSize, long sequenceHeadroom, Duration verifyMaxAge, Optional<String> checkoutMigrations,
                              Optional<String> returnMigrations) {

    /** One database and the schema in it. */
    public record Place(String database, String schema) {
        public Place {
            requireIdentifier("database", database);
            requireIdentifier("schema", schema);
        }
    }

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public MigrationConfig {
        if (chunkSize < 1 || chunkSize > 100_000) {
            throw new IllegalArgumentException("CARTWRIGHT_MIGRATION_CHUNK_SIZE must be between 1 and 100000, was " + chunkSize);
        }
        if (sequenceHeadroom < 0) {
            throw new IllegalArgumentException("CARTWRIGHT_MIGRATION_SEQUENCE_HEADROOM must not be negative, was " + sequenceHeadroom);
        }
    }

    /**
     * Reads the configuration.
     *
     * @throws IllegalArgumentException naming the variable that is wrong
     */
    public static MigrationConfig fromEnvironment(Map<String, String> env) {
        return new MigrationConfig(
            text(env, "CARTWRIGHT_PG_HOST", "127.0.0.1"),
            integer(env, "CARTWRIGHT_PG_PORT", 5432, 1, 65_535),
            text(env, "CARTWRIGHT_PG_USER", "postgres"),
            env.getOrDefault("CARTWRIGHT_PG_PASSWORD", ""),
            place(env, "CARTWRIGHT_LEGACY_DB", "order_db", "CARTWRIGHT_LEGACY_SCHEMA", "public"),
            place(env, "CARTWRIGHT_CHECKOUT_DB", "checkout_db", "CARTWRIGHT_CHECKOUT_SCHEMA", "checkout"),
            place(env, "CARTWRIGHT_RETURN_DB", "return_db", "CARTWRIGHT_RETURN_DB_SCHEMA", "returns"),
            integer(env, "CARTWRIGHT_MIGRATION_CHUNK_SIZE", 500, 1, 100_000),
            integer(env, "CARTWRIGHT_MIGRATION_SEQUENCE_HEADROOM", 1_000_000, 0, Integer.MAX_VALUE),
            duration(env, "CARTWRIGHT_MIGRATION_VERIFY_MAX_AGE", Duration.ofHours(24)),
            optional(env, "CARTWRIGHT_CHECKOUT_MIGRATIONS"),
            optional(env, "CARTWRIGHT_RETURN_MIGRATIONS"));
    }

    public MigrationConfig withChunkSize(int value) {
        return new MigrationConfig(host, port, user, password, legacy, checkout, returns, value, sequenceHeadroom, verifyMaxAge,
            checkoutMigrations, returnMigrations);
    }

    /** The database and schema of an aggregate's new home. */
    public Place target(Aggregate aggregate) {
        return aggregate.database() == Aggregate.TargetDatabase.CHECKOUT ? checkout : returns;
    }

    public String jdbcUrl(Place place) {
        String literalHost = host.contains(":") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + literalHost + ":" + port + "/" + place.database() + "?currentSchema=" + place.schema()
            + "&ApplicationName=order-migration";
    }

    @Override
    public String toString() {
        return "MigrationConfig[" + user + "@" + host + ":" + port + ", legacy=" + legacy + ", checkout=" + checkout + ", returns="
            + returns + ", chunkSize=" + chunkSize + ", sequenceHeadroom=" + sequenceHeadroom + ", verifyMaxAge=" + verifyMaxAge + "]";
    }

    private static Place place(Map<String, String> env, String dbVariable, String db, String schemaVariable, String schema) {
        String database = text(env, dbVariable, db);
        String inSchema = text(env, schemaVariable, schema);
        if (!IDENTIFIER.matcher(database).matches()) {
            throw new IllegalArgumentException(dbVariable + " must be a lower-case identifier, was '" + database + "'");
        }
        if (!IDENTIFIER.matcher(inSchema).matches()) {
            throw new IllegalArgumentException(schemaVariable + " must be a lower-case identifier, was '" + inSchema + "'");
        }
        return new Place(database, inSchema);
    }

    static void requireIdentifier(String what, String value) {
        if (value == null || !IDENTIFIER.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be a lower-case identifier, was '" + value + "'");
        }
    }

    private static String text(Map<String, String> env, String key, String fallback) {
        String value = env.get(key);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static Optional<String> optional(Map<String, String> env, String key) {
        String value = env.get(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static int integer(Map<String, String> env, String key, int fallback, int min, int max) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim().replace("_", ""));
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", was " + parsed);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was '" + value + "'");
        }
    }

    /** {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d} or an ISO-8601 duration such as {@code PT24H}. */
    static Duration duration(Map<String, String> env, String key, Duration fallback) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String text = value.trim();
        try {
            if (text.startsWith("P") || text.startsWith("p")) {
                return Duration.parse(text);
            }
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            return switch (text.charAt(text.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> throw new IllegalArgumentException(key + " must end in s, m, h or d, was '" + value + "'");
            };
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException && e.getMessage() != null && e.getMessage().startsWith(key)) {
                throw e;
            }
            throw new IllegalArgumentException(key + " must be a duration such as 24h or PT24H, was '" + value + "'");
        }
    }
}
