package dev.cartwright.cart.store;

import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.cartwright.testkit.Migrations;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/** The autovacuum check against a real PostgreSQL: the server's setting as it is, and a cart table turned off. */
@ExtendWith(RealServices.class)
class AutovacuumCheckIT {

    private static PostgresInfo postgres;
    private static Vertx vertx;
    private static Pool pool;

    @BeforeAll
    static void open(PostgresInfo info) {
        postgres = info;
        String schema = postgres.freshSchema("autovacuum_check");
        Migrations.apply(postgres, schema, "classpath:db/checkout_db");
        vertx = Vertx.vertx();
        pool = StoreHarness.pool(vertx, postgres, schema);
    }

    @AfterAll
    static void close() {
        await(pool.close());
        await(vertx.close());
    }

    private static boolean serverSetting(String name) {
        return "on".equals(await(pool.query("SHOW " + name).execute()).iterator().next().getString(0));
    }

    @Test
    void reportsTheServersSettingsAndEveryCartTableWithAutovacuumTurnedOff() {
        AutovacuumCheck.Settings before = await(AutovacuumCheck.inspect(pool));
        assertThat(before.autovacuum()).isEqualTo(serverSetting("autovacuum"));
        assertThat(before.trackCounts()).isEqualTo(serverSetting("track_counts"));
        assertThat(before.tablesOff()).isEmpty();

        await(pool.query("ALTER TABLE cart_items SET (autovacuum_enabled = off, fillfactor = 90)").execute());
        await(pool.query("ALTER TABLE cart_promotions SET (autovacuum_enabled = false)").execute());
        await(pool.query("ALTER TABLE carts SET (autovacuum_enabled = true)").execute());
        try {
            AutovacuumCheck.Settings after = await(AutovacuumCheck.inspect(pool));
            assertThat(after.tablesOff()).containsExactly("cart_items", "cart_promotions");
            assertThat(AutovacuumCheck.problems(after)).anySatisfy(problem -> assertThat(problem).contains("table cart_items"));
            await(AutovacuumCheck.run(pool));
        } finally {
            await(pool.query("ALTER TABLE cart_items RESET (autovacuum_enabled, fillfactor)").execute());
            await(pool.query("ALTER TABLE cart_promotions RESET (autovacuum_enabled)").execute());
            await(pool.query("ALTER TABLE carts RESET (autovacuum_enabled)").execute());
        }
        assertThat(await(AutovacuumCheck.inspect(pool)).tablesOff()).isEmpty();
    }

    @Test
    void aSchemaWithoutTheCartTablesIsAskedWithoutFailing() {
        Pool bare = StoreHarness.pool(vertx, postgres, postgres.freshSchema("autovacuum_bare"));
        try {
            AutovacuumCheck.Settings settings = await(AutovacuumCheck.inspect(bare));
            assertThat(settings.autovacuum()).isEqualTo(serverSetting("autovacuum"));
            assertThat(settings.tablesOff()).isEmpty();
        } finally {
            await(bare.close());
        }
    }
}
