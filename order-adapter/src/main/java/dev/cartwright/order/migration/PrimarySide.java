package dev.cartwright.order.migration;

import dev.cartwright.order.flags.FeatureFlags;
import dev.cartwright.order.flags.MigrationFlags;

/**
 * Which database holds the truth for the migrated tables, read from the flags (the phases are in the README):
 * <ul>
 *   <li>dual-write off and no reads on the new databases: order_db. The monolith writes; backfill copies order_db to
 *       the new databases.</li>
 *   <li>dual-write on: the new databases. The services write there first (the primary write) and mirror every change
 *       to order_db, which stays current, so reads can move back at once.</li>
 *   <li>dual-write off while reads use the new databases: the new databases, and order_db is falling behind. Nothing
 *       may be copied into the new databases from order_db any more. To roll back, dual-write goes on first (the
 *       services' writes are mirrored again), then copying back (backfill --to-legacy) brings order_db up to date.</li>
 * </ul>
 */
public enum PrimarySide {

    ORDER_DB, NEW_DATABASES;

    public static PrimarySide of(FeatureFlags flags) {
        boolean dualWrite = !flags.setting(MigrationFlags.DUAL_WRITE).off();
        boolean readsMoved = !flags.setting(MigrationFlags.READ_SWITCH).off();
        return !dualWrite && !readsMoved ? ORDER_DB : NEW_DATABASES;
    }

    /** Whether order_db is kept current by the dual-write mirror. */
    public static boolean legacyMirrored(FeatureFlags flags) {
        return flags.isOn(MigrationFlags.DUAL_WRITE);
    }
}
