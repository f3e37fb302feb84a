package dev.cartwright.cart.store;

import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.net.OnContext;
import java.lang.ref.WeakReference;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.cartwright.cart.store.ChangeStreamConsumer.BatchOutcome;
import dev.cartwright.cart.store.change.CartChange;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The one consumer both readers of the change stream use, on a real Redis, with handlers that do what the test
 * says: every entry handed over once in stream order and acknowledged, entries left pending taken over again,
 * an interrupted or failed batch read again before anything newer, a takeover of what another consumer left (resumed
 * when cut short), and stopping and resuming.
 */
@ExtendWith(RealServices.class)
class ChangeStreamConsumerIT {

    private static final AtomicInteger STREAMS = new AtomicInteger();

    private static StoreHarness harness;

    @BeforeAll
    static void open(PostgresInfo postgres, RedisInfo redis) {
        harness = StoreHarness.open(postgres, redis, "change_stream_consumer");
    }

    @AfterAll
    static void close() {
        harness.close();
    }

    /** The consumer on a verticle's context, as the write-behind and the bridge run it. */
    private static final class Reader extends VerticleBase {

        final ChangeStreamConsumer consumer;
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final List<String> handed = new CopyOnWriteArrayList<>();
        final List<String> handled = new CopyOnWriteArrayList<>();
        /** Each batch handed over: its size, and whether the consumer said it had caught up. */
        final List<String> batches = new CopyOnWriteArrayList<>();

        Reader(ChangeStreamConsumer.Settings settings, Function<List<CartChange>, Future<BatchOutcome>> policy) {
            this.consumer = new ChangeStreamConsumer(harness.redis, settings, Clock.systemUTC(), registry,
                new ChangeStreamConsumer.Meters("test.lag", "lag", "test.oldest.age", "test.acked", "test.failed", Tags.empty()),
                batch -> {
                    batches.add(batch.size() + (consumer().caughtUp() ? " caught up" : " behind"));
                    batch.forEach(change -> handed.add(change.entryId()));
                    return policy.apply(batch).onSuccess(outcome -> handled.addAll(outcome.handled()));
                });
        }

        private ChangeStreamConsumer consumer() {
            return consumer;
        }

        @Override
        public Future<?> start() {
            consumer.open(vertx);
            return consumer.startReading();
        }

        @Override
        public Future<?> stop() {
            return consumer.close();
        }

        /** Runs {@code action} on this verticle's context, where the consumer is driven. */
        <T> T onContext(Supplier<Future<T>> action) {
            return await(OnContext.call(context, action));
        }

        double acknowledged() {
            return registry.get("test.acked").counter().count();
        }

        double failedBatches() {
            return registry.get("test.failed").counter().count();
        }
    }

    private static ChangeStreamConsumer.Settings settings(String streamKey, String consumer) {
        return new ChangeStreamConsumer.Settings(streamKey, "readers", consumer, 50, Duration.ofMillis(100), Duration.ZERO,
            Duration.ofMillis(300), true, Duration.ofMillis(20), Duration.ofMillis(200));
    }

    private static String freshStream() {
        return harness.redisInfo.key("consumer-" + STREAMS.incrementAndGet());
    }

    private static List<String> append(String streamKey, int count) {
        return await(appendLater(streamKey, count));
    }

    private static Future<List<String>> appendLater(String streamKey, int count) {
        List<String> ids = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < count; i++) {
            int n = i;
            chain = chain.compose(previous -> harness.redis.send(Request.cmd(Command.XADD).arg(streamKey).arg("*").arg("cart_id")
                .arg("c" + (n % 7)).arg("type").arg("cart.cleared").arg("version").arg(n + 1).arg("at").arg(1000)))
                .map(id -> {
                    ids.add(id.toString());
                    return null;
                });
        }
        return chain.map(done -> ids);
    }

    private static Reader deploy(Reader reader) {
        await(harness.vertx.deployVerticle(reader));
        return reader;
    }

    private static void undeploy(Reader reader) {
        await(harness.vertx.undeploy(reader.deploymentID()));
    }

    private static long pending(String streamKey) {
        Response summary = await(harness.redis.send(Request.cmd(Command.XPENDING).arg(streamKey).arg("readers")));
        return summary.get(0).toLong();
    }

    private static void eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + StoreHarness.WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within " + StoreHarness.WAIT);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Redis's own lag figure for a group (entries added minus the group's read counter) can stay behind for good: a Redis
     * Cluster restarted from its append-only files reported 77 000 entries of lag for a group whose last delivered entry
     * was the stream's last and with nothing pending, so the gauges showed a backlog that never drained (and the bench
     * waited for it). XGROUP SETID's ENTRIESREAD sets the counter the same way. The lag counts only entries that exist
     * after the group's last delivered one.
     */
    @Test
    void aStaleReadCounterInRedisIsNoLag() {
        String stream = freshStream();
        append(stream, 30);
        Reader reader = deploy(new Reader(settings(stream, "r1"), batch -> Future.succeededFuture(BatchOutcome.all(batch))));
        try {
            eventually(() -> reader.handled.size() == 30);
            eventually(() -> pending(stream) == 0);
            await(harness.redis.send(Request.cmd(Command.XGROUP).arg("SETID").arg(stream).arg("readers").arg("$")
                .arg("ENTRIESREAD").arg(0)));
            ChangeStream.GroupState state = await(new ChangeStream(harness.redis, stream).groups()).get("readers");
            assertThat(state.lag()).as("Redis's own figure, made stale").contains(30L);
            await(reader.consumer.refreshLag());
            assertThat(reader.consumer.lag()).isZero();
            assertThat(reader.consumer.oldestAgeSeconds()).isZero();
        } finally {
            undeploy(reader);
        }
    }

    @Test
    void everyEntryIsHandedOverOnceInStreamOrderAndAcknowledged() {
        String stream = freshStream();
        List<String> ids = append(stream, 120);
        Reader reader = deploy(new Reader(settings(stream, "r1"), batch -> Future.succeededFuture(BatchOutcome.all(batch))));
        try {
            eventually(() -> reader.handled.size() == 120);
            assertThat(reader.handed).containsExactlyElementsOf(ids);
            eventually(() -> pending(stream) == 0);
            // The counter moves when XACK's reply reaches the event loop, just after Redis has dropped the entries.
            eventually(() -> reader.acknowledged() >= 120);
            assertThat(reader.acknowledged()).isEqualTo(120);
            await(reader.consumer.refreshLag());
            assertThat(reader.consumer.lag()).isZero();
            assertThat(reader.consumer.oldestAgeSeconds()).isZero();
        } finally {
            undeploy(reader);
        }
    }

    private static ChangeStreamConsumer.Settings gathering(String streamKey, int batchSize, int gatherUpTo) {
        return new ChangeStreamConsumer.Settings(streamKey, "readers", "r1", batchSize, gatherUpTo, Duration.ofMillis(100),
            Duration.ZERO, Duration.ofMillis(300), true, Duration.ofMillis(20), Duration.ofMillis(200));
    }

    /**
     * The batches a consumer with these settings hands over for {@code entries} entries already in the stream, each
     * as its size and whether the consumer said it had caught up; every entry handed over once, in order, and
     * acknowledged.
     */
    private static List<String> batchesFor(int entries, ChangeStreamConsumer.Settings settings,
                                           Function<List<CartChange>, Future<BatchOutcome>> policy) {
        List<String> ids = append(settings.streamKey(), entries);
        Reader reader = deploy(new Reader(settings, policy));
        try {
            eventually(() -> reader.handled.size() == entries);
            assertThat(reader.handled).containsExactlyElementsOf(ids);
            eventually(() -> pending(settings.streamKey()) == 0);
            return List.copyOf(reader.batches);
        } finally {
            undeploy(reader);
        }
    }

    private static Future<BatchOutcome> allDone(List<CartChange> batch) {
        return Future.succeededFuture(BatchOutcome.all(batch));
    }

    /**
     * While a batch is in hand (the write-behind's for up to half its pace), only the handler decides what of it stays
     * in memory: the consumer keeps none of the changes it handed over, so a handler that keeps only the entry ids lets
     * the collector drop the rest instead of copying megabytes of changes and carts at every pause.
     */
    @Test
    void aBatchInHandIsHeldByItsHandlerAloneSoWhatItDropsCanBeCollected() {
        String stream = freshStream();
        List<String> ids = append(stream, 40);
        List<WeakReference<Object>> handedOver = new CopyOnWriteArrayList<>();
        Promise<BatchOutcome> finish = Promise.promise();
        AtomicInteger calls = new AtomicInteger();
        Reader reader = deploy(new Reader(gathering(stream, 20, 40), batch -> {
            if (calls.incrementAndGet() > 1) {
                return allDone(batch);
            }
            handedOver.add(new WeakReference<>(batch));
            batch.forEach(change -> handedOver.add(new WeakReference<>(change)));
            List<String> entryIds = batch.stream().map(CartChange::entryId).toList();
            return finish.future().map(outcome -> new BatchOutcome.Done(entryIds));
        }));
        try {
            eventually(() -> handedOver.size() == 41);
            eventually(() -> {
                System.gc();
                return handedOver.stream().allMatch(reference -> reference.get() == null);
            });
            reader.onContext(() -> {
                finish.complete();
                return Future.succeededFuture();
            });
            eventually(() -> reader.handled.size() == 40);
            assertThat(reader.handled).containsExactlyElementsOf(ids);
            eventually(() -> pending(stream) == 0);
        } finally {
            undeploy(reader);
        }
    }

    @Test
    void aBacklogIsGatheredFromSeveralFullReadsIntoOneBatchUpToTheLimit() {
        // Reads of 4, gathered up to 8: two full reads make the first batch (still behind: the second read was full),
        // then a read of the 2 left, which catches up.
        assertThat(batchesFor(10, gathering(freshStream(), 4, 8), ChangeStreamConsumerIT::allDone))
            .containsExactly("8 behind", "2 caught up");
    }

    @Test
    void withoutGatheringEachReadIsABatchAndOnlyTheOneThatEmptiedTheStreamHasCaughtUp() {
        ChangeStreamConsumer.Settings oneRead = new ChangeStreamConsumer.Settings(freshStream(), "readers", "r1", 4,
            Duration.ofMillis(100), Duration.ZERO, Duration.ofMillis(300), true, Duration.ofMillis(20), Duration.ofMillis(200));
        assertThat(oneRead.gatherUpTo()).isEqualTo(4);
        assertThat(batchesFor(10, oneRead, ChangeStreamConsumerIT::allDone)).containsExactly("4 behind", "4 behind", "2 caught up");
    }

    @Test
    void aGatheredBatchThatFailsIsReadAgainWholeAndNothingIsLost() {
        AtomicInteger calls = new AtomicInteger();
        List<String> batches = batchesFor(10, gathering(freshStream(), 4, 12), batch -> calls.getAndIncrement() == 0
            ? Future.failedFuture(new IllegalStateException("database away"))
            : allDone(batch));
        // The gathered 10 failed; then the same 10 again, from the consumer's own pending list one read at a time (after
        // a failure: not caught up).
        assertThat(batches).containsExactly("10 caught up", "4 behind", "4 behind", "2 behind");
    }

    @Test
    void anEntryLeftPendingIsHandedOverAgainByTheNextTakeover() {
        String stream = freshStream();
        List<String> ids = append(stream, 10);
        String waits = ids.get(4);
        AtomicInteger refusals = new AtomicInteger();
        Reader reader = deploy(new Reader(settings(stream, "r1"), batch -> {
            List<String> done = new ArrayList<>();
            for (CartChange change : batch) {
                if (change.entryId().equals(waits) && refusals.getAndIncrement() == 0) {
                    continue;
                }
                done.add(change.entryId());
            }
            return Future.succeededFuture(new BatchOutcome.Done(done));
        }));
        try {
            eventually(() -> reader.handled.contains(waits));
            eventually(() -> pending(stream) == 0);
            assertThat(Collections.frequency(reader.handed, waits)).isEqualTo(2);
            assertThat(reader.handled).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(reader.failedBatches()).isZero();
        } finally {
            undeploy(reader);
        }
    }

    @Test
    void afterAnInterruptionTheRestOfTheBatchComesBackBeforeAnythingNewer() {
        String stream = freshStream();
        List<String> ids = new ArrayList<>(append(stream, 10));
        AtomicInteger batches = new AtomicInteger();
        Reader reader = deploy(new Reader(settings(stream, "r1"), batch -> {
            if (batches.getAndIncrement() == 0) {
                // The first three are done, the fourth fails (a send that did not reach the broker).
                List<String> done = batch.subList(0, 3).stream().map(CartChange::entryId).toList();
                return appendLater(stream, 5).map(added -> {
                    ids.addAll(added);
                    return new BatchOutcome.Interrupted(done, new IllegalStateException("broker away"));
                });
            }
            return Future.succeededFuture(BatchOutcome.all(batch));
        }));
        try {
            eventually(() -> reader.handled.size() == 15);
            assertThat(reader.handled).containsExactlyElementsOf(ids);
            assertThat(reader.failedBatches()).isEqualTo(1);
            eventually(() -> pending(stream) == 0);
        } finally {
            undeploy(reader);
        }
    }

    @Test
    void aFailedBatchIsReadAgainAfterABackOff() {
        String stream = freshStream();
        List<String> ids = append(stream, 8);
        AtomicInteger attempts = new AtomicInteger();
        List<List<String>> tries = new CopyOnWriteArrayList<>();
        Reader reader = deploy(new Reader(settings(stream, "r1"), batch -> {
            tries.add(batch.stream().map(CartChange::entryId).toList());
            if (attempts.getAndIncrement() < 2) {
                return Future.failedFuture(new IllegalStateException("database away"));
            }
            return Future.succeededFuture(BatchOutcome.all(batch));
        }));
        try {
            eventually(() -> reader.handled.size() == 8);
            assertThat(tries.get(0)).isEqualTo(ids);
            assertThat(tries.get(1)).isEqualTo(ids);
            assertThat(tries.get(2)).isEqualTo(ids);
            assertThat(reader.handled).containsExactlyElementsOf(ids);
            assertThat(reader.failedBatches()).isEqualTo(2);
        } finally {
            undeploy(reader);
        }
    }

    @Test
    void aRelayThatStartsTakesOverEverythingAnotherConsumerLeftPending() {
        String stream = freshStream();
        List<String> ids = append(stream, 6);
        await(new ChangeStream(harness.redis, stream).ensureGroup("readers"));
        await(harness.redis.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg("readers").arg("dead").arg("COUNT").arg(4)
            .arg("STREAMS").arg(stream).arg(">")));
        ChangeStreamConsumer.Settings relay = new ChangeStreamConsumer.Settings(stream, "readers", "relay", 50, Duration.ofMillis(100),
            Duration.ZERO, Duration.ZERO, false, Duration.ofMillis(20), Duration.ofMillis(200));
        Reader reader = deploy(new Reader(relay, batch -> Future.succeededFuture(BatchOutcome.all(batch))));
        try {
            eventually(() -> reader.handled.size() == 6);
            assertThat(reader.handled).containsExactlyElementsOf(ids);
            eventually(() -> pending(stream) == 0);
        } finally {
            undeploy(reader);
        }
    }

    @Test
    void aTakeoverInterruptedPartWayResumesBeforeAnythingNewer() {
        String stream = freshStream();
        List<String> ids = new ArrayList<>(append(stream, 10));
        await(new ChangeStream(harness.redis, stream).ensureGroup("readers"));
        await(harness.redis.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg("readers").arg("dead").arg("COUNT").arg(10)
            .arg("STREAMS").arg(stream).arg(">")));
        // Batches of 4: the takeover needs three reads, and the first batch is cut short by a send that failed.
        ChangeStreamConsumer.Settings relay = new ChangeStreamConsumer.Settings(stream, "readers", "relay", 4, Duration.ofMillis(100),
            Duration.ZERO, Duration.ZERO, false, Duration.ofMillis(20), Duration.ofMillis(200));
        AtomicInteger batches = new AtomicInteger();
        List<String> added = new CopyOnWriteArrayList<>();
        Reader reader = deploy(new Reader(relay, batch -> {
            if (batches.getAndIncrement() == 0) {
                List<String> done = batch.subList(0, 2).stream().map(CartChange::entryId).toList();
                return appendLater(stream, 3).map(more -> {
                    added.addAll(more);
                    return new BatchOutcome.Interrupted(done, new IllegalStateException("broker away"));
                });
            }
            return Future.succeededFuture(BatchOutcome.all(batch));
        }));
        try {
            eventually(() -> added.size() == 3 && reader.handled.containsAll(added));
            ids.addAll(added);
            // Everything the dead consumer held comes before the entries written after it died.
            assertThat(reader.handled).containsExactlyElementsOf(ids);
            eventually(() -> pending(stream) == 0);
        } finally {
            undeploy(reader);
        }
    }

    @Test
    void aConsumerStoppedReadingLeavesNewEntriesAloneUntilItResumes() {
        String stream = freshStream();
        List<String> ids = new ArrayList<>(append(stream, 3));
        Reader reader = deploy(new Reader(settings(stream, "r1"), batch -> Future.succeededFuture(BatchOutcome.all(batch))));
        try {
            eventually(() -> reader.handled.size() == 3);
            reader.onContext(() -> reader.consumer.stopReading());
            ids.addAll(append(stream, 4));
            ChangeStream.GroupState state = await(new ChangeStream(harness.redis, stream).groups()).get("readers");
            assertThat(state.lag()).contains(4L);
            assertThat(reader.handled).hasSize(3);

            reader.onContext(() -> reader.consumer.startReading());
            eventually(() -> reader.handled.size() == 7);
            assertThat(reader.handled).containsExactlyElementsOf(ids);
        } finally {
            undeploy(reader);
        }
    }

    /**
     * The checkout service runs one write-behind and one Kafka bridge per shard's stream, all on one registry, under the
     * same meter names: each stream's lag must be a series of its own, or the registry keeps only the first.
     */
    @Test
    void consumersOfTwoStreamsInOneRegistryEachReportTheirOwnLag() {
        String first = freshStream();
        String second = freshStream();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ChangeStreamConsumer.Meters meters =
            new ChangeStreamConsumer.Meters("test.lag", "lag", "test.oldest.age", "test.acked", "test.failed", Tags.empty());
        List<ChangeStreamConsumer> consumers = new ArrayList<>();
        for (String stream : List.of(first, second)) {
            await(new ChangeStream(harness.redis, stream).ensureGroup("readers"));
            consumers.add(new ChangeStreamConsumer(harness.redis, settings(stream, "r1"), Clock.systemUTC(), registry, meters,
                batch -> Future.succeededFuture(BatchOutcome.all(batch))));
        }
        append(first, 3);
        append(second, 5);
        consumers.forEach(consumer -> await(consumer.refreshLag()));

        assertThat(registry.find("test.lag").gauges()).hasSize(2);
        assertThat(registry.get("test.lag").tag("stream", first).gauge().value()).isEqualTo(3);
        assertThat(registry.get("test.lag").tag("stream", second).gauge().value()).isEqualTo(5);
        assertThat(registry.find("test.oldest.age").gauges()).hasSize(2);
        assertThat(registry.find("test.acked").counters()).hasSize(2);
        assertThat(registry.find("test.failed").counters()).hasSize(2);
    }
}
