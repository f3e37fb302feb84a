package dev.cartwright.order.flags;

import java.util.Set;

/** What a reload of the flags did. */
public sealed interface ReloadOutcome {

    /** The new snapshot is in place; {@code changed} names the flags whose setting moved. */
    record Changed(FeatureFlags before, FeatureFlags after, Set<String> changed) implements ReloadOutcome {
        public Changed {
            changed = Set.copyOf(changed);
        }
    }

    /** The file was read and nothing changed. */
    record Unchanged(FeatureFlags current) implements ReloadOutcome {
    }

    /** The file could not be read or held a bad value; the previous snapshot stays in force. */
    record Rejected(String reason) implements ReloadOutcome {
    }
}
