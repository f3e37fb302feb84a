package dev.cartwright.order.migration;

import java.util.Objects;
import java.util.function.Supplier;

import dev.cartwright.order.flags.FeatureFlags;
import dev.cartwright.order.flags.MigrationFlags;

import io.vertx.core.Future;

/**
 * The READ_SWITCH step: decides per subject (a customer or cart id) whether a read comes from the new databases or from
 * order_db, by the subject's stable bucket against {@code migration.read_switch} (10% → 50% → 100%). The flags are read
 * on every call, so turning the share down moves reads back at once; dual-write keeps order_db current until cleanup,
 * so a read moved back finds what the new database has.
 */
public final class ReadRouter {

    private final Supplier<FeatureFlags> flags;

    public ReadRouter(Supplier<FeatureFlags> flags) {
        this.flags = Objects.requireNonNull(flags);
    }

    /** Where {@code subjectId}'s reads go now. */
    public Side sideFor(String subjectId) {
        return flags.get().isOn(MigrationFlags.READ_SWITCH, subjectId) ? Side.TARGET : Side.LEGACY;
    }

    /** Runs the read for the side {@code subjectId} is routed to. */
    public <T> Future<T> read(String subjectId, Supplier<Future<T>> fromOrderDb, Supplier<Future<T>> fromNewDatabase) {
        return sideFor(subjectId) == Side.TARGET ? fromNewDatabase.get() : fromOrderDb.get();
    }
}
