package dev.cartwright.returns.store;

import static dev.cartwright.returns.store.Columns.instant;
import static dev.cartwright.returns.store.Columns.ts;

import dev.cartwright.returns.domain.LineRefund;
import dev.cartwright.returns.domain.RefundHistory;
import dev.cartwright.returns.domain.Resolution;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Owns the refund ledger of return_db: one settlement per return ({@code return_refunds}: money back, store credit or
 * an exchange) with its attempts, and each line's share of it; and what an order's settlements gave back so far.
 * Every method takes the {@link SqlClient} to run on, so the caller decides what shares one transaction.
 */
public final class RefundLedger {

    static final String COLUMNS = "refund_id, return_id, order_id, kind, status, amount_minor, shipping_minor, "
        + "currency, idempotency_key, payment_refund_id, exchange_order_id, attempts, last_error, next_attempt_at, created_at, "
        + "completed_at";

    /** What the order's earlier settlements (pending or completed, not failed) already gave back. */
    public Future<RefundHistory> refundHistory(SqlClient c, String orderId) {
        Future<RowSet<Row>> units = c.preparedQuery("SELECT i.order_item_id, SUM(i.quantity_received)::int AS units FROM return_items i "
                + "JOIN return_refunds f ON f.return_id = i.return_id WHERE f.order_id = $1 AND f.status <> 'failed' "
                + "GROUP BY i.order_item_id")
            .execute(Tuple.of(orderId));
        Future<RowSet<Row>> money = c.preparedQuery("SELECT COALESCE(SUM(amount_minor), 0)::bigint AS amount, "
                + "COALESCE(BOOL_OR(shipping_minor > 0), false) AS shipping FROM return_refunds WHERE order_id = $1 AND status <> 'failed'")
            .execute(Tuple.of(orderId));
        return Future.all(units, money).map(v -> {
            Map<String, Integer> byItem = new HashMap<>();
            units.result().forEach(r -> byItem.put(r.getString("order_item_id"), r.getInteger("units")));
            Row m = money.result().iterator().next();
            return new RefundHistory(byItem, m.getLong("amount"), m.getBoolean("shipping"));
        });
    }

    /** A settlement about to be stored, pending. */
    public record NewRefund(String refundId, String returnId, String orderId, Resolution kind, long amount, long shipping, String currency,
                            String idempotencyKey, Instant createdAt, Instant nextAttemptAt) {
    }

    /** The refund under a settlement's idempotency key, and whether it was created now (false: it existed). */
    public record Inserted(StoredRefund refund, boolean created) {
    }

    /**
     * Inserts the refund unless one with its idempotency key exists; either way returns the stored one and whether it
     * was created now. Run inside the transaction that locked the return, so the two cannot race.
     */
    public Future<Inserted> insertRefundOrGetExisting(SqlClient c, NewRefund r) {
        return c.preparedQuery("INSERT INTO return_refunds (refund_id, return_id, order_id, kind, status, amount_minor, shipping_minor, "
                + "currency, idempotency_key, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9, $10) "
                + "ON CONFLICT (idempotency_key) DO NOTHING RETURNING " + COLUMNS)
            .execute(Tuple.tuple().addString(r.refundId()).addString(r.returnId()).addString(r.orderId()).addString(r.kind().wireName())
                .addLong(r.amount()).addLong(r.shipping()).addString(r.currency()).addString(r.idempotencyKey())
                .addOffsetDateTime(ts(r.nextAttemptAt())).addOffsetDateTime(ts(r.createdAt())))
            .compose(rows -> {
                if (rows.size() == 1) {
                    return Future.succeededFuture(new Inserted(refund(rows.iterator().next()), true));
                }
                return findRefund(c, r.idempotencyKey()).map(existing -> new Inserted(existing.orElseThrow(), false));
            });
    }

    public Future<Optional<StoredRefund>> findRefund(SqlClient c, String idempotencyKey) {
        return c.preparedQuery("SELECT " + COLUMNS + " FROM return_refunds WHERE idempotency_key = $1")
            .execute(Tuple.of(idempotencyKey))
            .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(refund(rows.iterator().next())));
    }

    /** Stores each line's share of the refund and the fee kept from it. */
    public Future<Void> recordLineRefunds(SqlClient c, String returnId, List<LineRefund> lines) {
        if (lines.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Tuple> rows = new ArrayList<>();
        for (LineRefund l : lines) {
            rows.add(Tuple.of(returnId, l.orderItemId(), l.amount(), l.restockingFee()));
        }
        return c.preparedQuery("UPDATE return_items SET refund_amount_minor = $3, restocking_fee_minor = $4 "
                + "WHERE return_id = $1 AND order_item_id = $2").executeBatch(rows).mapEmpty();
    }

    /**
     * Takes the pending refund for one attempt if it is due (pushing its next attempt out by the lease); empty when
     * someone else is trying it or its back-off has not passed.
     */
    public Future<Optional<StoredRefund>> claimIfDue(SqlClient c, String refundId, Instant now, Instant leaseUntil) {
        return c.preparedQuery("UPDATE return_refunds SET next_attempt_at = $3 WHERE refund_id = $1 AND status = 'pending' "
                + "AND next_attempt_at <= $2 RETURNING " + COLUMNS)
            .execute(Tuple.of(refundId, ts(now), ts(leaseUntil)))
            .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(refund(rows.iterator().next())));
    }

    /** Takes up to {@code limit} due refunds for one attempt each (see {@link #claimIfDue}). */
    public Future<List<StoredRefund>> claimDueRefunds(SqlClient c, Instant now, Instant leaseUntil, int limit) {
        return c.preparedQuery("UPDATE return_refunds SET next_attempt_at = $2 WHERE refund_id IN (SELECT refund_id FROM return_refunds "
                + "WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) "
                + "RETURNING " + COLUMNS)
            .execute(Tuple.of(ts(now), ts(leaseUntil), limit))
            .map(rows -> {
                List<StoredRefund> due = new ArrayList<>();
                rows.forEach(r -> due.add(refund(r)));
                return due;
            });
    }

    /** Marks the refund completed; false when it was not pending any more (another attempt completed it). */
    public Future<Boolean> completeRefund(SqlClient c, String refundId, String paymentRefundId, String exchangeOrderId, Instant at) {
        return c.preparedQuery("UPDATE return_refunds SET status = 'completed', payment_refund_id = $2, exchange_order_id = $3, "
                + "attempts = attempts + 1, last_error = '', next_attempt_at = NULL, completed_at = $4 "
                + "WHERE refund_id = $1 AND status = 'pending'")
            .execute(Tuple.of(refundId, paymentRefundId, exchangeOrderId, ts(at)))
            .map(rows -> rows.rowCount() == 1);
    }

    /** Records a failed attempt: retried at {@code nextAttemptAt}, or given up on when {@code failedForGood}. */
    public Future<Void> recordRefundFailure(SqlClient c, String refundId, String error, Instant nextAttemptAt, boolean failedForGood) {
        return c.preparedQuery("UPDATE return_refunds SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3, "
                + "status = CASE WHEN $4 THEN 'failed' ELSE status END WHERE refund_id = $1 AND status = 'pending'")
            .execute(Tuple.tuple().addString(refundId).addString(error).addOffsetDateTime(failedForGood ? null : ts(nextAttemptAt))
                .addBoolean(failedForGood))
            .mapEmpty();
    }

    /** How many refunds are in {@code status} ({@link StoredRefund#PENDING}, {@link StoredRefund#FAILED}, ...). */
    public Future<Long> countRefunds(SqlClient c, String status) {
        return c.preparedQuery("SELECT count(*) AS n FROM return_refunds WHERE status = $1").execute(Tuple.of(status))
            .map(rows -> rows.iterator().next().getLong("n"));
    }

    /** Refunds given up on, oldest first: what an operator has to look at. */
    public Future<List<StoredRefund>> failedRefunds(SqlClient c, int limit) {
        return c.preparedQuery("SELECT " + COLUMNS + " FROM return_refunds WHERE status = 'failed' ORDER BY created_at LIMIT $1")
            .execute(Tuple.of(limit))
            .map(rows -> {
                List<StoredRefund> failed = new ArrayList<>();
                rows.forEach(r -> failed.add(refund(r)));
                return failed;
            });
    }

    /**
     * Makes a failed refund pending again with a fresh count of attempts, claimed for one attempt until
     * {@code leaseUntil}; empty when it was not failed (any more).
     */
    public Future<Optional<StoredRefund>> reopenFailedRefund(SqlClient c, String refundId, Instant leaseUntil) {
        return c.preparedQuery("UPDATE return_refunds SET status = 'pending', attempts = 0, next_attempt_at = $2 "
                + "WHERE refund_id = $1 AND status = 'failed' RETURNING " + COLUMNS)
            .execute(Tuple.of(refundId, ts(leaseUntil)))
            .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(refund(rows.iterator().next())));
    }

    static StoredRefund refund(Row r) {
        return new StoredRefund(r.getString("refund_id"), r.getString("return_id"), r.getString("order_id"),
            Resolution.fromWireName(r.getString("kind")).orElseThrow(), r.getString("status"), r.getLong("amount_minor"),
            r.getLong("shipping_minor"), r.getString("currency"), r.getString("idempotency_key"), r.getString("payment_refund_id"),
            r.getString("exchange_order_id"), r.getInteger("attempts"), r.getString("last_error"),
            Optional.ofNullable(instant(r, "next_attempt_at")), instant(r, "created_at"), Optional.ofNullable(instant(r, "completed_at")));
    }
}
