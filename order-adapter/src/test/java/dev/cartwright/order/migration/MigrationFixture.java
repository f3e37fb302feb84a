package dev.cartwright.order.migration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import dev.cartwright.order.flags.FeatureFlags;
import dev.cartwright.order.flags.FlagCatalog;
import dev.cartwright.order.flags.FlagSetting;
import dev.cartwright.order.flags.MigrationFlags;
import dev.cartwright.testkit.Migrations;
import dev.cartwright.testkit.PostgresInfo;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * One migration's worth of real databases for an integration test: three fresh schemas in the test database — order_db's
 * legacy tables, checkout_db's and return_db's own schemas (applied from the services' source folders) plus the
 * migration's bookkeeping — a {@link MigrationDatabases} over them, flags the test sets, and a fixed clock.
 */
final class MigrationFixture {

    /** 2026-03-01T12:00:00Z: cleanup names its tables after this day. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    final PostgresInfo postgres;
    final MigrationConfig config;
    final MigrationDatabases databases;
    final AtomicReference<FeatureFlags> flags = new AtomicReference<>(new FeatureFlags(FlagCatalog.migration().defaults()));

    MigrationFixture(PostgresInfo postgres, int chunkSize) {
        this.postgres = postgres;
        String legacy = postgres.freshSchema("order_legacy");
        String checkout = postgres.freshSchema("order_checkout");
        String returns = postgres.freshSchema("order_returns");
        Migrations.apply(postgres, checkout, "filesystem:" + projectRoot().resolve("cart-engine/src/main/resources/db/checkout_db"));
        Migrations.apply(postgres, returns, "filesystem:" + projectRoot().resolve("return-verticles/src/main/resources/db/return_db"));
        this.config = new MigrationConfig(postgres.host(), postgres.port(), postgres.user(), postgres.password(),
            new MigrationConfig.Place(PostgresInfo.DATABASE, legacy), new MigrationConfig.Place(PostgresInfo.DATABASE, checkout),
            new MigrationConfig.Place(PostgresInfo.DATABASE, returns), chunkSize, 1_000_000, Duration.ofHours(24),
            Optional.empty(), Optional.empty());
        this.databases = new MigrationDatabases(config);
        databases.migrateLegacy();
        databases.migrateState();
    }

    /** The repository root: from the build ({@code cartwright.root}) or found upwards from the working directory. */
    static Path projectRoot() {
        String configured = System.getProperty("cartwright.root");
        if (configured != null && Files.isDirectory(Path.of(configured, "cart-engine"))) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("cart-engine")) && Files.isDirectory(dir.resolve("return-verticles"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the project root (set -Dcartwright.root)");
    }

    Supplier<FeatureFlags> flagSupplier() {
        return flags::get;
    }

    /** Sets flags by name, e.g. {@code set(MigrationFlags.BACKFILL, "on", MigrationFlags.READ_SWITCH, "10%")}. */
    MigrationFixture set(String... nameThenSetting) {
        FeatureFlags next = flags.get();
        for (int i = 0; i < nameThenSetting.length; i += 2) {
            next = next.with(nameThenSetting[i], FlagSetting.parse(nameThenSetting[i + 1]));
        }
        flags.set(next);
        return this;
    }

    MigrationFixture backfillOn() {
        return set(MigrationFlags.BACKFILL, "on", MigrationFlags.VERIFY, "on");
    }

    LegacySampleData.Seeded seed(long seed, LegacySampleData.Counts counts) throws SQLException {
        try (Connection legacy = databases.legacy()) {
            return new LegacySampleData(seed).seed(legacy, counts);
        }
    }

    Backfill backfill() {
        return new Backfill(databases, flagSupplier(), CLOCK);
    }

    Verifier verifier() {
        return new Verifier(databases, flagSupplier(), CLOCK);
    }

    Cleanup cleanup() {
        return new Cleanup(databases, flagSupplier(), CLOCK);
    }

    Backfill.Report backfillAll(Aggregate aggregate, int chunkSize) throws SQLException {
        return backfill().run(aggregate, new Backfill.Options(Backfill.Direction.TO_NEW, chunkSize, 0, false));
    }

    VerifyReport verify(Aggregate aggregate) throws SQLException {
        Verifier.Outcome outcome = verifier().verify(aggregate, new Verifier.Options(config.chunkSize(), 0, 50, false));
        if (outcome instanceof Verifier.Outcome.Verified verified) {
            return verified.report();
        }
        throw new AssertionError("verify refused: " + ((Verifier.Outcome.Refused) outcome).reason());
    }

    /** Every row of an aggregate kind on one side, as normalised row texts in a stable order. */
    List<String> snapshot(Side side, Aggregate aggregate) throws SQLException {
        try (Connection connection = side == Side.LEGACY ? databases.legacy() : databases.target(aggregate)) {
            ChunkRows rows = JdbcAggregates.read(connection, side, aggregate, RootRange.ALL);
            List<String> texts = new ArrayList<>();
            rows.rows().forEach((table, list) -> list.forEach(row -> texts.add(RowText.of(table, row))));
            texts.sort(null);
            return texts;
        }
    }

    /** Snapshots of every aggregate kind on one side. */
    Map<Aggregate, List<String>> snapshots(Side side) throws SQLException {
        Map<Aggregate, List<String>> all = new EnumMap<>(Aggregate.class);
        for (Aggregate aggregate : Aggregate.values()) {
            all.put(aggregate, snapshot(side, aggregate));
        }
        return all;
    }

    /** Row versions (xmin) of every row of the aggregate's new tables: unchanged means nothing was written. */
    Map<String, List<String>> rowVersions(Aggregate aggregate) throws SQLException {
        Map<String, List<String>> versions = new HashMap<>();
        try (Connection target = databases.target(aggregate)) {
            for (TableMapping table : aggregate.tables()) {
                List<String> list = new ArrayList<>();
                String sql = "SELECT xmin::text AS v, ctid::text AS c FROM " + table.target().table() + " ORDER BY 1, 2";
                for (Map<String, Object> row : JdbcRows.query(target, sql, List.of())) {
                    list.add(row.get("v") + "@" + row.get("c"));
                }
                versions.put(table.name(), list);
            }
        }
        return versions;
    }

    long count(Side side, Aggregate aggregate, String table) throws SQLException {
        try (Connection connection = side == Side.LEGACY ? databases.legacy() : databases.target(aggregate)) {
            return (Long) JdbcRows.query(connection, "SELECT count(*) AS n FROM " + table, List.of()).get(0).get("n");
        }
    }

    int update(Side side, Aggregate aggregate, String sql, Object... params) throws SQLException {
        try (Connection connection = side == Side.LEGACY ? databases.legacy() : databases.target(aggregate)) {
            return JdbcRows.update(connection, sql, List.of(params));
        }
    }

    List<Map<String, Object>> query(Side side, Aggregate aggregate, String sql, Object... params) throws SQLException {
        try (Connection connection = side == Side.LEGACY ? databases.legacy() : databases.target(aggregate)) {
            return JdbcRows.query(connection, sql, List.of(params));
        }
    }

    /** A reactive pool on one side's schema (for the DualWriter and the reader). */
    Pool pool(Vertx vertx, MigrationConfig.Place place) {
        PgConnectOptions connect = new PgConnectOptions().setHost(postgres.host()).setPort(postgres.port()).setUser(postgres.user())
            .setDatabase(place.database()).addProperty("search_path", place.schema());
        if (!postgres.password().isEmpty()) {
            connect.setPassword(postgres.password());
        }
        return PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(connect).using(vertx).build();
    }
}
