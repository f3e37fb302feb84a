package dev.cartwright.cart.store;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.cartwright.cart.store.change.CartChange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;

/**
 * Owns the reading of the cart change stream as one consumer of one group, for whatever handles the changes (the
 * write-behind, the Kafka bridge): XREADGROUP on a connection of its own (a blocking read would hold up anything
 * sharing it), XAUTOCLAIM of entries other consumers left pending, XACK of what the handler says it handled, the
 * back-off after a failure, the pace between reads once caught up, and the lag gauges. Batches are handed over one at a
 * time, in stream order, each decoded once into {@link CartChange} records.
 *
 * <p>The order of reads: entries to take over (when a takeover is due: each time reading starts, and with
 * {@link Settings#claimPeriodically()} every {@link Settings#claimMinIdle()}), then this consumer's own pending entries
 * from the start of its pending list (after a start or a failure), then new entries, waiting up to
 * {@link Settings#readBlock()} for them. A read of new entries that filled {@link Settings#batchSize()} is followed at
 * once by another, and their entries are handed over as one batch, up to {@link Settings#gatherUpTo()} entries: behind,
 * a handler that keeps only the newest change of each cart then does the work once for a longer stretch of the stream.
 * Only a read of new entries that did not fill a batch (the consumer has caught up: {@link #caughtUp()}) is followed by
 * a pause: what is left of {@link Settings#pace()} since the read began. After a failure (Redis, or the handler) it waits,
 * doubling from {@link Settings#backoffInitial()} up to {@link Settings#backoffMax()}, and reads its pending entries
 * again first, so nothing is skipped and each cart's entries are handled in order.
 *
 * <p>Every method is called on the context of the verticle that owns it (the one {@link #open} was called on).
 */
public final class ChangeStreamConsumer {

    /** Turns one batch into work done, and says which entries are done. */
    @FunctionalInterface
    public interface BatchHandler {

        /**
         * Handles the changes, given in stream order. A failed future handled none of them: the consumer backs off and
         * reads them again.
         */
        Future<BatchOutcome> handle(List<CartChange> batch);
    }

    /** What became of a batch. */
    public sealed interface BatchOutcome {

        /** The entry ids to acknowledge. */
        List<String> handled();

        /** Every change of the batch is done. */
        static BatchOutcome all(List<CartChange> batch) {
            return new Done(batch.stream().map(CartChange::entryId).toList());
        }

        /**
         * The batch went as well as it can for now: {@code handled} are acknowledged, the others stay pending and are
         * read again when a takeover finds them (for the write-behind: carts that must wait for another cart's write).
         */
        record Done(List<String> handled) implements BatchOutcome {
            public Done {
                handled = List.copyOf(handled);
            }
        }

        /** {@code handled} are acknowledged, then the consumer backs off and reads the others again from its pending list. */
        record Interrupted(List<String> handled, Throwable cause) implements BatchOutcome {
            public Interrupted {
                handled = List.copyOf(handled);
                Objects.requireNonNull(cause, "cause");
            }
        }
    }

    /**
     * Where and how to read.
     *
     * @param batchSize entries read at once
     * @param gatherUpTo the most entries of new reads handed over as one batch: reads that fill {@code batchSize} are
     *     followed at once by another until one does not or this many are gathered ({@code batchSize}: one read per batch)
     * @param readBlock how long a read of new entries waits for some
     * @param pace the least time between the starts of two reads that found the consumer caught up (zero: none)
     * @param claimMinIdle entries pending this long with another consumer are taken over (zero: all of them)
     * @param claimPeriodically whether to look for such entries every {@code claimMinIdle} too, not only when reading
     *     starts (for groups with several live consumers; a single relay takes everything over when it starts)
     */
    public record Settings(String streamKey, String group, String consumerName, int batchSize, int gatherUpTo, Duration readBlock,
                           Duration pace, Duration claimMinIdle, boolean claimPeriodically, Duration backoffInitial,
                           Duration backoffMax) {

        /** Settings with one read per batch. */
        public Settings(String streamKey, String group, String consumerName, int batchSize, Duration readBlock, Duration pace,
                        Duration claimMinIdle, boolean claimPeriodically, Duration backoffInitial, Duration backoffMax) {
            this(streamKey, group, consumerName, batchSize, batchSize, readBlock, pace, claimMinIdle, claimPeriodically,
                backoffInitial, backoffMax);
        }

        public Settings {
            Objects.requireNonNull(streamKey, "streamKey");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(consumerName, "consumerName");
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1: " + batchSize);
            }
            if (gatherUpTo < batchSize) {
                throw new IllegalArgumentException("gatherUpTo must be at least batchSize (" + batchSize + "): " + gatherUpTo);
            }
            Objects.requireNonNull(readBlock, "readBlock");
            Objects.requireNonNull(pace, "pace");
            Objects.requireNonNull(claimMinIdle, "claimMinIdle");
            if (claimPeriodically && claimMinIdle.isZero()) {
                throw new IllegalArgumentException("a periodic takeover needs a positive claimMinIdle");
            }
            Objects.requireNonNull(backoffInitial, "backoffInitial");
            Objects.requireNonNull(backoffMax, "backoffMax");
        }
    }

    /**
     * The names the consumer's meters are registered under, so each reader keeps the names operators know. Every meter
     * is tagged {@code stream} with the stream key besides {@code tags}: with several shards there is one consumer per
     * stream under the same names, and a registry keeps only the first gauge of a name and tags.
     *
     * @param lag gauge: entries the group has not acknowledged (pending plus not yet delivered)
     * @param oldestAge gauge: age in seconds of the oldest of those
     * @param acknowledged counter: entries acknowledged
     * @param failedBatches counter: batches that failed or were interrupted
     */
    public record Meters(String lag, String lagDescription, String oldestAge, String acknowledged, String failedBatches, Tags tags) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ChangeStreamConsumer.class);
    private static final String CLAIM_START = "0-0";
    private static final long LAG_INTERVAL_MS = 1_000;

    private final Redis redis;
    private final Settings settings;
    private final Clock clock;
    private final BatchHandler handler;
    private final ChangeStream stream;
    private final AtomicLong lag = new AtomicLong();
    private final AtomicLong oldestAgeSeconds = new AtomicLong();
    private final Counter acknowledged;
    private final Counter failedBatches;

    private Vertx vertx;
    private Context context;
    private long lagTimer = -1;
    private RedisConnection connection;
    /** Whether reading is wanted; the loop ends at its next step once this is false. */
    private boolean reading;
    /** Completed when the loop has ended; null while none runs. */
    private Promise<Void> loopEnded;
    /** The wait before the next step (pace or back-off), -1 when none. */
    private long pauseTimer = -1;
    private int failures;
    private boolean claimDue;
    private long lastClaimMillis;
    /** The XAUTOCLAIM cursor while a takeover is under way; null between takeovers. */
    private String claimCursor;
    /** Where reading our own pending entries continues; null once they are done and new entries are read. */
    private String ownPendingFrom;
    /** Set when a Redis command of the loop failed: the connection is replaced before the next read. */
    private boolean connectionSuspect;
    /** Whether the batch in hand came from reads of new entries that emptied the stream (see {@link #caughtUp()}). */
    private boolean caughtUp;

    public ChangeStreamConsumer(Redis redis, Settings settings, Clock clock, MeterRegistry registry, Meters meters,
                                BatchHandler handler) {
        this.redis = redis;
        this.settings = settings;
        this.clock = clock;
        this.handler = handler;
        this.stream = new ChangeStream(redis, settings.streamKey());
        Tags tags = meters.tags().and("stream", settings.streamKey());
        Gauge.builder(meters.lag(), lag, AtomicLong::get).description(meters.lagDescription()).tags(tags).register(registry);
        Gauge.builder(meters.oldestAge(), oldestAgeSeconds, AtomicLong::get)
            .description("Age in seconds of the oldest change-stream entry the " + settings.group() + " group has not acknowledged")
            .baseUnit("seconds").tags(tags).register(registry);
        this.acknowledged = Counter.builder(meters.acknowledged()).tags(tags).register(registry);
        this.failedBatches = Counter.builder(meters.failedBatches()).tags(tags).register(registry);
    }

    public Settings settings() {
        return settings;
    }

    /** Starts the lag reports (every second) on the caller's context; reading starts with {@link #startReading()}. */
    public void open(Vertx owner) {
        this.vertx = owner;
        this.context = owner.getOrCreateContext();
        lagTimer = owner.setPeriodic(LAG_INTERVAL_MS, tick -> refreshLag());
    }

    /** Stops reading (after the batch in hand), the lag reports, and closes the connection. */
    public Future<Void> close() {
        if (vertx != null) {
            vertx.cancelTimer(lagTimer);
        }
        return stopReading().eventually(() -> {
            RedisConnection open = connection;
            connection = null;
            return open == null ? Future.succeededFuture() : open.close();
        });
    }

    /**
     * Starts reading (the group is made first if missing): a takeover, then this consumer's pending entries, then new
     * ones. Reading again after {@link #stopReading()} starts over the same way.
     */
    public Future<Void> startReading() {
        return stream.ensureGroup(settings.group()).onSuccess(made -> {
            claimDue = true;
            claimCursor = null;
            ownPendingFrom = "0";
            lastClaimMillis = clock.millis();
            if (reading) {
                return;
            }
            reading = true;
            if (loopEnded == null) {
                loopEnded = Promise.promise();
                context.runOnContext(go -> step());
            }
        });
    }

    /** Stops reading; completes once the batch in hand (if any) is done and acknowledged. */
    public Future<Void> stopReading() {
        reading = false;
        if (loopEnded == null) {
            return Future.succeededFuture();
        }
        Future<Void> ended = loopEnded.future();
        if (pauseTimer >= 0 && vertx.cancelTimer(pauseTimer)) {
            pauseTimer = -1;
            endLoop();
        }
        // A read waiting in XREADGROUP returns within readBlock; the loop then ends.
        return ended;
    }

    /** Entries the group has not acknowledged (pending and not yet delivered), as of the last look. */
    public long lag() {
        return lag.get();
    }

    /** Age of the oldest entry the group has not acknowledged, in seconds, as of the last look; 0 when caught up. */
    public long oldestAgeSeconds() {
        return oldestAgeSeconds.get();
    }

    /**
     * Whether the batch being handled came from reads of new entries whose last did not fill {@code batchSize}: nothing
     * was left to read when it was taken. False for a takeover, for this consumer's own pending entries (read after a
     * start or a failure), and for a batch that stopped at {@code gatherUpTo}: the handler is behind and should not
     * hold back. Valid while a batch is being handled.
     */
    public boolean caughtUp() {
        return caughtUp;
    }

    private void endLoop() {
        Promise<Void> ended = loopEnded;
        loopEnded = null;
        if (ended != null) {
            ended.tryComplete();
        }
    }

    private void step() {
        pauseTimer = -1;
        if (!reading) {
            endLoop();
            return;
        }
        long startedNanos = System.nanoTime();
        connection().compose(this::nextBatch).compose(batch -> {
            caughtUp = batch.caughtUp();
            // Only the handler holds the changes from here: it may let go of what it no longer needs while its batch
            // is in hand (the write-behind's for most of the pace), so this loop keeps none of them.
            return handle(batch.changes())
                .compose(outcome -> acknowledge(outcome.handled()).map(acked -> outcome))
                .map(outcome -> {
                    afterBatch(outcome, startedNanos);
                    return outcome;
                });
        }).onFailure(this::afterFailure);
    }

    /**
     * What one or more reads brought: whether they were reads of new entries, and whether the last one filled
     * {@code batchSize} (more may be waiting).
     */
    private record Batch(List<CartChange> changes, boolean fresh, boolean full) {

        /** Reads of new entries whose last did not fill a batch: nothing was left to read. */
        boolean caughtUp() {
            return fresh && !full;
        }
    }

    private Future<BatchOutcome> handle(List<CartChange> changes) {
        if (changes.isEmpty()) {
            return Future.succeededFuture(new BatchOutcome.Done(List.of()));
        }
        try {
            return handler.handle(changes);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private void afterBatch(BatchOutcome outcome, long startedNanos) {
        if (outcome instanceof BatchOutcome.Interrupted interrupted) {
            afterFailure(interrupted.cause());
            return;
        }
        failures = 0;
        long pause = 0;
        if (caughtUp) {
            pause = settings.pace().toMillis() - (System.nanoTime() - startedNanos) / 1_000_000;
        }
        next(pause);
    }

    private void afterFailure(Throwable cause) {
        failures++;
        failedBatches.increment();
        long delay = backoffMillis(settings.backoffInitial(), settings.backoffMax(), failures);
        LOG.warn("event=change_stream_batch_failed group={} consumer={} attempt={} retry_in_ms={} error=\"{}\"", settings.group(),
            settings.consumerName(), failures, delay, String.valueOf(cause));
        ownPendingFrom = "0";
        if (claimCursor != null) {
            // A takeover cut short starts over: what it had not claimed yet is older than anything a read of new
            // entries would bring, and must be handled first.
            claimDue = true;
        }
        claimCursor = null;
        String message = cause.getMessage();
        if (message != null && message.contains("NOGROUP")) {
            // The stream or the group was deleted under us: make them again before the next read.
            stream.ensureGroup(settings.group());
        }
        if (connectionSuspect && connection != null) {
            connection.close();
            connection = null;
        }
        connectionSuspect = false;
        next(delay);
    }

    private void next(long pauseMillis) {
        if (!reading) {
            endLoop();
        } else if (pauseMillis <= 0) {
            context.runOnContext(go -> step());
        } else {
            pauseTimer = vertx.setTimer(pauseMillis, fire -> step());
        }
    }

    /** The wait after {@code failureCount} failures in a row: doubling from {@code initial}, capped at {@code max}. */
    static long backoffMillis(Duration initial, Duration max, int failureCount) {
        int doublings = Math.min(failureCount - 1, 30);
        return Math.min(max.toMillis(), initial.toMillis() << doublings);
    }

    private Future<RedisConnection> connection() {
        if (connection != null) {
            return Future.succeededFuture(connection);
        }
        return redis.connect().onSuccess(opened -> {
            connection = opened;
            opened.exceptionHandler(failure -> LOG.warn("event=change_stream_connection_failed group={} error=\"{}\"",
                settings.group(), failure.toString()));
        }).onFailure(failure -> connectionSuspect = true);
    }

    /** A takeover when due, else our own pending entries, else new ones. */
    private Future<Batch> nextBatch(RedisConnection redisConnection) {
        long now = clock.millis();
        boolean periodicClaimDue = settings.claimPeriodically() && now - lastClaimMillis >= settings.claimMinIdle().toMillis();
        if (claimCursor == null && (claimDue || periodicClaimDue)) {
            claimCursor = CLAIM_START;
            claimDue = false;
        }
        if (claimCursor != null) {
            lastClaimMillis = now;
            Request claim = Request.cmd(Command.XAUTOCLAIM).arg(settings.streamKey()).arg(settings.group()).arg(settings.consumerName())
                .arg(settings.claimMinIdle().toMillis()).arg(claimCursor).arg("COUNT").arg(settings.batchSize());
            return send(redisConnection, claim).map(reply -> {
                String next = reply.get(0).toString();
                claimCursor = CLAIM_START.equals(next) ? null : next;
                List<CartChange> claimed = ChangeRecords.fromEntries(reply.get(1));
                if (!claimed.isEmpty()) {
                    LOG.info("event=change_stream_takeover group={} consumer={} entries={}", settings.group(), settings.consumerName(),
                        claimed.size());
                }
                return new Batch(claimed, false, true);
            });
        }
        if (ownPendingFrom != null) {
            return send(redisConnection, readGroup(ownPendingFrom, false)).map(reply -> {
                List<CartChange> changes = ChangeRecords.fromReadGroup(reply);
                ownPendingFrom = changes.isEmpty() ? null : changes.get(changes.size() - 1).entryId();
                return new Batch(changes, false, true);
            });
        }
        return send(redisConnection, readGroup(">", true)).compose(reply -> {
            List<CartChange> changes = ChangeRecords.fromReadGroup(reply);
            return gather(redisConnection, changes, changes.size());
        });
    }

    /**
     * New entries read so far (the last read brought {@code lastRead} of them), and as long as that read filled a batch
     * and there is room for another under {@code gatherUpTo}, the next ones (read without waiting: a full read means more
     * were there).
     */
    private Future<Batch> gather(RedisConnection redisConnection, List<CartChange> changes, int lastRead) {
        boolean full = lastRead == settings.batchSize();
        if (!full || changes.size() + settings.batchSize() > settings.gatherUpTo()) {
            return Future.succeededFuture(new Batch(changes, true, full));
        }
        return send(redisConnection, readGroup(">", false)).compose(reply -> {
            List<CartChange> more = ChangeRecords.fromReadGroup(reply);
            // One list grows over the reads (up to gatherUpTo / batchSize of them), instead of a copy per read.
            List<CartChange> all = changes instanceof ArrayList<CartChange> growing ? growing : new ArrayList<>(changes);
            all.addAll(more);
            return gather(redisConnection, all, more.size());
        });
    }

    private Future<io.vertx.redis.client.Response> send(RedisConnection redisConnection, Request request) {
        return redisConnection.send(request).onFailure(failure -> connectionSuspect = true);
    }

    private Request readGroup(String from, boolean block) {
        Request read = Request.cmd(Command.XREADGROUP).arg("GROUP").arg(settings.group()).arg(settings.consumerName())
            .arg("COUNT").arg(settings.batchSize());
        if (block) {
            read.arg("BLOCK").arg(settings.readBlock().toMillis());
        }
        return read.arg("STREAMS").arg(settings.streamKey()).arg(from);
    }

    private Future<Void> acknowledge(List<String> entryIds) {
        if (entryIds.isEmpty()) {
            return Future.succeededFuture();
        }
        Request ack = Request.cmd(Command.XACK).arg(settings.streamKey()).arg(settings.group());
        entryIds.forEach(ack::arg);
        int count = entryIds.size();
        return connection().compose(c -> send(c, ack)).map(reply -> {
            acknowledged.increment(count);
            return null;
        });
    }

    /**
     * Looks up the group's lag for the gauges (done every second on its own), through the shared client: the
     * consumer's own connection may be waiting in XREADGROUP.
     */
    public Future<Void> refreshLag() {
        return stream.groups().compose(groups -> {
            ChangeStream.GroupState state = groups.get(settings.group());
            if (state == null) {
                return Future.succeededFuture();
            }
            // Redis's figure (entries added minus the group's read counter) can stay behind for good, e.g. after a
            // restart from the append-only file: it counts only while an entry exists after the last delivered one.
            long reported = state.lag().orElse(0L);
            Future<Optional<String>> firstUndelivered = reported > 0 ? stream.firstAfter(state.lastDeliveredId())
                : Future.succeededFuture(Optional.empty());
            return firstUndelivered.map(first -> {
                lag.set(state.pending() + (first.isPresent() ? reported : 0));
                Optional<String> oldest = state.oldestPendingId().isPresent() ? state.oldestPendingId() : first;
                oldestAgeSeconds.set(oldest.map(value -> Math.max(0, (clock.millis() - StreamEntries.millisOf(value)) / 1000))
                    .orElse(0L));
                return null;
            });
        }).<Void>mapEmpty().onFailure(failure -> LOG.debug("event=change_stream_lag_unknown group={} error=\"{}\"", settings.group(),
            failure.toString()));
    }
}
