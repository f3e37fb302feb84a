package dev.cartwright.service.db;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;

/**
 * Where the legacy Order service's database (order_db) is, for a service that keeps it current while the split
 * overlaps the two systems (dual-write) and imports from it on first touch. Absent unless {@code CARTWRIGHT_LEGACY_DB}
 * is set: then the service neither writes nor reads order_db. Same server and credentials as the service's own
 * database; the names are the ones the order-migration tool reads.
 *
 * @param database    {@code CARTWRIGHT_LEGACY_DB}, e.g. order_db
 * @param schema      {@code CARTWRIGHT_LEGACY_SCHEMA}, where the legacy tables are (default public)
 * @param repairEvery {@code CARTWRIGHT_LEGACY_MIRROR_REPAIR_EVERY}: how often failed mirrors are retried (default 10s)
 * @param repairBatch {@code CARTWRIGHT_LEGACY_MIRROR_REPAIR_BATCH}: aggregates retried per run, oldest first (default 200)
 * @param poolSize    {@code CARTWRIGHT_LEGACY_PG_POOL}: connections to order_db (default 4)
 * @param flagSources the migration flags' sources as given ({@code CARTWRIGHT_FLAGS_FILE}, {@code CARTWRIGHT_FLAG_*}):
 *                    whether writes are mirrored ({@code migration.dual_write}) is decided by the flags
 */
public record LegacyDbConfig(String database, String schema, Duration repairEvery, int repairBatch, int poolSize,
                             Map<String, String> flagSources) {

    public LegacyDbConfig {
        flagSources = Map.copyOf(flagSources);
    }

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** Reads the settings; empty when {@code CARTWRIGHT_LEGACY_DB} is not set. */
    public static Optional<LegacyDbConfig> read(ConfigReader config) {
        String database = config.string("CARTWRIGHT_LEGACY_DB", "");
        if (database.isEmpty()) {
            return Optional.empty();
        }
        if (!IDENTIFIER.matcher(database).matches()) {
            throw new ConfigException("CARTWRIGHT_LEGACY_DB", "must be a plain lower-case identifier, was " + database);
        }
        String schema = config.string("CARTWRIGHT_LEGACY_SCHEMA", "public");
        if (!IDENTIFIER.matcher(schema).matches()) {
            throw new ConfigException("CARTWRIGHT_LEGACY_SCHEMA", "must be a plain lower-case identifier, was " + schema);
        }
        Duration every = config.duration("CARTWRIGHT_LEGACY_MIRROR_REPAIR_EVERY", Duration.ofSeconds(10));
        if (every.isZero() || every.isNegative()) {
            throw new ConfigException("CARTWRIGHT_LEGACY_MIRROR_REPAIR_EVERY", "must be positive, was " + every);
        }
        return Optional.of(new LegacyDbConfig(database, schema, every,
            config.integer("CARTWRIGHT_LEGACY_MIRROR_REPAIR_BATCH", 200, 1, 100_000),
            config.integer("CARTWRIGHT_LEGACY_PG_POOL", 4, 1, 256), config.startingWith("CARTWRIGHT_FLAG")));
    }

    /** The order_db side of {@code service}: same server and credentials, this database, a small pool. */
    public DbConfig on(DbConfig service) {
        return new DbConfig(service.host(), service.port(), service.user(), service.password(), database, "", poolSize);
    }
}
