package dev.cartwright.returns.store;

import static dev.cartwright.returns.store.Columns.ts;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Owns the restock queue of return_db: received lines that passed inspection wait in {@code return_items} until the
 * warehouse confirmed them, claimed with a lease so one worker at a time tries each. Every method takes the
 * {@link SqlClient} to run on.
 */
public final class RestockQueue {

    /** A line waiting to go back on the shelf. */
    public record DueRestock(String returnId, String orderId, String orderItemId, String productId, int quantity, String condition,
                             int attempts) {
    }

    /**
     * Takes up to {@code limit} restocks that are due and pushes their next attempt out by {@code lease}, so another
     * worker (in this process or another) does not take them meanwhile.
     */
    public Future<List<DueRestock>> claimDueRestocks(SqlClient c, Instant now, Instant leaseUntil, int limit) {
        return c.preparedQuery("UPDATE return_items i SET restock_next_attempt_at = $2 FROM return_requests r "
                + "WHERE r.return_id = i.return_id AND (i.return_id, i.order_item_id) IN "
                + "(SELECT return_id, order_item_id FROM return_items "
                + "WHERE restock_status = 'pending' AND restock_next_attempt_at <= $1 ORDER BY restock_next_attempt_at LIMIT $3 "
                + "FOR UPDATE SKIP LOCKED) RETURNING i.return_id, r.order_id, i.order_item_id, i.product_id, i.quantity_received, "
                + "i.condition, i.restock_attempts")
            .execute(Tuple.of(ts(now), ts(leaseUntil), limit))
            .map(rows -> {
                List<DueRestock> due = new ArrayList<>();
                rows.forEach(r -> due.add(new DueRestock(r.getString("return_id"), r.getString("order_id"), r.getString("order_item_id"),
                    r.getString("product_id"), r.getInteger("quantity_received"), r.getString("condition"), r.getInteger(
                            "restock_attempts"))));
                return due;
            });
    }

    /** Marks a restock done; false when it was done already (another worker got there first). */
    public Future<Boolean> completeRestock(SqlClient c, String returnId, String orderItemId) {
        return c.preparedQuery("UPDATE return_items SET restock_status = 'done', restock_next_attempt_at = NULL, "
                + "restock_attempts = restock_attempts + 1, restock_last_error = '' "
                + "WHERE return_id = $1 AND order_item_id = $2 AND restock_status = 'pending'")
            .execute(Tuple.of(returnId, orderItemId))
            .map(rows -> rows.rowCount() == 1);
    }

    public Future<Void> recordRestockFailure(SqlClient c, String returnId, String orderItemId, String error, Instant nextAttemptAt) {
        return c.preparedQuery("UPDATE return_items SET restock_attempts = restock_attempts + 1, restock_last_error = $3, "
                + "restock_next_attempt_at = $4 WHERE return_id = $1 AND order_item_id = $2 AND restock_status = 'pending'")
            .execute(Tuple.of(returnId, orderItemId, error, ts(nextAttemptAt)))
            .mapEmpty();
    }
}
