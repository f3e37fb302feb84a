package dev.cartwright.order.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import dev.cartwright.order.flags.FeatureFlags;
import dev.cartwright.order.flags.MigrationFlags;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies whole aggregates between order_db and a new database, chunk by chunk: a chunk is the next N root ids after
 * the checkpoint; its aggregates are locked (see {@link AggregateLocks}), read from the source, written to the
 * destination (upserts that leave equal rows alone, children the source no longer has deleted), and the checkpoint moves
 * past it in the same transaction as the write (for a copy into order_db: right after order_db committed). An
 * interrupted run resumes after the last committed chunk; a finished pass is followed by a new pass from the start;
 * running a pass again changes nothing.
 *
 * <p>A copy never reverts a newer write: a root is written only where the destination's root is not newer (its
 * version, then its updated_at, see {@link AggregateStamp}), and an aggregate's children are written or deleted only
 * while the copy holds its root at the copied stamp; an aggregate a writer changed after the copy read it is left as
 * that writer left it ({@link Report#keptNewer()}). So a backfill may run beside the monolith, beside the services
 * writing through the dual-writer, or beside a service writing the new databases directly.
 *
 * <p>Forward ({@link Direction#TO_NEW}, the BACKFILL step) runs while {@code migration.backfill} is on and is refused
 * once the new databases are primary without the mirror (order_db is then behind); it skips aggregates whose dual-write
 * mirror is still pending, since their order_db rows are older than the new ones. Backward ({@link Direction#TO_LEGACY},
 * the rollback's catch-up) runs only while dual-write is on, so every service write beside it is mirrored too; it is
 * refused while order_db is primary. See {@link #refusal}. The flags are read again before every chunk, so switching
 * {@code migration.backfill} (or dual-write) off stops a running copy at the next chunk boundary.
 *
 * <p>How a copy back converges while the services keep writing: an aggregate whose dual-write mirror is in flight when
 * its chunk is read (written and committed in the new database, queued, its mirror not run yet) is the dual-writer's to
 * bring to order_db. The copy writes it as well, which is harmless (the mirror then finds order_db equal), but counts
 * its rows apart ({@link Report#rowsInFlight()}), not in {@link Report#rowsChanged()}. So {@code rowsChanged} counts
 * only what order_db would have missed without this copy: what was written while dual-write was off, and mirrors that
 * failed. Once a pass has copied that, the next one changes 0 rows, however steady the writes beside it.
 *
 * <p>Blocking JDBC: this runs in the command-line tool, never on an event loop.
 */
public final class Backfill {

    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);

    /** Which way a copy goes. */
    public enum Direction {
        /** order_db into checkout_db/return_db: the BACKFILL step. */
        TO_NEW(Side.LEGACY, Side.TARGET, "backfill"),
        /** checkout_db/return_db into order_db: catching order_db up before moving back to it. */
        TO_LEGACY(Side.TARGET, Side.LEGACY, "backfill_to_legacy");

        private final Side source;
        private final Side destination;
        private final String step;

        Direction(Side source, Side destination, String step) {
            this.source = source;
            this.destination = destination;
            this.step = step;
        }

        public Side source() {
            return source;
        }

        public Side destination() {
            return destination;
        }

        /** The step's name in checkpoints and rejects. */
        public String step() {
            return step;
        }
    }

    /** How a run ended. */
    public enum Outcome {
        /** The pass reached the last root id. */
        FINISHED,
        /** The run stopped after the chunks it was allowed ({@code --max-chunks}); the next run resumes. */
        CHUNK_LIMIT,
        /** A flag said stop (or a precondition no longer held) before the next chunk; the next run resumes. */
        STOPPED,
        /** Nothing was done; {@link Report#refusal()} says why. */
        REFUSED
    }

    /**
     * What to run.
     *
     * @param maxChunks stop after this many chunks (0: no limit)
     * @param dryRun    do everything but commit: the counts say what a real run would change
     */
    public record Options(Direction direction, int chunkSize, long maxChunks, boolean dryRun) {
        public Options {
            if (chunkSize < 1) {
                throw new IllegalArgumentException("chunk size must be at least 1");
            }
            if (maxChunks < 0) {
                throw new IllegalArgumentException("max chunks must not be negative");
            }
        }
    }

    /**
     * What a run did.
     *
     * @param rowsChanged  rows the copy changed, beside those of {@code rowsInFlight}
     * @param rowsInFlight rows of aggregates whose dual-write mirror to order_db was in flight when the copy read them
     *                     (copy back only): the mirror would have written them too, so they are no difference the copy found
     * @param keptNewer    aggregates left as the destination has them because a writer changed them there after the copy
     *                     read its source (their root's version or updated_at is newer than the copy's)
     */
    public record Report(Aggregate aggregate, Direction direction, Outcome outcome, Optional<String> refusal, long chunks,
                         long aggregatesCopied, long rowsChanged, long rowsInFlight, Map<String, String> rejected,
                         List<String> skippedPendingMirror, List<String> keptNewer, Optional<String> lastKey, boolean dryRun) {

        public String describe() {
            StringBuilder text = new StringBuilder();
            text.append(direction.step()).append(' ').append(aggregate.rootTable()).append(dryRun ? " (dry run)" : "").append(": ")
                .append(outcome);
            refusal.ifPresent(r -> text.append(" - ").append(r));
            text.append("; chunks ").append(chunks).append(", aggregates ").append(aggregatesCopied).append(", rows ")
                .append(dryRun ? "that would change " : "changed ").append(rowsChanged);
            if (rowsInFlight > 0) {
                text.append(" (and ").append(rowsInFlight).append(" of aggregates whose dual-write mirror was in flight)");
            }
            lastKey.ifPresent(k -> text.append(", last key ").append(k));
            if (!rejected.isEmpty()) {
                text.append("; rejected ").append(rejected.size()).append(':');
                rejected.forEach((key, reason) -> text.append("\n  ").append(key).append(": ").append(reason));
            }
            if (!skippedPendingMirror.isEmpty()) {
                text.append("; skipped (mirror pending) ").append(skippedPendingMirror);
            }
            if (!keptNewer.isEmpty()) {
                text.append("; kept (newer in ").append(direction.destination().databaseName()).append(") ").append(keptNewer);
            }
            return text.toString();
        }
    }

    /**
     * What runs between reading a chunk from the source and writing it to the destination: nothing in the tool. Tests put
     * a live write there, the moment a concurrent writer can slip in, to show that the copy never undoes it.
     */
    @FunctionalInterface
    interface BetweenReadAndWrite {
        BetweenReadAndWrite NOTHING = (aggregate, direction, roots) -> { };

        void pause(Aggregate aggregate, Direction direction, List<String> roots) throws SQLException;
    }

    private final MigrationDatabases databases;
    private final Supplier<FeatureFlags> flags;
    private final MigrationState state;
    private final BetweenReadAndWrite betweenReadAndWrite;

    /**
     * @param flags read before every chunk; a supplier that reloads the flags file makes a flip take effect mid-run
     */
    public Backfill(MigrationDatabases databases, Supplier<FeatureFlags> flags, Clock clock) {
        this(databases, flags, clock, BetweenReadAndWrite.NOTHING);
    }

    Backfill(MigrationDatabases databases, Supplier<FeatureFlags> flags, Clock clock, BetweenReadAndWrite betweenReadAndWrite) {
        this.databases = databases;
        this.flags = flags;
        this.state = new MigrationState(clock);
        this.betweenReadAndWrite = betweenReadAndWrite;
    }

    /**
     * Why a copy in {@code direction} may not run under {@code current}, or empty when it may. A copy runs only where
     * every writer of its destination either writes there through the dual-writer (which takes the aggregate's lock the
     * copy also takes) or cannot have written anything newer that the copy could miss: the services must not be writing
     * the new databases without the dual-writer. The version guards of the writes themselves protect whatever a writer
     * does commit beside a copy; these refusals keep a copy from running where it would leave its destination behind or
     * bring back what the primary side deleted.
     */
    public static Optional<String> refusal(Direction direction, FeatureFlags current) {
        PrimarySide primary = PrimarySide.of(current);
        boolean mirrored = PrimarySide.legacyMirrored(current);
        if (direction == Direction.TO_NEW) {
            if (!current.isOn(MigrationFlags.BACKFILL)) {
                return Optional.of(MigrationFlags.BACKFILL + " is off");
            }
            if (primary == PrimarySide.NEW_DATABASES && !mirrored) {
                return Optional.of("the services write checkout_db/return_db without the dual-writer (" + MigrationFlags.DUAL_WRITE
                    + " is off while " + MigrationFlags.READ_SWITCH + " reads from them), so order_db is behind them: copying it over "
                    + "them would undo their writes and bring back what they deleted. Nothing needs copying this way now; to go back "
                    + "to order_db, switch " + MigrationFlags.DUAL_WRITE + " on first, then run backfill --to-legacy");
            }
            return Optional.empty();
        }
        if (primary == PrimarySide.ORDER_DB) {
            return Optional.of("order_db is primary (dual-write off, no reads on the new databases): the monolith writes it, and "
                + "copying into it would overwrite the monolith's writes");
        }
        if (!mirrored) {
            return Optional.of("the services write checkout_db/return_db without the dual-writer (" + MigrationFlags.DUAL_WRITE
                + " is off): every change they make after a chunk is copied would leave order_db behind again, and nothing would "
                + "ever mirror it; switch " + MigrationFlags.DUAL_WRITE + " on first (every write is then mirrored under the "
                + "aggregate's lock), then run backfill --to-legacy");
        }
        return Optional.empty();
    }

    /** Runs (or resumes) a pass for one aggregate. */
    public Report run(Aggregate aggregate, Options options) throws SQLException {
        Direction direction = options.direction();
        Optional<String> refused = refusal(direction, flags.get());
        if (refused.isPresent()) {
            return refusedReport(aggregate, options, refused.get());
        }
        try (Connection target = databases.target(aggregate); Connection legacy = databases.legacy()) {
            Optional<String> missing = Cleanup.missingLegacyTables(legacy, aggregate)
                .or(() -> uncheckedOrdering(legacy, target));
            if (missing.isPresent()) {
                return refusedReport(aggregate, options, missing.get());
            }
            if (!RunLock.tryLock(target, direction.step(), aggregate)) {
                return refusedReport(aggregate, options, "another " + direction.step() + " of " + aggregate.rootTable() + " is running");
            }
            try {
                target.setAutoCommit(false);
                legacy.setAutoCommit(false);
                return passes(aggregate, options, target, legacy);
            } finally {
                target.rollback();
                target.setAutoCommit(true);
                RunLock.unlock(target, direction.step(), aggregate);
            }
        }
    }

    private Report passes(Aggregate aggregate, Options options, Connection target, Connection legacy) throws SQLException {
        Direction direction = options.direction();
        Optional<Checkpoint> checkpoint = state.checkpoint(target, direction.step(), aggregate);
        String after;
        if (checkpoint.isEmpty() || checkpoint.get().finished()) {
            if (!options.dryRun()) {
                state.startPass(target, direction.step(), aggregate);
                target.commit();
            }
            after = null;
        } else {
            after = checkpoint.get().lastKey().orElse(null);
            LOG.info("{} {}: resuming after {}", direction.step(), aggregate.rootTable(), after == null ? "the start" : after);
        }
        Connection source = direction.source() == Side.LEGACY ? legacy : target;
        Connection destination = direction.destination() == Side.LEGACY ? legacy : target;
        long chunks = 0;
        long copied = 0;
        long changed = 0;
        long inFlight = 0;
        Map<String, String> rejected = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        List<String> keptNewer = new ArrayList<>();
        while (true) {
            if (options.maxChunks() > 0 && chunks >= options.maxChunks()) {
                return report(aggregate, options, Outcome.CHUNK_LIMIT, Optional.empty(), chunks, copied, changed, inFlight, rejected,
                    skipped, keptNewer, after);
            }
            Optional<String> refused = refusal(direction, flags.get());
            if (refused.isPresent()) {
                LOG.warn("{} {}: stopping before the next chunk: {}", direction.step(), aggregate.rootTable(), refused.get());
                return report(aggregate, options, Outcome.STOPPED, refused, chunks, copied, changed, inFlight, rejected, skipped, keptNewer,
                    after);
            }
            List<String> roots = JdbcAggregates.nextRoots(source, direction.source(), aggregate, after, options.chunkSize());
            boolean last = roots.size() < options.chunkSize();
            JdbcAggregates.lock(target, aggregate, roots);
            String[] rootArray = roots.toArray(String[]::new);
            List<String> pending = direction == Direction.TO_NEW ? state.pendingMirrors(target, aggregate, rootArray) : List.of();
            // Read under the chunk's locks, which a mirror also takes: a queued aggregate's mirror has not run yet.
            List<String> mirroring = direction == Direction.TO_LEGACY ? state.mirrorsInFlight(target, aggregate, rootArray) : List.of();
            ChunkRows rows = JdbcAggregates.readRoots(source, direction.source(), aggregate, roots).without(pending);
            if (source != target) {
                // Ends order_db's read snapshot; the locks live in the new database's transaction, still open.
                source.commit();
            }
            betweenReadAndWrite.pause(aggregate, direction, roots);
            Map<String, String> chunkRejects = new LinkedHashMap<>(rows.rejected());
            List<String> chunkKept = new ArrayList<>();
            long chunkChanged = write(destination, direction.destination(), rows.without(mirroring), chunkRejects, chunkKept);
            long chunkInFlight = mirroring.isEmpty() ? 0
                : write(destination, direction.destination(), rows.only(mirroring), chunkRejects, chunkKept);
            List<String> written = new ArrayList<>(rows.roots());
            written.removeAll(chunkRejects.keySet());
            written.removeAll(chunkKept);
            String upTo = roots.isEmpty() ? after : roots.get(roots.size() - 1);
            if (!options.dryRun()) {
                for (Map.Entry<String, String> reject : chunkRejects.entrySet()) {
                    state.reject(target, direction.step(), aggregate, reject.getKey(), reject.getValue());
                }
                state.clearRejects(target, direction.step(), aggregate, written.toArray(String[]::new));
                state.advance(target, direction.step(), aggregate, upTo, chunkChanged + chunkInFlight, last);
            }
            if (options.dryRun()) {
                destination.rollback();
                target.rollback();
            } else {
                if (destination != target) {
                    destination.commit();
                }
                target.commit();
            }
            chunks++;
            copied += written.size();
            changed += chunkChanged;
            inFlight += chunkInFlight;
            rejected.putAll(chunkRejects);
            skipped.addAll(pending);
            keptNewer.addAll(chunkKept);
            after = upTo;
            LOG.info("{} {}: chunk {} up to {}: {} aggregates, {} rows changed{}{}{}", direction.step(), aggregate.rootTable(), chunks,
                upTo, written.size(), chunkChanged, chunkInFlight == 0 ? "" : " (and " + chunkInFlight + " of mirrors in flight)",
                chunkRejects.isEmpty() ? "" : ", " + chunkRejects.size() + " rejected",
                chunkKept.isEmpty() ? "" : ", " + chunkKept.size() + " kept as the destination has them (newer there)");
            if (!chunkKept.isEmpty()) {
                LOG.info("event=backfill_kept_newer step={} table={} destination={} aggregates={}", direction.step(), aggregate.rootTable(),
                    direction.destination().databaseName(), chunkKept);
            }
            if (last) {
                if (!options.dryRun()) {
                    JdbcAggregates.bumpSequences(destination, direction.destination(), aggregate, databases.config().sequenceHeadroom());
                    destination.commit();
                }
                return report(aggregate, options, Outcome.FINISHED, Optional.empty(), chunks, copied, changed, inFlight, rejected,
                    skipped, keptNewer, after);
            }
        }
    }

    /**
     * Writes a chunk in one go; if the database refuses it, writes it again aggregate by aggregate, each under its own
     * savepoint, so one bad aggregate is rejected and the rest move. Aggregates the destination holds a newer copy of are
     * left alone and added to {@code kept}.
     */
    private static long write(Connection destination, Side side, ChunkRows rows, Map<String, String> rejects, List<String> kept)
        throws SQLException {
        Savepoint whole = destination.setSavepoint();
        try {
            JdbcAggregates.Written written = JdbcAggregates.write(destination, side, rows, rows.roots());
            destination.releaseSavepoint(whole);
            kept.addAll(written.keptNewer());
            return written.rowsChanged();
        } catch (SQLException | ConversionException e) {
            destination.rollback(whole);
        }
        long changed = 0;
        for (String root : rows.roots()) {
            Savepoint one = destination.setSavepoint();
            try {
                JdbcAggregates.Written written = JdbcAggregates.write(destination, side, rows.only(List.of(root)), List.of(root));
                destination.releaseSavepoint(one);
                kept.addAll(written.keptNewer());
                changed += written.rowsChanged();
            } catch (SQLException | ConversionException e) {
                destination.rollback(one);
                rejects.put(root, e.getMessage());
            }
        }
        return changed;
    }

    static Optional<String> uncheckedOrdering(Connection legacy, Connection target) {
        try {
            return JdbcAggregates.orderingMismatch(legacy, target);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the databases' collations: " + e.getMessage(), e);
        }
    }

    private static Report refusedReport(Aggregate aggregate, Options options, String reason) {
        return new Report(aggregate, options.direction(), Outcome.REFUSED, Optional.of(reason), 0, 0, 0, 0, Map.of(), List.of(), List.of(),
            Optional.empty(), options.dryRun());
    }

    private static Report report(Aggregate aggregate, Options options, Outcome outcome, Optional<String> refusal, long chunks, long copied,
                                 long changed, long inFlight, Map<String, String> rejected, List<String> skipped, List<String> keptNewer,
                                 String after) {
        return new Report(aggregate, options.direction(), outcome, refusal, chunks, copied, changed, inFlight, Map.copyOf(rejected),
            List.copyOf(skipped), List.copyOf(keptNewer), Optional.ofNullable(after), options.dryRun());
    }
}
