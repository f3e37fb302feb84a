package dev.cartwright.order.migration;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The order-migration command line end to end against real PostgreSQL, configured only through its environment. */
@ExtendWith(RealServices.class)
class MigrationMainIT {

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();
    private Path flags;
    private String output;

    @BeforeEach
    void environment(PostgresInfo postgres) throws IOException {
        flags = dir.resolve("flags.properties");
        Files.writeString(flags, "");
        Path root = MigrationFixture.projectRoot();
        env.put("CARTWRIGHT_PG_HOST", postgres.host());
        env.put("CARTWRIGHT_PG_PORT", Integer.toString(postgres.port()));
        env.put("CARTWRIGHT_PG_USER", postgres.user());
        env.put("CARTWRIGHT_PG_PASSWORD", postgres.password());
        env.put("CARTWRIGHT_LEGACY_DB", PostgresInfo.DATABASE);
        env.put("CARTWRIGHT_LEGACY_SCHEMA", postgres.freshSchema("cli_legacy"));
        env.put("CARTWRIGHT_CHECKOUT_DB", PostgresInfo.DATABASE);
        env.put("CARTWRIGHT_CHECKOUT_SCHEMA", postgres.freshSchema("cli_checkout"));
        env.put("CARTWRIGHT_RETURN_DB", PostgresInfo.DATABASE);
        env.put("CARTWRIGHT_RETURN_DB_SCHEMA", postgres.freshSchema("cli_returns"));
        env.put("CARTWRIGHT_CHECKOUT_MIGRATIONS", "filesystem:" + root.resolve("cart-engine/src/main/resources/db/checkout_db"));
        env.put("CARTWRIGHT_RETURN_MIGRATIONS", "filesystem:" + root.resolve("return-verticles/src/main/resources/db/return_db"));
        env.put("CARTWRIGHT_FLAGS_FILE", flags.toString());
        env.put("CARTWRIGHT_MIGRATION_CHUNK_SIZE", "25");
    }

    @Test
    void everyStepAndItsReverseFromTheCommandLine() throws IOException {
        assertThat(run("init-legacy")).isZero();
        assertThat(run("seed-legacy", "--carts", "90", "--checkouts", "40", "--returns", "30", "--seed", "5")).isZero();
        assertThat(output).contains("seeded");

        assertThat(run("backfill")).isEqualTo(2);
        assertThat(output).contains("REFUSED - migration.backfill is off");

        flip("migration.backfill=on\nmigration.verify=on\n");
        assertThat(run("backfill", "--dry-run", "--aggregate", "cart")).isZero();
        assertThat(output).contains("backfill carts (dry run): FINISHED").contains("chunks 4");
        assertThat(run("backfill", "--aggregate", "cart", "--max-chunks", "2")).isZero();
        assertThat(output).contains("CHUNK_LIMIT; chunks 2, aggregates 50");
        assertThat(run("status")).isZero();
        assertThat(output).contains("carts: order_db 90, new 50").contains("backfill: pass 1 in progress, chunks 2");
        assertThat(run("backfill")).isZero();
        assertThat(output).contains("backfill carts: FINISHED; chunks 2, aggregates 40").contains("backfill checkouts: FINISHED")
            .contains("backfill return_requests: FINISHED");

        assertThat(run("verify")).isZero();
        assertThat(output).contains("verify carts: CLEAN").contains("verify checkouts: CLEAN").contains("verify return_requests: CLEAN");

        assertThat(run("cleanup")).isEqualTo(2);
        assertThat(output).contains("migration.cleanup is off").contains("migration.read_switch is at off");

        flip("migration.backfill=off\nmigration.verify=on\nmigration.dual_write=on\nmigration.read_switch=100%\n");
        assertThat(run("repair")).isZero();
        assertThat(output).contains("mirrored 0, still pending 0");

        flip("migration.cleanup=on\nmigration.verify=on\nmigration.dual_write=off\nmigration.read_switch=100%\n");
        assertThat(run("cleanup", "--dry-run")).isZero();
        assertThat(output).contains("cleanup: would rename").contains("carts -> carts_migrated_");
        assertThat(run("cleanup")).isZero();
        assertThat(output).contains("cleanup: renamed").contains("return_shipping -> return_shipping_migrated_");
        assertThat(run("status")).isZero();
        assertThat(output).contains("renamed away by cleanup");
        assertThat(run("restore")).isZero();
        assertThat(output).contains("restore: renamed").contains("switch migration.dual_write on, then run backfill --to-legacy");
        assertThat(run("backfill", "--to-legacy")).isEqualTo(2);
        assertThat(output).contains("REFUSED").contains("without the dual-writer");
        flip("migration.cleanup=on\nmigration.verify=on\nmigration.dual_write=on\nmigration.read_switch=100%\n");
        // The first copy back writes order_db's loose values in the one form the mapping gives them (upper-case statuses,
        // a last_activity_at where it was NULL, ...); the second finds nothing left to change.
        assertThat(run("backfill", "--to-legacy")).isZero();
        assertThat(output).contains("backfill_to_legacy carts: FINISHED");
        assertThat(run("backfill", "--to-legacy")).isZero();
        assertThat(output.lines().filter(line -> line.startsWith("backfill_to_legacy")))
            .hasSize(3).allMatch(line -> line.contains("FINISHED") && line.contains("rows changed 0,"));
        assertThat(run("verify")).isZero();
        assertThat(run("flags")).isZero();
        assertThat(output).contains("migration.read_switch = on").contains("primary: NEW_DATABASES");
    }

    @Test
    void badUsageAndBadConfigurationAreRefusedWithTheReason() throws IOException {
        assertThat(run("backfill", "--chunk-size", "many")).isEqualTo(2);
        assertThat(output).contains("--chunk-size must be a whole number");
        assertThat(run("vacuum")).isEqualTo(2);
        assertThat(output).contains("unknown command 'vacuum'");
        env.put("CARTWRIGHT_FLAG_MIGRATION_DUALWRITE", "on");
        assertThat(run("status")).isEqualTo(2);
        assertThat(output).contains("CARTWRIGHT_FLAG_MIGRATION_DUALWRITE names no known flag");
        env.remove("CARTWRIGHT_FLAG_MIGRATION_DUALWRITE");
        flip("migration.dual_write=50%\n");
        assertThat(run("status")).isEqualTo(2);
        assertThat(output).contains("flag 'migration.dual_write' is a switch");
    }

    private void flip(String content) throws IOException {
        Files.writeString(flags, content);
    }

    private int run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = MigrationMain.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), MigrationFixture.CLOCK);
        output = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        return code;
    }
}
