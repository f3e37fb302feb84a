package dev.cartwright.order.migration;

import java.io.PrintStream;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.cartwright.order.flags.FeatureFlagStore;
import dev.cartwright.order.flags.FeatureFlags;
import dev.cartwright.order.flags.FlagCatalog;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * The order_db migration tool: one subcommand per step and its reverse, configured from the environment
 * ({@link MigrationConfig}; flags from {@code CARTWRIGHT_FLAGS_FILE} and {@code CARTWRIGHT_FLAG_*}, read again before
 * every chunk so a flag flipped mid-run takes effect at the next chunk).
 *
 * <p>This is an offline operator's tool, not a service: it talks to PostgreSQL through blocking JDBC on its own thread
 * (no event loop runs here), except {@code repair}, which drives the services' reactive {@link DualWriter} and waits
 * for it.
 *
 * <p>Exit codes: 0 done (verify clean); 1 done with findings (verify dirty, aggregates rejected, mirrors still pending);
 * 2 refused, bad usage or bad configuration; 3 failed.
 */
public final class MigrationMain {

    static final String USAGE = """
        usage: order-migration <command> [options]
          status                      flags, primary side, row counts, checkpoints, rejects, pending mirrors, last verify
          flags                       the flags in force
          backfill [--to-legacy]      copy order_db -> new databases (or back, for a rollback), chunked and resumable
                   [--max-chunks N] [--chunk-size N] [--dry-run] [--aggregate cart|checkout|return ...]
          verify   [--rechecks N] [--chunk-size N] [--dry-run] [--aggregate ...]
                                      compare both sides chunk by chunk (counts and MD5 checksums)
          repair   [--limit N]        mirror to order_db the aggregates whose dual-write mirror is still pending
          cleanup  [--dry-run] [--aggregate ...]   rename order_db's tables to <table>_migrated_<yyyymmdd>
          restore  [--dry-run] [--aggregate ...]   rename them back
          init-legacy                 create order_db's legacy tables (test and demo databases only)
          seed-legacy [--carts N] [--checkouts N] [--returns N] [--seed S]   demo rows in order_db
        environment: CARTWRIGHT_PG_HOST|PORT|USER|PASSWORD, CARTWRIGHT_LEGACY_DB|_SCHEMA, CARTWRIGHT_CHECKOUT_DB|_SCHEMA,
          CARTWRIGHT_RETURN_DB|_DB_SCHEMA, CARTWRIGHT_MIGRATION_CHUNK_SIZE, CARTWRIGHT_FLAGS_FILE, CARTWRIGHT_FLAG_<NAME>
        """;

    private MigrationMain() {
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            // Before the first logger exists: the tool's own quiet logging, not logback's debug default.
            System.setProperty("logback.configurationFile", "order-migration-logback.xml");
        }
        System.exit(run(args, System.getenv(), System.out, System.err, Clock.systemUTC()));
    }

    /** Runs one command with {@code env} as its environment (a rehearsal runs it in-process); returns the exit code. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err, Clock clock) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        Arguments arguments;
        MigrationConfig config;
        FeatureFlagStore flags;
        try {
            arguments = Arguments.parse(args);
            config = MigrationConfig.fromEnvironment(env);
            flags = FeatureFlagStore.load(FlagCatalog.migration(), env);
            if (arguments.has("chunk-size")) {
                config = config.withChunkSize(arguments.integer("chunk-size", config.chunkSize()));
            }
        } catch (IllegalArgumentException e) {
            err.println("order-migration: " + e.getMessage());
            return 2;
        }
        // Before every chunk and every check: the file is read again, so a flag flipped on disk takes effect mid-run.
        FeatureFlagStore store = flags;
        Supplier<FeatureFlags> current = () -> {
            store.reload();
            return store.current();
        };
        MigrationDatabases databases = new MigrationDatabases(config);
        try {
            return command(arguments, databases, current, out, clock);
        } catch (IllegalArgumentException e) {
            err.println("order-migration: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("order-migration: " + arguments.command() + " failed: " + e);
            return 3;
        }
    }

    private static int command(Arguments arguments, MigrationDatabases databases, Supplier<FeatureFlags> flags, PrintStream out,
                               Clock clock) throws Exception {
        MigrationConfig config = databases.config();
        boolean dryRun = arguments.has("dry-run");
        switch (arguments.command()) {
            case "flags" -> {
                flags.get().settings().forEach((flag, setting) -> out.println(flag + " = " + setting));
                out.println("primary: " + PrimarySide.of(flags.get()));
                return 0;
            }
            case "init-legacy" -> {
                out.println("order_db legacy schema: " + databases.migrateLegacy() + " migration(s) applied to " + config.legacy());
                return 0;
            }
            case "seed-legacy" -> {
                try (Connection legacy = databases.legacy()) {
                    LegacySampleData.Seeded seeded = new LegacySampleData(arguments.integer("seed", 42)).seed(legacy,
                        new LegacySampleData.Counts(arguments.integer("carts", 1_000), arguments.integer("checkouts", 500),
                            arguments.integer("returns", 300)));
                    out.println("seeded " + seeded.rows() + " rows: " + seeded);
                }
                return 0;
            }
            default -> {
                // every other command works on the new databases' bookkeeping
            }
        }
        databases.migrateServices();
        databases.migrateState();
        Set<Aggregate> aggregates = arguments.aggregates();
        switch (arguments.command()) {
            case "status" -> {
                out.print(new MigrationStatus(databases, clock).describe(flags.get()));
                return 0;
            }
            case "backfill" -> {
                Backfill backfill = new Backfill(databases, flags, clock);
                Backfill.Direction direction = arguments.has("to-legacy") ? Backfill.Direction.TO_LEGACY : Backfill.Direction.TO_NEW;
                Backfill.Options options = new Backfill.Options(direction, config.chunkSize(), arguments.integer("max-chunks", 0), dryRun);
                int code = 0;
                for (Aggregate aggregate : aggregates) {
                    Backfill.Report report = backfill.run(aggregate, options);
                    out.println(report.describe());
                    code = Math.max(code, switch (report.outcome()) {
                        case REFUSED -> 2;
                        case STOPPED -> 2;
                        default -> report.rejected().isEmpty() ? 0 : 1;
                    });
                    if (report.outcome() == Backfill.Outcome.REFUSED || report.outcome() == Backfill.Outcome.STOPPED) {
                        break;
                    }
                }
                return code;
            }
            case "verify" -> {
                Verifier verifier = new Verifier(databases, flags, clock);
                Verifier.Options options = new Verifier.Options(config.chunkSize(), arguments.integer("rechecks", 1), 20, dryRun);
                int code = 0;
                for (Aggregate aggregate : aggregates) {
                    Verifier.Outcome outcome = verifier.verify(aggregate, options);
                    if (outcome instanceof Verifier.Outcome.Refused refused) {
                        out.println("verify " + aggregate.rootTable() + ": REFUSED - " + refused.reason());
                        return 2;
                    }
                    VerifyReport report = ((Verifier.Outcome.Verified) outcome).report();
                    out.println(report.describe());
                    code = Math.max(code, report.clean() ? 0 : 1);
                }
                return code;
            }
            case "repair" -> {
                return repair(databases, flags, arguments.integer("limit", 10_000), out, clock);
            }
            case "cleanup" -> {
                Cleanup.Report report = new Cleanup(databases, flags, clock).cleanup(aggregates, dryRun);
                out.println(report.describe("cleanup"));
                return report.refusals().isEmpty() ? 0 : 2;
            }
            case "restore" -> {
                Cleanup.Report report = new Cleanup(databases, flags, clock).restore(aggregates, dryRun);
                out.println(report.describe("restore"));
                if (report.refusals().isEmpty() && !dryRun) {
                    out.println("order_db holds what it held at cleanup: switch migration.dual_write on, then run backfill --to-legacy "
                        + "before moving writes back to it");
                }
                return report.refusals().isEmpty() ? 0 : 2;
            }
            default -> throw new IllegalArgumentException("unknown command '" + arguments.command() + "'\n" + USAGE);
        }
    }

    private static int repair(MigrationDatabases databases, Supplier<FeatureFlags> flags, int limit, PrintStream out, Clock clock)
        throws Exception {
        MigrationConfig config = databases.config();
        Vertx vertx = Vertx.vertx();
        List<Pool> pools = new ArrayList<>();
        try {
            Pool legacy = pool(vertx, config, config.legacy(), pools);
            int code = 0;
            for (MigrationConfig.Place place : databases.targetPlaces()) {
                DualWriter writer = new DualWriter(pool(vertx, config, place, pools), legacy, flags, clock);
                DualWriter.RepairReport report = writer.repairPending(limit).toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.MINUTES);
                if (report.refusal().isPresent()) {
                    out.println("repair " + place + ": REFUSED - " + report.refusal().get());
                    return 2;
                }
                out.println("repair " + place + ": mirrored " + report.mirrored() + ", still pending " + report.stillPending());
                report.errors().forEach(e -> out.println("  " + e));
                code = Math.max(code, report.stillPending() == 0 ? 0 : 1);
            }
            return code;
        } finally {
            for (Pool pool : pools) {
                pool.close();
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static Pool pool(Vertx vertx, MigrationConfig config, MigrationConfig.Place place, List<Pool> pools) {
        PgConnectOptions connect = new PgConnectOptions().setHost(config.host()).setPort(config.port()).setUser(config.user())
            .setDatabase(place.database()).addProperty("search_path", place.schema()).addProperty("application_name", "order-migration");
        if (!config.password().isEmpty()) {
            connect.setPassword(config.password());
        }
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(connect).using(vertx).build();
        pools.add(pool);
        return pool;
    }

    /** The command and its options ({@code --name value} or {@code --flag}). */
    record Arguments(String command, Map<String, List<String>> options) {

        private static final Set<String> SWITCHES = Set.of("dry-run", "to-legacy");
        private static final Set<String> VALUED = Set.of("max-chunks", "chunk-size", "aggregate", "rechecks", "limit", "carts",
            "checkouts", "returns", "seed");

        static Arguments parse(String[] args) {
            Map<String, List<String>> options = new LinkedHashMap<>();
            for (int i = 1; i < args.length; i++) {
                String arg = args[i];
                if (!arg.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument '" + arg + "'");
                }
                String name = arg.substring(2);
                if (SWITCHES.contains(name)) {
                    options.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
                } else if (VALUED.contains(name)) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--" + name + " needs a value");
                    }
                    options.computeIfAbsent(name, k -> new ArrayList<>()).add(args[++i]);
                } else {
                    throw new IllegalArgumentException("unknown option --" + name);
                }
            }
            return new Arguments(args[0], options);
        }

        boolean has(String name) {
            return options.containsKey(name);
        }

        int integer(String name, int fallback) {
            List<String> values = options.get(name);
            if (values == null) {
                return fallback;
            }
            try {
                int value = Integer.parseInt(values.get(values.size() - 1));
                if (value < 0) {
                    throw new IllegalArgumentException("--" + name + " must not be negative");
                }
                return value;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be a whole number, was '" + values.get(values.size() - 1) + "'");
            }
        }

        /** The aggregates named with --aggregate, or all of them. */
        Set<Aggregate> aggregates() {
            List<String> named = options.get("aggregate");
            if (named == null) {
                return EnumSet.allOf(Aggregate.class);
            }
            Set<Aggregate> chosen = EnumSet.noneOf(Aggregate.class);
            for (String name : named) {
                chosen.add(Aggregate.parse(name));
            }
            return chosen;
        }
    }
}
