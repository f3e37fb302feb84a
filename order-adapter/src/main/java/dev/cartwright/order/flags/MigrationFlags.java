package dev.cartwright.order.flags;

import java.util.List;

/**
 * The flags of the order_db migration, one per step; each is flipped back at run time to reverse its step.
 */
public final class MigrationFlags {

    /** Copy legacy rows into checkout_db and return_db; off stops a running backfill at its next chunk. */
    public static final String BACKFILL = "migration.backfill";
    /** Mirror every write of the new services into order_db; off stops mirroring (legacy then falls behind). */
    public static final String DUAL_WRITE = "migration.dual_write";
    /** Compare legacy and new rows chunk by chunk (read-only). */
    public static final String VERIFY = "migration.verify";
    /** Share of subjects (customer or cart id buckets) whose reads come from the new databases; 0% = all legacy. */
    public static final String READ_SWITCH = "migration.read_switch";
    /** Allow renaming the legacy tables away (reversible with restore). */
    public static final String CLEANUP = "migration.cleanup";

    /** In the order the steps run. */
    public static final List<String> ALL = List.of(BACKFILL, DUAL_WRITE, VERIFY, READ_SWITCH, CLEANUP);

    private MigrationFlags() {
    }
}
