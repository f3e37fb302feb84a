package dev.cartwright.order.migration;

/** What happened to order_db's copy of an aggregate after a write in the new database. */
public sealed interface MirrorOutcome {

    /** order_db now holds the aggregate as the new database does; {@code rowsChanged} rows were written or deleted. */
    record Mirrored(long rowsChanged) implements MirrorOutcome {
    }

    /** Dual-write is off: order_db is not kept current (and nothing was queued). */
    record NotMirrored(String reason) implements MirrorOutcome {
    }

    /**
     * The copy to order_db failed; the aggregate stays in {@code legacy_mirror_queue} with the error, for the repair
     * (DualWriter.repairPending or {@code order-migration repair}). The write in the new database stands.
     */
    record Deferred(String error) implements MirrorOutcome {
    }
}
