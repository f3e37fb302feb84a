package dev.cartwright.returns.store;

import dev.cartwright.returns.domain.ReturnStatus;
import java.time.Instant;
import java.util.Optional;

/** One row of return_status_history: who moved the return from where to where, when and why. */
public record StatusChange(Optional<ReturnStatus> from, ReturnStatus to, String actor, String reason, Instant at) {
}
