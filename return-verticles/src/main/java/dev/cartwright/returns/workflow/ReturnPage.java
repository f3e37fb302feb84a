package dev.cartwright.returns.workflow;

import dev.cartwright.returns.store.PageCursor;
import dev.cartwright.returns.store.StoredReturn;
import java.util.List;
import java.util.Optional;

/** One page of a listing and where the next one starts, if there is one. */
public record ReturnPage(List<StoredReturn> returns, Optional<PageCursor> next) {
}
