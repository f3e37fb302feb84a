package dev.cartwright.returns.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.returns.domain.Resolution;
import dev.cartwright.returns.domain.ReturnStatus;
import dev.cartwright.returns.store.NewReturn;
import dev.cartwright.returns.store.ReturnRequests;
import dev.cartwright.returns.store.StoredReturn;
import dev.cartwright.testkit.Migrations;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A return is read as of one moment: while transactions move it back and forth (its status and its item's received
 * units together), every read, of one return or of a page, sees both from the same transaction, never the status of
 * one and the item of another.
 */
@ExtendWith(RealServices.class)
class ReturnReadsIT {

    private static final int FLIPS = 300;

    private final ReturnRequests requests = new ReturnRequests();
    private Vertx vertx;
    private Pool pool;

    @BeforeEach
    void setUp(PostgresInfo postgres) {
        String schema = postgres.freshSchema("reads");
        Migrations.apply(postgres, schema, "classpath:db/return_db");
        vertx = Vertx.vertx();
        PgConnectOptions connect = new PgConnectOptions().setHost(postgres.host()).setPort(postgres.port()).setUser(postgres.user())
            .setPassword(postgres.password()).setDatabase(postgres.database()).addProperty("search_path", schema);
        pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(8)).connectingTo(connect).using(vertx).build();
    }

    @AfterEach
    void tearDown() throws Exception {
        pool.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private String stored(String customer) throws Exception {
        String id = "ret-" + customer;
        NewReturn r = new NewReturn(id, "ord-" + customer, customer, Resolution.REFUND, "", Optional.empty(), "EUR", Instant.now(),
            List.of(new NewReturn.NewItem("1", "p-1", "c-1", 1, "defective", "", "")));
        pool.withTransaction(c -> requests.insertReturn(c, r, "test")).await(10, TimeUnit.SECONDS);
        return id;
    }

    /** Moves the return between approved (nothing received) and items_received (its unit received), one transaction each. */
    private Future<Void> flip(String id, int n) {
        boolean received = n % 2 == 0;
        return pool.withTransaction(c -> c.preparedQuery(
                "UPDATE return_requests SET status = $2, version = version + 1 WHERE return_id = $1")
            .execute(Tuple.of(id, received ? "items_received" : "approved"))
            .compose(v -> c.preparedQuery("UPDATE return_items SET quantity_received = $2 WHERE return_id = $1")
                .execute(Tuple.of(id, received ? 1 : 0)))
            .mapEmpty());
    }

    private Future<Void> flips(String id, int n, AtomicBoolean done) {
        if (n == FLIPS) {
            done.set(true);
            return Future.succeededFuture();
        }
        return flip(id, n).compose(v -> flips(id, n + 1, done));
    }

    private static void consistent(StoredReturn r, List<String> torn) {
        boolean received = r.items().get(0).quantityReceived() == 1;
        if (received != (r.status() == ReturnStatus.ITEMS_RECEIVED)) {
            torn.add(r.status().wireName() + " with " + r.items().get(0).quantityReceived() + " received (version " + r.version() + ")");
        }
    }

    /** Reads the return with {@code read} for as long as transactions move it: no read may see two moments. */
    private void readAsOfOneMoment(String id, Supplier<Future<StoredReturn>> read) throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        Future<Void> writer = flips(id, 0, done);
        List<String> torn = new ArrayList<>();
        int reads = 0;
        while (!done.get() || reads == 0) {
            consistent(read.get().await(10, TimeUnit.SECONDS), torn);
            reads++;
        }
        writer.await(10, TimeUnit.SECONDS);
        assertThat(torn).as("reads that saw two moments, of " + reads).isEmpty();
    }

    @Test
    void aReturnIsReadAsOfOneMoment() throws Exception {
        String id = stored("alice");
        readAsOfOneMoment(id, () -> requests.read(pool, id).map(Optional::orElseThrow));
    }

    @Test
    void aPageIsReadAsOfOneMoment() throws Exception {
        String id = stored("bob");
        readAsOfOneMoment(id, () -> requests.readPage(pool, Optional.of("bob"), Optional.empty(), Optional.empty(), 10).map(page -> {
            assertThat(page).extracting(StoredReturn::returnId).containsExactly(id);
            return page.get(0);
        }));
    }
}
