package dev.cartwright.checkout.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartCommand.AddItem;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.cart.store.CartStoreConfig;
import dev.cartwright.cart.store.ParkedCarts;
import dev.cartwright.cart.store.PgCartRepository;
import dev.cartwright.cart.store.RedisCartStore;
import dev.cartwright.cart.store.WriteBehind;
import dev.cartwright.checkout.domain.Checkout;
import dev.cartwright.checkout.domain.CheckoutState;
import dev.cartwright.checkout.store.CheckoutStore;
import dev.cartwright.checkout.domain.Transition;
import dev.cartwright.order.flags.FeatureFlags;
import dev.cartwright.order.flags.FlagCatalog;
import dev.cartwright.order.flags.FlagSetting;
import dev.cartwright.order.flags.MigrationFlags;
import dev.cartwright.order.migration.DualWriteResult;
import dev.cartwright.order.migration.DualWriter;
import dev.cartwright.order.migration.LegacyImport;
import dev.cartwright.order.migration.LegacyMirrorRepair;
import dev.cartwright.order.migration.MigrationDatabases;
import dev.cartwright.order.migration.MirrorOutcome;
import dev.cartwright.pricing.CartLimits;
import dev.cartwright.service.outbox.Outbox;
import dev.cartwright.service.outbox.OutboxTable;
import dev.cartwright.testkit.Migrations;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * Data follows the customer between the Order service's order_db and the Checkout Service's checkout_db, through the
 * real cart store (Redis, the write-behind, PostgreSQL): what the new service writes is mirrored into order_db in its
 * legacy shape while dual-write is on; a cart that lives only in order_db is imported on first touch; a mirror that
 * fails while order_db is down waits in the queue and is repaired; and neither side's older copy overwrites a newer one.
 */
@ExtendWith(RealServices.class)
class DataFollowsCustomerIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final CartLimits LIMITS = CartLimits.defaults();
    private static final AtomicInteger IDS = new AtomicInteger();

    private PostgresInfo postgres;
    private RedisInfo redisInfo;
    private Vertx vertx;
    private Redis redis;
    private Pool checkoutDb;
    private Pool orderDb;
    private String checkoutSchema;
    private String legacySchema;
    private final AtomicReference<FeatureFlags> flags = new AtomicReference<>(new FeatureFlags(FlagCatalog.migration().defaults()));
    private final List<String> deployments = new ArrayList<>();

    @BeforeEach
    void open(PostgresInfo postgres, RedisInfo redisInfo) {
        this.postgres = postgres;
        this.redisInfo = redisInfo;
        checkoutSchema = postgres.freshSchema("follow_checkout");
        legacySchema = postgres.freshSchema("follow_legacy");
        Migrations.apply(postgres, checkoutSchema, "classpath:db/checkout_db");
        MigrationDatabases.migrateState(postgres.jdbcUrl(), postgres.user(), postgres.password(), checkoutSchema);
        Migrations.apply(postgres, legacySchema, MigrationDatabases.LEGACY_MIGRATIONS);
        vertx = Vertx.vertx();
        redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisInfo.url()).setMaxPoolSize(8)
            .setMaxPoolWaiting(1024));
        checkoutDb = pool(postgres.port(), checkoutSchema);
        orderDb = pool(postgres.port(), legacySchema);
        set(MigrationFlags.DUAL_WRITE, "on");
    }

    @AfterEach
    void close() {
        for (String id : deployments) {
            await(vertx.undeploy(id));
        }
        await(vertx.close());
    }

    @Test
    void aCartWrittenThroughTheNewServiceIsInOrderDbInTheLegacyShape() throws SQLException {
        Service service = service(orderDb);
        Cart cart = await(service.store.createOrGetActive(newId(), "follow-customer-" + IDS.incrementAndGet(), "USD", "US-CA", ""));
        cart = mutate(service.store, Mutation.of(cart.cartId(), add("sku-1", 2, 1299)));
        Cart last = mutate(service.store, Mutation.of(cart.cartId(), add("sku-2", 1, 5)));

        eventually(() -> legacyVersion(last.cartId()) == last.version());

        assertThat(legacyRows("SELECT status, currency_code, customer_id, version FROM carts WHERE id = ?", last.cartId()))
            .singleElement().satisfies(row -> {
                assertThat(row.get("status")).isEqualTo("ACTIVE");
                assertThat(row.get("currency_code")).isEqualTo("USD");
                assertThat(row.get("customer_id")).isEqualTo(last.customerId());
            });
        assertThat(legacyRows("SELECT product_id, quantity, unit_price FROM cart_items WHERE cart_id = ? ORDER BY product_id",
            last.cartId())).extracting(row -> row.get("product_id"), row -> row.get("quantity"), row -> row.get("unit_price"))
            .containsExactly(org.assertj.core.groups.Tuple.tuple("sku-1", 2, new BigDecimal("12.99")),
                org.assertj.core.groups.Tuple.tuple("sku-2", 1, new BigDecimal("0.05")));
        assertThat(await(service.writer.pendingMirrors())).isZero();
    }

    @Test
    void withDualWriteOffNothingReachesOrderDbAndNothingIsQueued() throws SQLException {
        set(MigrationFlags.DUAL_WRITE, "off", MigrationFlags.READ_SWITCH, "100%");
        Service service = service(orderDb);
        Cart cart = await(service.store.createOrGetActive(newId(), "", "USD", "US-CA", ""));
        Cart last = mutate(service.store, Mutation.of(cart.cartId(), add("sku-1", 1, 100)));

        eventually(() -> storedVersion(last.cartId()) == last.version());

        assertThat(legacyVersion(last.cartId())).isEqualTo(-1);
        assertThat(await(service.writer.pendingMirrors())).isZero();
    }

    @Test
    void aCustomerWhoseCartLivesOnlyInOrderDbFindsItOnFirstTouch() throws SQLException {
        String customer = "legacy-customer-" + IDS.incrementAndGet();
        String cartId = newId();
        legacyCart(cartId, customer, 3, "ACTIVE");
        legacyItem(cartId, "sku-old", 4, "19.99");
        Service service = service(orderDb);

        Optional<Cart> active = await(service.store.activeCartOf(customer));

        assertThat(active).map(Cart::cartId).contains(cartId);
        assertThat(active.get().version()).isEqualTo(3);
        assertThat(active.get().line("sku-old")).hasValueSatisfying(line -> {
            assertThat(line.quantity()).isEqualTo(4);
            assertThat(line.unitPriceMinor()).isEqualTo(1999);
        });
        // A cart read by id (a guest's) is imported the same way, and a change to it carries on from its version.
        String guestCart = newId();
        legacyCart(guestCart, null, 7, "ACTIVE");
        Cart changed = mutate(service.store, Mutation.of(guestCart, add("sku-new", 1, 250)));
        assertThat(changed.version()).isEqualTo(8);
        eventually(() -> legacyVersion(guestCart) == 8);
    }

    @Test
    void aMirrorThatFailsWhileOrderDbIsDownIsQueuedAndRepaired() throws SQLException {
        Pool down = unreachablePool();
        Service cut = service(down);
        Cart cart = await(cut.store.createOrGetActive(newId(), "", "EUR", "DE", ""));
        Cart last = mutate(cut.store, Mutation.of(cart.cartId(), add("sku-1", 3, 450)));
        eventually(() -> storedVersion(last.cartId()) == last.version());
        eventually(() -> await(cut.writer.pendingMirrors()) == 1);
        assertThat(legacyVersion(last.cartId())).isEqualTo(-1);

        DualWriter healthy = new DualWriter(checkoutDb, orderDb, flags::get, Clock.systemUTC());
        LegacyMirrorRepair repair = new LegacyMirrorRepair(healthy, Duration.ofHours(1), 100);
        deployments.add(await(vertx.deployVerticle(repair)));
        DualWriter.RepairReport report = await(repair.runOnce());

        assertThat(report.mirrored()).isEqualTo(1);
        assertThat(repair.pendingMirrors()).isZero();
        assertThat(legacyVersion(last.cartId())).isEqualTo(last.version());
        assertThat(legacyRows("SELECT unit_price FROM cart_items WHERE cart_id = ?", last.cartId()))
            .extracting(row -> row.get("unit_price")).containsExactly(new BigDecimal("4.50"));
    }

    @Test
    void writesTheOrderServiceMadeWhileItServedAreNotLostWhenTrafficReturns() throws SQLException {
        Service service = service(orderDb);
        Cart cart = await(service.store.createOrGetActive(newId(), "", "USD", "US-CA", ""));
        Cart mirrored = mutate(service.store, Mutation.of(cart.cartId(), add("sku-1", 1, 100)));
        eventually(() -> legacyVersion(mirrored.cartId()) == mirrored.version());
        // Rolled back: the Order service serves the customer and changes the cart in order_db (two versions on).
        long legacyNewer = mirrored.version() + 2;
        legacyUpdate("UPDATE carts SET version = ?, updated_at = (now() AT TIME ZONE 'UTC') WHERE id = ?", legacyNewer, cart.cartId());
        legacyUpdate("UPDATE cart_items SET quantity = 9 WHERE cart_id = ?", cart.cartId());
        // Traffic returns; the cart has left Redis meanwhile (idle), so the next touch reads it through PostgreSQL.
        await(redis.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.DEL).arg(service.config.cartKey(cart.cartId()))));

        Optional<Cart> found = await(service.store.find(cart.cartId()));

        assertThat(found).hasValueSatisfying(c -> {
            assertThat(c.version()).isEqualTo(legacyNewer);
            assertThat(c.line("sku-1").orElseThrow().quantity()).isEqualTo(9);
        });
        assertThat(storedVersion(cart.cartId())).isEqualTo(legacyNewer);
    }

    @Test
    void aCartStillHotInRedisGivesWayToTheNewerCopyTheOrderServiceWroteWhileItServed() throws SQLException {
        Service service = service(orderDb);
        Cart cart = await(service.store.createOrGetActive(newId(), "hot-customer-" + IDS.incrementAndGet(), "USD", "US-CA", ""));
        Cart mirrored = mutate(service.store, Mutation.of(cart.cartId(), add("sku-1", 1, 100)));
        eventually(() -> legacyVersion(mirrored.cartId()) == mirrored.version());
        // Rolled back: the Order service changes the cart in order_db (two versions on) while Redis still holds it hot.
        long legacyNewer = mirrored.version() + 2;
        legacyUpdate("UPDATE carts SET version = ?, updated_at = (now() AT TIME ZONE 'UTC') WHERE id = ?", legacyNewer, cart.cartId());
        legacyUpdate("UPDATE cart_items SET quantity = 9 WHERE cart_id = ?", cart.cartId());

        // Traffic returns: the next change is made on the Order service's copy, not on the older hot one.
        Cart changed = mutate(service.store, Mutation.of(cart.cartId(), add("sku-2", 1, 250)));

        assertThat(changed.version()).isEqualTo(legacyNewer + 1);
        assertThat(changed.line("sku-1").orElseThrow().quantity()).isEqualTo(9);
        assertThat(changed.line("sku-2")).isPresent();
        eventually(() -> legacyVersion(cart.cartId()) == changed.version());
        assertThat(legacyRows("SELECT product_id, quantity FROM cart_items WHERE cart_id = ? ORDER BY product_id", cart.cartId()))
            .extracting(row -> row.get("product_id"), row -> row.get("quantity"))
            .containsExactly(org.assertj.core.groups.Tuple.tuple("sku-1", 9), org.assertj.core.groups.Tuple.tuple("sku-2", 1));

        // A read of a hot cart the Order service changed again answers with that change as well.
        legacyUpdate("UPDATE carts SET version = ?, updated_at = (now() AT TIME ZONE 'UTC') WHERE id = ?", changed.version() + 1,
            cart.cartId());
        legacyUpdate("DELETE FROM cart_items WHERE cart_id = ? AND product_id = 'sku-2'", cart.cartId());
        Cart read = await(service.store.find(cart.cartId())).orElseThrow();
        assertThat(read.version()).isEqualTo(changed.version() + 1);
        assertThat(read.line("sku-2")).isEmpty();
    }

    @Test
    void anOlderCopyNeverOverwritesANewerOneOnEitherSide() throws SQLException {
        Service service = service(orderDb);
        // The new side is newer: order_db's older copy is not imported over it.
        Cart cart = await(service.store.createOrGetActive(newId(), "", "USD", "US-CA", ""));
        Cart newer = mutate(service.store, Mutation.of(cart.cartId(), add("sku-1", 5, 100)));
        eventually(() -> legacyVersion(newer.cartId()) == newer.version());
        legacyUpdate("UPDATE carts SET version = 1 WHERE id = ?", cart.cartId());
        assertThat(await(new LegacyImport(checkoutDb, orderDb, 1000).importIfNewer(
            dev.cartwright.order.migration.Aggregate.CART, cart.cartId()))).isFalse();
        assertThat(storedVersion(cart.cartId())).isEqualTo(newer.version());

        // order_db is newer (written outside the dual-writer): a mirror of the older copy leaves it as it is and stays
        // pending for an operator, instead of reverting the Order service's write.
        legacyUpdate("UPDATE carts SET version = ? WHERE id = ?", newer.version() + 10, cart.cartId());
        DualWriteResult<Object> stale = await(service.writer.write(dev.cartwright.order.migration.Aggregate.CART, cart.cartId(),
            connection -> Future.succeededFuture()));
        assertThat(stale.mirror()).isInstanceOf(MirrorOutcome.Deferred.class);
        assertThat(await(service.writer.pendingMirrors())).isEqualTo(1);
        assertThat(legacyVersion(cart.cartId())).isEqualTo(newer.version() + 10);
        assertThat(legacyRows("SELECT product_id FROM cart_items WHERE cart_id = ?", cart.cartId()))
            .extracting(row -> row.get("product_id")).containsExactly("sku-1");

        // The customer's next touch settles it as every copy does, the newer version winning: order_db's copy comes in
        // (over the hot one in Redis too), and the held-back mirror has nothing left to copy.
        Cart settled = await(service.store.find(cart.cartId())).orElseThrow();
        assertThat(settled.version()).isEqualTo(newer.version() + 10);
        assertThat(storedVersion(cart.cartId())).isEqualTo(newer.version() + 10);
        assertThat(await(service.writer.pendingMirrors())).isZero();
    }

    @Test
    void aCheckoutThatLivesOnlyInOrderDbIsImportedOnReadAndItsChangesAreMirroredBack() throws SQLException {
        String checkoutId = "follow-checkout-" + IDS.incrementAndGet();
        try (Connection connection = postgres.connect(legacySchema); PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO checkouts (id, cart_id, customer_id, cart_version, status, currency_code, subtotal, shipping_cost, tax_total,"
                + " grand_total, line_items, version) VALUES (?, 'legacy-cart', 'legacy-customer', 4, 'PENDING', 'USD', 20.00, 5.00,"
                + " 1.50, 26.50, '[]'::jsonb, 2)")) {
            insert.setString(1, checkoutId);
            insert.executeUpdate();
        }
        DualWriter writer = new DualWriter(checkoutDb, orderDb, flags::get, Clock.systemUTC());
        CheckoutStore store = new CheckoutStore(checkoutDb, new Outbox(new OutboxTable("outbox"), Optional.empty()),
            CheckoutMirror.over(writer, new LegacyImport(checkoutDb, orderDb, 1000)));

        Checkout found = await(store.find(checkoutId)).orElseThrow();

        assertThat(found.status()).isEqualTo(CheckoutState.OPEN);
        assertThat(found.totals().grandTotal()).isEqualTo(2650);
        assertThat(found.version()).isEqualTo(2);

        Checkout expired = ((Transition.Moved<Checkout.Expired>) found.expire(java.time.Instant.now())).to();
        assertThat(await(store.save(expired, 2, CheckoutState.OPEN, List.of(), List.of()))).isTrue();

        assertThat(legacyRows("SELECT status, version, grand_total FROM checkouts WHERE id = ?", checkoutId)).singleElement()
            .satisfies(row -> {
                assertThat(row.get("status")).isEqualTo("EXPIRED");
                assertThat(row.get("version")).isEqualTo(3);
                assertThat(row.get("grand_total")).isEqualTo(new BigDecimal("26.50"));
            });
        assertThat(await(writer.pendingMirrors())).isZero();
    }

    // ---- the service's cart store, write-behind and migration port ---------------------------------------------------

    private record Service(RedisCartStore store, DualWriter writer, CartStoreConfig config) {
    }

    private Service service(Pool legacyPool) {
        DualWriter writer = new DualWriter(checkoutDb, legacyPool, flags::get, Clock.systemUTC());
        LegacyImport importer = new LegacyImport(checkoutDb, legacyPool, 1000);
        PgCartRepository repository = new PgCartRepository(checkoutDb, new OrderDbCarts(writer, importer));
        int n = IDS.incrementAndGet();
        CartStoreConfig config = CartStoreConfig.defaults("follow-" + n)
            .withKeyPrefix(redisInfo.keyPrefix() + "follow" + n + ":")
            .withStreamKey(redisInfo.key("follow-changes-" + n))
            .withClaimMinIdle(Duration.ofMillis(300))
            .withBackoff(Duration.ofMillis(50), Duration.ofMillis(300));
        RedisCartStore store = await(RedisCartStore.create(vertx, redis, repository, config, Clock.systemUTC()));
        WriteBehind writeBehind = new WriteBehind(redis, repository, new ParkedCarts(checkoutDb), config, Clock.systemUTC(),
            new SimpleMeterRegistry());
        deployments.add(await(vertx.deployVerticle(writeBehind)));
        return new Service(store, writer, config);
    }

    private void set(String... nameThenSetting) {
        FeatureFlags next = flags.get();
        for (int i = 0; i < nameThenSetting.length; i += 2) {
            next = next.with(nameThenSetting[i], FlagSetting.parse(nameThenSetting[i + 1]));
        }
        flags.set(next);
    }

    private static String newId() {
        return "follow-cart-" + IDS.incrementAndGet();
    }

    private static AddItem add(String product, int quantity, long priceMinor) {
        return new AddItem(product, "cat", "Product " + product, quantity, priceMinor, LIMITS);
    }

    private static Cart mutate(RedisCartStore store, Mutation mutation) {
        MutationResult result = await(store.apply(mutation));
        assertThat(result).isInstanceOf(MutationResult.Applied.class);
        return ((MutationResult.Applied) result).cart();
    }

    private Pool pool(int port, String schema) {
        PgConnectOptions connect = new PgConnectOptions().setHost(postgres.host()).setPort(port).setDatabase(postgres.database())
            .setUser(postgres.user()).setPassword(postgres.password()).setProperties(Map.of("search_path", schema));
        return PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(connect).using(vertx).build();
    }

    /** order_db as its user sees it when it is down: nothing listens on the port. */
    private Pool unreachablePool() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return pool(socket.getLocalPort(), legacySchema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long legacyVersion(String cartId) {
        try {
            List<Map<String, Object>> rows = legacyRows("SELECT version FROM carts WHERE id = ?", cartId);
            return rows.isEmpty() ? -1 : ((Number) rows.get(0).get("version")).longValue();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long storedVersion(String cartId) {
        try (Connection connection = postgres.connect(checkoutSchema);
             PreparedStatement select = connection.prepareStatement("SELECT version FROM carts WHERE cart_id = ?")) {
            select.setString(1, cartId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : -1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Map<String, Object>> legacyRows(String sql, Object... params) throws SQLException {
        try (Connection connection = postgres.connect(legacySchema); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= rows.getMetaData().getColumnCount(); c++) {
                        row.put(rows.getMetaData().getColumnLabel(c), rows.getObject(c));
                    }
                    out.add(row);
                }
            }
            return out;
        }
    }

    private void legacyUpdate(String sql, Object... params) throws SQLException {
        try (Connection connection = postgres.connect(legacySchema); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i] instanceof Long l ? Math.toIntExact(l) : params[i]);
            }
            statement.executeUpdate();
        }
    }

    private void legacyCart(String cartId, String customer, int version, String status) throws SQLException {
        try (Connection connection = postgres.connect(legacySchema); PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO carts (id, customer_id, status, currency_code, region_code, version) VALUES (?, ?, ?, 'USD', 'US-CA', ?)")) {
            insert.setString(1, cartId);
            insert.setString(2, customer);
            insert.setString(3, status);
            insert.setInt(4, version);
            insert.executeUpdate();
        }
    }

    private void legacyItem(String cartId, String product, int quantity, String price) throws SQLException {
        try (Connection connection = postgres.connect(legacySchema); PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO cart_items (cart_id, product_id, category_id, product_name, quantity, unit_price, currency_code) "
                + "VALUES (?, ?, 'cat', 'Old product', ?, ?, 'USD')")) {
            insert.setString(1, cartId);
            insert.setString(2, product);
            insert.setInt(3, quantity);
            insert.setBigDecimal(4, new BigDecimal(price));
            insert.executeUpdate();
        }
    }

    private static void eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within " + WAIT);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer within " + WAIT, e);
        }
    }
}
