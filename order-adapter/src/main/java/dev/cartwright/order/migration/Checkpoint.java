package dev.cartwright.order.migration;

import java.time.OffsetDateTime;
import java.util.Optional;

/** How far one pass of a copying step got for one aggregate. */
public record Checkpoint(String step, String tableName, Optional<String> lastKey, long chunks, long rowsWritten, int pass,
                         OffsetDateTime startedAt, OffsetDateTime updatedAt, Optional<OffsetDateTime> finishedAt) {

    public boolean finished() {
        return finishedAt.isPresent();
    }
}
