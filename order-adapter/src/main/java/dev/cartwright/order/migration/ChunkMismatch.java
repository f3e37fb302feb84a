package dev.cartwright.order.migration;

import java.util.List;
import java.util.Map;

/**
 * One chunk whose two sides differ: its key range, the row counts and checksums of each side, the root ids whose rows
 * differ (the first few), the order_db rows that do not convert at all, and which of the differing aggregates have a
 * dual-write mirror pending (a difference that repairs itself).
 */
public record ChunkMismatch(int index, RootRange range, long legacyRows, long targetRows, String legacyMd5, String targetMd5,
                            List<String> differingRoots, int differingRootCount, Map<String, String> unconvertible,
                            List<String> pendingMirror) {

    public ChunkMismatch {
        differingRoots = List.copyOf(differingRoots);
        unconvertible = Map.copyOf(unconvertible);
        pendingMirror = List.copyOf(pendingMirror);
    }
}
