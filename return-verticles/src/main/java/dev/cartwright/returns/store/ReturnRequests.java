package dev.cartwright.returns.store;

import static dev.cartwright.returns.store.Columns.instant;
import static dev.cartwright.returns.store.Columns.ts;

import dev.cartwright.returns.domain.IdempotencyKey;
import dev.cartwright.returns.domain.Resolution;
import dev.cartwright.returns.domain.ReturnReason;
import dev.cartwright.returns.domain.ReturnStatus;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Owns the return requests of return_db: each return with its items, status history and label
 * ({@code return_requests}, {@code return_items}, {@code return_status_history}, {@code return_shipping}), and the
 * idempotency keys they were made with. Every method takes the {@link SqlClient} to run on, so the caller decides
 * what shares one transaction; methods that lock say so.
 */
public final class ReturnRequests {

    private static final String RETURN_COLUMNS = "return_id, order_id, customer_id, status, resolution, rejection_reason, note, "
        + "currency, refund_estimate_minor, version, created_at, updated_at";

    /**
     * Units per order item that count against what may still be returned: those asked for in returns still open
     * (requested, approved), those that came back in returns past that point.
     */
    public Future<Map<String, Integer>> claimedUnits(SqlClient c, String orderId) {
        return c.preparedQuery("SELECT i.order_item_id, SUM(CASE WHEN r.status IN ('requested', 'approved') THEN i.quantity "
                + "ELSE i.quantity_received END)::int AS units FROM return_items i JOIN return_requests r ON r.return_id = i.return_id "
                + "WHERE r.order_id = $1 AND r.status NOT IN ('rejected', 'cancelled') GROUP BY i.order_item_id")
            .execute(Tuple.of(orderId))
            .map(rows -> {
                Map<String, Integer> claimed = new HashMap<>();
                rows.forEach(r -> claimed.put(r.getString("order_item_id"), r.getInteger("units")));
                return claimed;
            });
    }

    // ---- returns ---------------------------------------------------------------------------------------------

    /**
     * Inserts the return with its items and first history entry; false (and nothing written) when its idempotency key
     * is taken already, by a request that committed first.
     */
    public Future<Boolean> insertReturn(SqlClient c, NewReturn r, String actor) {
        Tuple header = Tuple.tuple().addString(r.returnId()).addString(r.orderId()).addString(r.customerId())
            .addString(r.resolution().wireName()).addString(r.note())
            .addString(r.idempotencyKey().map(IdempotencyKey::key).orElse(null))
            .addString(r.idempotencyKey().map(IdempotencyKey::scope).orElse(null))
            .addString(r.idempotencyKey().map(IdempotencyKey::fingerprint).orElse(null))
            .addString(r.currency()).addOffsetDateTime(ts(r.at()));
        List<Tuple> items = new ArrayList<>();
        for (NewReturn.NewItem i : r.items()) {
            items.add(Tuple.tuple().addString(r.returnId()).addString(i.orderItemId()).addString(i.productId()).addString(i.categoryId())
                .addInteger(i.quantity()).addString(i.reason()).addString(i.note()).addString(i.exchangeProductId()));
        }
        return c.preparedQuery("INSERT INTO return_requests (return_id, order_id, customer_id, status, resolution, note, idempotency_key, "
                + "idempotency_scope, request_fingerprint, currency, version, created_at, updated_at) "
                + "VALUES ($1, $2, $3, 'requested', $4, $5, $6, $7, $8, $9, 1, $10, $10) "
                + "ON CONFLICT (customer_id, idempotency_scope, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING")
            .execute(header)
            .compose(inserted -> inserted.rowCount() == 0 ? Future.succeededFuture(false)
                : c.preparedQuery("INSERT INTO return_items (return_id, order_item_id, product_id, category_id, quantity, reason, "
                    + "note, exchange_product_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)").executeBatch(items)
                    .compose(v -> insertHistory(c, r.returnId(), Optional.empty(), ReturnStatus.REQUESTED, actor, "", r.at()))
                    .map(true));
    }

    /** The return a key was used for, and the fingerprint of the request it came with (none for keys stored before). */
    public record KeyedReturn(String returnId, Optional<String> fingerprint) {
    }

    /** The return made with {@code key} of this customer and caller, if the key was used since {@code notBefore}. */
    public Future<Optional<KeyedReturn>> findByIdempotencyKey(SqlClient c, String customerId, String scope, String key,
                                                              Instant notBefore) {
        return c.preparedQuery("SELECT return_id, request_fingerprint FROM return_requests WHERE customer_id = $1 "
                + "AND idempotency_scope = $2 AND idempotency_key = $3 AND created_at >= $4")
            .execute(Tuple.of(customerId, scope, key, ts(notBefore)))
            .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(new KeyedReturn(rows.iterator().next().getString("return_id"),
                Optional.ofNullable(rows.iterator().next().getString("request_fingerprint")))));
    }

    /** Forgets this customer's and caller's {@code key} if it was used before {@code cutoff}, so it may be used again. */
    public Future<Void> forgetKey(SqlClient c, String customerId, IdempotencyKey k, Instant cutoff) {
        return c.preparedQuery("UPDATE return_requests SET idempotency_key = NULL, idempotency_scope = NULL, request_fingerprint = NULL "
                + "WHERE customer_id = $1 AND idempotency_scope = $2 AND idempotency_key = $3 AND created_at < $4")
            .execute(Tuple.of(customerId, k.scope(), k.key(), ts(cutoff)))
            .mapEmpty();
    }

    /** Forgets up to {@code limit} keys used before {@code cutoff}; returns how many. */
    public Future<Integer> forgetKeysUsedBefore(SqlClient c, Instant cutoff, int limit) {
        return c.preparedQuery("UPDATE return_requests SET idempotency_key = NULL, idempotency_scope = NULL, request_fingerprint = NULL "
                + "WHERE return_id IN (SELECT return_id FROM return_requests WHERE idempotency_key IS NOT NULL AND created_at < $1 "
                + "LIMIT $2 FOR UPDATE SKIP LOCKED)")
            .execute(Tuple.of(ts(cutoff), limit))
            .map(rows -> rows.rowCount());
    }

    /** How many idempotency keys are kept now. */
    public Future<Long> countKeys(SqlClient c) {
        return c.query("SELECT count(*) AS n FROM return_requests WHERE idempotency_key IS NOT NULL").execute()
            .map(rows -> rows.iterator().next().getLong("n"));
    }

    public Future<Void> setRefundEstimate(SqlClient c, String returnId, long estimate) {
        return c.preparedQuery("UPDATE return_requests SET refund_estimate_minor = $2 WHERE return_id = $1")
            .execute(Tuple.of(returnId, estimate)).mapEmpty();
    }

    public Future<Void> insertHistory(SqlClient c, String returnId, Optional<ReturnStatus> from, ReturnStatus to, String actor,
                                      String reason, Instant at) {
        return c.preparedQuery("INSERT INTO return_status_history (return_id, from_status, to_status, actor, reason, at) "
                + "VALUES ($1, $2, $3, $4, $5, $6)")
            .execute(Tuple.tuple().addString(returnId).addString(from.map(ReturnStatus::wireName).orElse(null)).addString(to.wireName())
                .addString(actor).addString(reason).addOffsetDateTime(ts(at)))
            .mapEmpty();
    }

    /**
     * Moves the return to {@code to} if it is still at {@code version}; false when someone else changed it first.
     * {@code rejectionReason} is stored when present.
     */
    public Future<Boolean> updateStatus(SqlClient c, String returnId, long version, ReturnStatus to, Optional<String> rejectionReason,
                                        Instant at) {
        return c.preparedQuery("UPDATE return_requests SET status = $3, version = version + 1, updated_at = $4, "
                + "rejection_reason = COALESCE($5, rejection_reason) WHERE return_id = $1 AND version = $2")
            .execute(Tuple.tuple().addString(returnId).addLong(version).addString(to.wireName()).addOffsetDateTime(ts(at))
                .addString(rejectionReason.orElse(null)))
            .map(rows -> rows.rowCount() == 1);
    }

    /**
     * The return as of one moment: its header, items, refund, label and history read in one read-only repeatable-read
     * transaction, so a read never sees part of a transaction that committed between its statements (a refund
     * completed while the return still items_received).
     */
    public Future<Optional<StoredReturn>> read(Pool pool, String returnId) {
        return snapshot(pool, c -> load(c, returnId, false));
    }

    /** A page of returns as of one moment; see {@link #read} and {@link #list}. */
    public Future<List<StoredReturn>> readPage(Pool pool, Optional<String> customerId, Optional<String> orderId,
                                               Optional<PageCursor> after, int limit) {
        return snapshot(pool, c -> list(c, customerId, orderId, after, limit));
    }

    private static <T> Future<T> snapshot(Pool pool, Function<SqlConnection, Future<T>> reads) {
        return pool.withTransaction(c -> c.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute()
            .compose(v -> reads.apply(c)));
    }

    /**
     * The return and everything that belongs to it, on a connection the caller holds; with {@code lock} its row is locked
     * for the transaction. Outside a transaction use {@link #read}: these statements would each see their own moment.
     */
    public Future<Optional<StoredReturn>> load(SqlConnection c, String returnId, boolean lock) {
        return c.preparedQuery("SELECT " + RETURN_COLUMNS + " FROM return_requests WHERE return_id = $1" + (lock ? " FOR UPDATE" : ""))
            .execute(Tuple.of(returnId))
            .compose(rows -> rows.size() == 0 ? Future.succeededFuture(Optional.empty())
                : assemble(c, List.of(rows.iterator().next())).map(list -> Optional.of(list.get(0))));
    }

    /** A page of returns of a customer and/or an order, newest first, starting after {@code after}. */
    public Future<List<StoredReturn>> list(SqlConnection c, Optional<String> customerId, Optional<String> orderId,
                                           Optional<PageCursor> after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + RETURN_COLUMNS + " FROM return_requests WHERE true");
        Tuple args = Tuple.tuple();
        if (customerId.isPresent()) {
            args.addString(customerId.get());
            sql.append(" AND customer_id = $").append(args.size());
        }
        if (orderId.isPresent()) {
            args.addString(orderId.get());
            sql.append(" AND order_id = $").append(args.size());
        }
        if (after.isPresent()) {
            args.addOffsetDateTime(ts(after.get().createdAt()));
            int t = args.size();
            args.addString(after.get().returnId());
            sql.append(" AND (created_at, return_id) < ($").append(t).append(", $").append(args.size()).append(')');
        }
        args.addInteger(limit);
        sql.append(" ORDER BY created_at DESC, return_id DESC LIMIT $").append(args.size());
        return c.preparedQuery(sql.toString()).execute(args).compose(rows -> {
            List<Row> headers = new ArrayList<>();
            rows.forEach(headers::add);
            return headers.isEmpty() ? Future.succeededFuture(List.of()) : assemble(c, headers);
        });
    }

    private Future<List<StoredReturn>> assemble(SqlConnection c, List<Row> headers) {
        String[] ids = headers.stream().map(r -> r.getString("return_id")).toArray(String[]::new);
        Future<RowSet<Row>> items = c.preparedQuery("SELECT return_id, order_item_id, product_id, category_id, quantity, reason, note, "
                + "exchange_product_id, quantity_received, condition, passed_inspection, refund_amount_minor, restock_status "
                + "FROM return_items WHERE return_id = ANY($1) ORDER BY return_id, order_item_id")
            .execute(Tuple.of(ids));
        Future<RowSet<Row>> refunds = c.preparedQuery("SELECT " + RefundLedger.COLUMNS + " FROM return_refunds WHERE return_id = ANY($1)")
            .execute(Tuple.of(ids));
        Future<RowSet<Row>> labels = c.preparedQuery("SELECT return_id, carrier, tracking_number, label_url FROM return_shipping "
                + "WHERE return_id = ANY($1)").execute(Tuple.of(ids));
        Future<RowSet<Row>> history = c.preparedQuery("SELECT return_id, from_status, to_status, actor, reason, at "
                + "FROM return_status_history WHERE return_id = ANY($1) ORDER BY id").execute(Tuple.of(ids));
        return Future.all(items, refunds, labels, history).map(v -> {
            Map<String, List<StoredItem>> itemsBy = new HashMap<>();
            for (Row r : items.result()) {
                Long amount = r.getLong("refund_amount_minor");
                itemsBy.computeIfAbsent(r.getString("return_id"), k -> new ArrayList<>()).add(new StoredItem(r.getString("order_item_id"),
                    r.getString("product_id"), r.getString("category_id"), r.getInteger("quantity"),
                    ReturnReason.fromWireName(r.getString("reason")).orElseThrow(), r.getString("note"), r.getString("exchange_product_id"),
                    r.getInteger("quantity_received"), r.getString("condition"), r.getBoolean("passed_inspection"),
                    amount == null ? OptionalLong.empty() : OptionalLong.of(amount), r.getString("restock_status")));
            }
            Map<String, StoredRefund> refundBy = new HashMap<>();
            for (Row r : refunds.result()) {
                refundBy.put(r.getString("return_id"), RefundLedger.refund(r));
            }
            Map<String, ReturnLabel> labelBy = new HashMap<>();
            for (Row r : labels.result()) {
                labelBy.put(r.getString("return_id"), new ReturnLabel(r.getString("carrier"), r.getString("tracking_number"),
                    r.getString("label_url")));
            }
            Map<String, List<StatusChange>> historyBy = new HashMap<>();
            for (Row r : history.result()) {
                String from = r.getString("from_status");
                historyBy.computeIfAbsent(r.getString("return_id"), k -> new ArrayList<>()).add(new StatusChange(
                    from == null ? Optional.empty() : ReturnStatus.fromWireName(from), ReturnStatus.fromWireName(r.getString("to_status"))
                    .orElseThrow(), r.getString("actor"), r.getString("reason"), instant(r, "at")));
            }
            List<StoredReturn> out = new ArrayList<>();
            for (Row h : headers) {
                String id = h.getString("return_id");
                out.add(new StoredReturn(id, h.getString("order_id"), h.getString("customer_id"),
                    ReturnStatus.fromWireName(h.getString("status")).orElseThrow(),
                    Resolution.fromWireName(h.getString("resolution")).orElseThrow(), h.getString("rejection_reason"), h.getString("note"),
                    h.getString("currency"), h.getLong("refund_estimate_minor"), h.getLong("version"), instant(h, "created_at"),
                            instant(h, "updated_at"),
                    itemsBy.getOrDefault(id, List.of()), Optional.ofNullable(refundBy.get(id)), Optional.ofNullable(labelBy.get(id)),
                    historyBy.getOrDefault(id, List.of())));
            }
            return out;
        });
    }

    // ---- labels and receiving ----------------------------------------------------------------------------------

    public Future<Void> insertLabel(SqlClient c, String returnId, ReturnLabel label, Instant at) {
        return c.preparedQuery("INSERT INTO return_shipping (return_id, carrier, tracking_number, label_url, created_at) "
                + "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (return_id) DO NOTHING")
            .execute(Tuple.of(returnId, label.carrier(), label.trackingNumber(), label.labelUrl(), ts(at)))
            .mapEmpty();
    }

    /** Records what came back of one line; units that passed inspection are queued for restocking at once. */
    public Future<Void> recordReceived(SqlClient c, String returnId, String orderItemId, int quantityReceived, String condition,
                                       boolean passedInspection, Instant at) {
        boolean restock = passedInspection && quantityReceived > 0;
        return c.preparedQuery("UPDATE return_items SET quantity_received = $3, condition = $4, passed_inspection = $5, "
                + "restock_status = $6, restock_next_attempt_at = $7 WHERE return_id = $1 AND order_item_id = $2")
            .execute(Tuple.tuple().addString(returnId).addString(orderItemId).addInteger(quantityReceived).addString(condition)
                .addBoolean(passedInspection).addString(restock ? "pending" : "none").addOffsetDateTime(restock ? ts(at) : null))
            .mapEmpty();
    }
}
