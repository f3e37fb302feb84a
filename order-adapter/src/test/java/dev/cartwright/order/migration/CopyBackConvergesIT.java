package dev.cartwright.order.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cartwright.order.flags.MigrationFlags;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The copy back ({@code backfill --to-legacy}) before a rollback, while the services keep writing through the
 * dual-writer: it must come to a pass that changes nothing in order_db, the signal the operator waits for, although
 * writes never stop. What the dual-writer is mirroring at the moment a chunk reads it (committed in the new database,
 * its mirror not run yet) is the mirror's to write, not a difference the copy found; the copy writes it too (harmless,
 * the mirror then changes nothing) but counts it apart. What order_db missed while dual-write was off is copied by the
 * first pass and never comes back.
 */
@ExtendWith(RealServices.class)
class CopyBackConvergesIT {

    private static final LegacySampleData.Counts COUNTS = new LegacySampleData.Counts(300, 40, 40);
    private static final int WRITERS = 4;
    private static final int BATCH = 8;
    private static final int MAX_PASSES = 5;

    @Test
    void underSteadyDualWrittenLoadACopyBackPassReachesZeroChangedRowsAndOrderDbEndsCurrent(PostgresInfo postgres) throws Exception {
        MigrationFixture fixture = new MigrationFixture(postgres, 100).backfillOn();
        fixture.seed(97, COUNTS);
        fixture.backfillAll(Aggregate.CART, 50);
        fixture.set(MigrationFlags.READ_SWITCH, "100%");
        List<String> carts = new ArrayList<>();
        fixture.query(Side.TARGET, Aggregate.CART, "SELECT cart_id FROM cart_items GROUP BY cart_id ORDER BY cart_id")
            .forEach(row -> carts.add((String) row.get("cart_id")));
        assertThat(carts).hasSizeGreaterThan(100);
        // While dual-write was off the services changed some carts that order_db never saw: the residue the copy back is for.
        // The shoppers below never touch these, so only the copy back can bring them to order_db.
        List<String> residue = new ArrayList<>();
        List<String> shopped = new ArrayList<>();
        for (int i = 0; i < carts.size(); i++) {
            (i % 10 == 0 ? residue : shopped).add(carts.get(i));
        }
        for (String cart : residue) {
            fixture.update(Side.TARGET, Aggregate.CART, "UPDATE carts SET version = version + 1, "
                + "updated_at = updated_at + interval '1 minute' WHERE cart_id = ?", cart);
            fixture.update(Side.TARGET, Aggregate.CART, "UPDATE cart_items SET quantity = 777 WHERE cart_id = ?", cart);
        }
        assertThat(fixture.verify(Aggregate.CART).clean()).isFalse();
        fixture.set(MigrationFlags.DUAL_WRITE, "on");

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();
        try (OnVertx on = new OnVertx()) {
            Pool checkoutDb = fixture.pool(on.vertx, fixture.config.checkout());
            Pool orderDb = fixture.pool(on.vertx, fixture.config.legacy());
            DualWriter writer = new DualWriter(checkoutDb, orderDb, fixture.flagSupplier(), MigrationFixture.CLOCK);
            // Shoppers through the dual-writer, without a pause, on carts across the whole key range (every chunk of a pass).
            List<CompletableFuture<Void>> shoppers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                CompletableFuture<Void> stopped = new CompletableFuture<>();
                int first = w;
                on.vertx.runOnContext(v -> keepWriting(writer, checkoutDb, shopped, first, writing, writes).onComplete(r -> {
                    if (r.succeeded()) {
                        stopped.complete(null);
                    } else {
                        stopped.completeExceptionally(r.cause());
                    }
                }));
                shoppers.add(stopped);
            }

            List<Backfill.Report> passes = new ArrayList<>();
            int writesDuringLastPass = 0;
            try {
                while (writes.get() < 50) {
                    Thread.sleep(20);
                }
                do {
                    int before = writes.get();
                    Backfill.Report pass = fixture.backfill().run(Aggregate.CART,
                        new Backfill.Options(Backfill.Direction.TO_LEGACY, 20, 0, false));
                    writesDuringLastPass = writes.get() - before;
                    assertThat(pass.outcome()).as(pass.describe()).isEqualTo(Backfill.Outcome.FINISHED);
                    assertThat(pass.rejected()).as(pass.describe()).isEmpty();
                    passes.add(pass);
                } while (passes.get(passes.size() - 1).rowsChanged() > 0 && passes.size() < MAX_PASSES);
            } finally {
                writing.set(false);
            }
            for (CompletableFuture<Void> shopper : shoppers) {
                shopper.get(60, TimeUnit.SECONDS);
            }
            on.await(() -> checkoutDb.close().compose(v -> orderDb.close()));

            List<String> described = passes.stream().map(Backfill.Report::describe).toList();
            described.forEach(pass -> System.out.println("copy back pass: " + pass));
            // The first pass copied what order_db missed while dual-write was off.
            assertThat(passes.get(0).rowsChanged()).as(described.toString()).isGreaterThanOrEqualTo(residue.size());
            // A pass changed nothing although the shoppers were still writing through it.
            assertThat(passes.get(passes.size() - 1).rowsChanged()).as(described.toString()).isZero();
            assertThat(writesDuringLastPass).as("writes during the last pass").isPositive();
        }

        // The writes all answered (each mirrored before its answer): order_db holds exactly what the new database holds.
        assertThat(writes.get()).isPositive();
        VerifyReport verified = fixture.verify(Aggregate.CART);
        assertThat(verified.clean()).as(verified.describe()).isTrue();
        assertThat(fixture.count(Side.TARGET, Aggregate.CART, "legacy_mirror_queue")).isZero();
        for (String cart : residue) {
            assertThat(fixture.query(Side.LEGACY, Aggregate.CART, "SELECT DISTINCT quantity FROM cart_items WHERE cart_id = ?", cart))
                .as("order_db quantities of %s", cart).extracting(row -> ((Number) row.get("quantity")).intValue())
                .containsExactly(777);
        }
    }

    /**
     * One shopper, as the cart write-behind writes: a batch of carts changed in one transaction that enlists them with the
     * dual-writer, then each mirrored in turn after the commit; then the next batch, until told to stop.
     */
    private static Future<Void> keepWriting(DualWriter writer, Pool checkoutDb, List<String> carts, int index, AtomicBoolean writing,
                                            AtomicInteger writes) {
        if (!writing.get()) {
            return Future.succeededFuture();
        }
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            batch.add(carts.get((index + i * WRITERS) % carts.size()));
        }
        int quantity = index % 900 + 1;
        Promise<Void> next = Promise.promise();
        checkoutDb.withTransaction(connection -> writer.enlist(connection, Aggregate.CART, batch)
                .compose(enlisted -> connection.preparedQuery("UPDATE carts SET version = version + 1, updated_at = updated_at + "
                    + "interval '1 second' WHERE cart_id = ANY($1)").execute(Tuple.of((Object) batch.toArray(String[]::new))))
                .compose(v -> connection.preparedQuery("UPDATE cart_items SET quantity = $2 WHERE cart_id = ANY($1)")
                    .execute(Tuple.of(batch.toArray(String[]::new), quantity))))
            .compose(v -> writer.mirrorAll(Aggregate.CART, batch))
            .onSuccess(mirrored -> writes.addAndGet(batch.size()))
            .onComplete(r -> {
                if (r.failed()) {
                    next.fail(r.cause());
                } else {
                    keepWriting(writer, checkoutDb, carts, index + BATCH * WRITERS + 1, writing, writes).onComplete(next);
                }
            });
        return next.future();
    }
}
