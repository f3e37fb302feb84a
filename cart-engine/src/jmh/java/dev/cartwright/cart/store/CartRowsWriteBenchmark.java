package dev.cartwright.cart.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartLine;
import dev.cartwright.cart.CartStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * What the write-behind costs PostgreSQL per cart, as a shopper changes a cart: each call writes one transaction of
 * {@value #CHUNK} carts (the write-behind's chunk once caught up) through {@link PgCartRepository#upsert}, every cart
 * one version newer with one of its {@code lines} lines changed in quantity and the others as they were.
 *
 * <p>The primary score is the time per transaction as the client sees it. The figure for capacity is the PostgreSQL
 * backend's own CPU: {@code pgCpuTicks} (utime + stime of the one connection's backend, from /proc, in clock ticks of
 * 10 ms) against {@code cartsWritten} in the same iteration. To compare two ways of writing, run this benchmark on each
 * build in turn on the same machine and read the ratio.
 *
 * <p>Needs PostgreSQL on the same machine (the backend's /proc entry is read) at
 * {@code -Dcartwright.pg=host:port/database} (default {@code 127.0.0.1:5432/checkout_db}) as
 * {@code -Dcartwright.pg.user} (default postgres; a password, when one is needed, in {@code PGPASSWORD}).
 * It creates a schema of its own with the checkout_db migrations and drops it after the run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class CartRowsWriteBenchmark {

    static final int CHUNK = 200;
    private static final int CHUNKS = 10;
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final String[] MIGRATIONS = {"V1__checkout_schema.sql", "V2__checkout_saga.sql", "V3__parked_carts.sql",
        "V4__one_live_checkout_per_cart.sql", "V5__sagas_needing_attention.sql", "V6__checkout_request_keys.sql"};

    /** Lines in every cart; each write changes one of them. */
    @Param({"1", "10"})
    int lines;

    private Vertx vertx;
    private Pool admin;
    private Pool pool;
    private String schema;
    private PgCartRepository repository;
    private Path backendStat;
    private long[] versions;
    private int next;

    /** PostgreSQL's CPU and the carts it wrote, summed per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Cost {
        public long pgCpuTicks;
        public long cartsWritten;
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        vertx = Vertx.vertx();
        schema = "jmh_rows_" + System.nanoTime();
        admin = pool(null);
        await(admin.query("CREATE SCHEMA " + schema).execute());
        for (String migration : MIGRATIONS) {
            await(admin.query("SET search_path TO " + schema + ";\n" + resource("db/checkout_db/" + migration)).execute());
        }
        pool = pool(schema);
        // One connection: every statement runs on the backend whose CPU is read.
        int pid = await(pool.query("SELECT pg_backend_pid()").execute()).iterator().next().getInteger(0);
        backendStat = Path.of("/proc", String.valueOf(pid), "stat");
        if (!Files.isReadable(backendStat)) {
            throw new IllegalStateException("PostgreSQL's backend " + pid + " is not on this machine (" + backendStat + ")");
        }
        repository = new PgCartRepository(pool);
        versions = new long[CHUNK * CHUNKS];
        for (int chunk = 0; chunk < CHUNKS; chunk++) {
            await(repository.upsert(chunk(chunk)));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        await(pool.close());
        await(admin.query("DROP SCHEMA " + schema + " CASCADE").execute());
        await(admin.close());
        await(vertx.close());
    }

    @Benchmark
    public int writeChunk(Cost cost) throws IOException {
        List<StoredCart> carts = chunk(next++ % CHUNKS);
        long before = cpuTicks();
        int advanced = await(repository.upsert(carts)).size();
        cost.pgCpuTicks += cpuTicks() - before;
        cost.cartsWritten += advanced;
        if (advanced != carts.size()) {
            throw new IllegalStateException(advanced + " of " + carts.size() + " carts advanced");
        }
        return advanced;
    }

    /** The carts of one chunk, each one version on from what was last written, one line's quantity changed. */
    private List<StoredCart> chunk(int chunk) {
        List<StoredCart> carts = new ArrayList<>(CHUNK);
        for (int i = chunk * CHUNK; i < (chunk + 1) * CHUNK; i++) {
            long version = ++versions[i];
            List<CartLine> cartLines = new ArrayList<>(lines);
            for (int line = 0; line < lines; line++) {
                int quantity = line == version % lines ? 1 + (int) (version % 5) : 2;
                cartLines.add(new CartLine("p-" + line, "cat-" + line % 3, "Product " + line, quantity, 1_999L + line,
                    T0.plusMillis(line)));
            }
            Cart cart = new Cart("rows-" + i, "", CartStatus.ACTIVE, "EUR", "DE", cartLines, List.of(), version, T0,
                T0.plusSeconds(version), "");
            carts.add(new StoredCart(cart, List.of(), ""));
        }
        return carts;
    }

    private long cpuTicks() throws IOException {
        String stat = Files.readString(backendStat);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After the command name: state is field 3 of the whole line, utime 14 and stime 15.
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private Pool pool(String searchPath) {
        String target = System.getProperty("cartwright.pg", "127.0.0.1:5432/checkout_db");
        String host = target.substring(0, target.indexOf(':'));
        int port = Integer.parseInt(target.substring(target.indexOf(':') + 1, target.indexOf('/')));
        PgConnectOptions connect = new PgConnectOptions().setHost(host).setPort(port)
            .setDatabase(target.substring(target.indexOf('/') + 1)).setUser(System.getProperty("cartwright.pg.user", "postgres"));
        String password = System.getenv("PGPASSWORD");
        if (password != null) {
            connect.setPassword(password);
        }
        if (searchPath != null) {
            connect.setProperties(Map.of("search_path", searchPath));
        }
        return PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(connect).using(vertx).build();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = CartRowsWriteBenchmark.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no " + name + " on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("PostgreSQL did not answer (is it at -Dcartwright.pg?): " + e, e);
        }
    }
}
