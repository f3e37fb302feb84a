package dev.cartwright.order.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

import dev.cartwright.order.flags.FeatureFlags;
import dev.cartwright.order.flags.MigrationFlags;

/**
 * The VERIFY step: compares order_db with a new database chunk by chunk. Chunks are ranges of root ids taken from
 * order_db (the last one open-ended, so ids only the new side has are compared too); each side's rows in the range are
 * brought to canonical form, turned into {@link RowText}s, sorted, counted and hashed (MD5). A chunk whose counts or
 * hashes differ is reported with its key range and the root ids that differ. Differences seen under live traffic can be
 * a mirror still on its way, so mismatched chunks are read again once at the end of the run ({@code rechecks}) and only
 * those that still differ are reported.
 *
 * <p>Read-only, and blocking JDBC (the command-line tool). Each run is recorded in {@code migration_verify_runs}
 * unless it is a dry run; cleanup looks at the latest record.
 */
public final class Verifier {

    /**
     * @param rechecks       how many times a mismatched chunk is read again before it counts
     * @param listedRoots    how many differing root ids a mismatch lists
     * @param dryRun         compare but do not record the run
     */
    public record Options(int chunkSize, int rechecks, int listedRoots, boolean dryRun) {
        public Options {
            if (chunkSize < 1 || rechecks < 0 || listedRoots < 0) {
                throw new IllegalArgumentException("chunk size must be positive, rechecks and listed roots not negative");
            }
        }
    }

    /** The verify step's answer. */
    public sealed interface Outcome {
        /** Nothing was compared. */
        record Refused(String reason) implements Outcome {
        }

        /** The comparison, clean or not. */
        record Verified(VerifyReport report) implements Outcome {
        }
    }

    private final MigrationDatabases databases;
    private final Supplier<FeatureFlags> flags;
    private final Clock clock;
    private final MigrationState state;

    public Verifier(MigrationDatabases databases, Supplier<FeatureFlags> flags, Clock clock) {
        this.databases = databases;
        this.flags = flags;
        this.clock = clock;
        this.state = new MigrationState(clock);
    }

    public Outcome verify(Aggregate aggregate, Options options) throws SQLException {
        if (!flags.get().isOn(MigrationFlags.VERIFY)) {
            return new Outcome.Refused(MigrationFlags.VERIFY + " is off");
        }
        OffsetDateTime started = now();
        try (Connection legacy = databases.legacy(); Connection target = databases.target(aggregate)) {
            Optional<String> missing = Cleanup.missingLegacyTables(legacy, aggregate)
                .or(() -> Backfill.uncheckedOrdering(legacy, target));
            if (missing.isPresent()) {
                return new Outcome.Refused(missing.get());
            }
            for (Connection connection : List.of(legacy, target)) {
                connection.setAutoCommit(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            }
            List<RootRange> ranges = ranges(legacy, aggregate, options.chunkSize());
            long legacyRows = 0;
            long targetRows = 0;
            Map<Integer, ChunkMismatch> mismatched = new TreeMap<>();
            for (int i = 0; i < ranges.size(); i++) {
                ChunkComparison comparison = compare(legacy, target, aggregate, ranges.get(i));
                legacyRows += comparison.legacyRows();
                targetRows += comparison.targetRows();
                if (!comparison.same()) {
                    mismatched.put(i, comparison.mismatch(i, options.listedRoots()));
                }
            }
            for (int round = 0; round < options.rechecks() && !mismatched.isEmpty(); round++) {
                for (Integer index : List.copyOf(mismatched.keySet())) {
                    ChunkComparison again = compare(legacy, target, aggregate, ranges.get(index));
                    if (again.same()) {
                        // A difference that went away is one that was on its way (a mirror in flight): count the rows as they are now.
                        legacyRows += again.legacyRows() - mismatched.get(index).legacyRows();
                        targetRows += again.targetRows() - mismatched.get(index).targetRows();
                        mismatched.remove(index);
                    } else {
                        mismatched.put(index, again.mismatch(index, options.listedRoots()));
                    }
                }
            }
            List<ChunkMismatch> mismatches = new ArrayList<>();
            for (ChunkMismatch m : mismatched.values()) {
                mismatches.add(withPendingMirrors(target, aggregate, m));
            }
            VerifyReport report = new VerifyReport(aggregate, started, now(), ranges.size(), legacyRows, targetRows, mismatches);
            if (!options.dryRun()) {
                target.commit();
                target.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                state.recordVerify(target, report);
                target.commit();
            }
            return new Outcome.Verified(report);
        }
    }

    /** Key ranges of {@code chunkSize} order_db roots each; the last one is open-ended. */
    private static List<RootRange> ranges(Connection legacy, Aggregate aggregate, int chunkSize) throws SQLException {
        List<RootRange> ranges = new ArrayList<>();
        String after = null;
        while (true) {
            List<String> roots = JdbcAggregates.nextRoots(legacy, Side.LEGACY, aggregate, after, chunkSize);
            if (roots.size() < chunkSize) {
                ranges.add(new RootRange(after, null));
                legacy.commit();
                return ranges;
            }
            String upTo = roots.get(roots.size() - 1);
            ranges.add(new RootRange(after, upTo));
            after = upTo;
        }
    }

    private static ChunkComparison compare(Connection legacy, Connection target, Aggregate aggregate, RootRange range) throws SQLException {
        ChunkRows legacyRows = JdbcAggregates.read(legacy, Side.LEGACY, aggregate, range);
        legacy.commit();
        ChunkRows targetRows = JdbcAggregates.read(target, Side.TARGET, aggregate, range);
        target.commit();
        return new ChunkComparison(range, texts(legacyRows), texts(targetRows), legacyRows.rejected());
    }

    /** Row texts per root id, each list sorted. */
    private static Map<String, List<String>> texts(ChunkRows rows) {
        Map<String, List<String>> byRoot = new TreeMap<>();
        rows.rows().forEach((table, list) -> {
            for (Map<String, Object> row : list) {
                String root = (String) row.get(table.target().rootColumn());
                byRoot.computeIfAbsent(root, r -> new ArrayList<>()).add(RowText.of(table, row));
            }
        });
        byRoot.values().forEach(Collections::sort);
        return byRoot;
    }

    private ChunkMismatch withPendingMirrors(Connection target, Aggregate aggregate, ChunkMismatch mismatch) throws SQLException {
        if (mismatch.differingRoots().isEmpty()) {
            return mismatch;
        }
        List<String> pending = state.pendingMirrors(target, aggregate, mismatch.differingRoots().toArray(String[]::new));
        target.commit();
        return new ChunkMismatch(mismatch.index(), mismatch.range(), mismatch.legacyRows(), mismatch.targetRows(), mismatch.legacyMd5(),
            mismatch.targetMd5(), mismatch.differingRoots(), mismatch.differingRootCount(), mismatch.unconvertible(), pending);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    /** Both sides of one chunk as sorted row texts per root. */
    private record ChunkComparison(RootRange range, Map<String, List<String>> legacy, Map<String, List<String>> target,
                                   Map<String, String> unconvertible) {

        long legacyRows() {
            return legacy.values().stream().mapToLong(List::size).sum();
        }

        long targetRows() {
            return target.values().stream().mapToLong(List::size).sum();
        }

        String legacyMd5() {
            return RowText.md5(flatten(legacy));
        }

        String targetMd5() {
            return RowText.md5(flatten(target));
        }

        boolean same() {
            return unconvertible.isEmpty() && legacyRows() == targetRows() && legacyMd5().equals(targetMd5());
        }

        ChunkMismatch mismatch(int index, int listed) {
            Set<String> roots = new TreeSet<>(legacy.keySet());
            roots.addAll(target.keySet());
            roots.addAll(unconvertible.keySet());
            List<String> differing = new ArrayList<>();
            for (String root : roots) {
                if (unconvertible.containsKey(root) || !legacy.getOrDefault(root, List.of()).equals(target.getOrDefault(root, List.of()))) {
                    differing.add(root);
                }
            }
            return new ChunkMismatch(index, range, legacyRows(), targetRows(), legacyMd5(), targetMd5(),
                differing.subList(0, Math.min(listed, differing.size())), differing.size(), unconvertible, List.of());
        }

        /** All row texts of the chunk, in root order and sorted within each root. */
        private static List<String> flatten(Map<String, List<String>> byRoot) {
            List<String> all = new ArrayList<>();
            byRoot.values().forEach(all::addAll);
            return all;
        }
    }
}
