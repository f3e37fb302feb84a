package dev.cartwright.legacy;

import static dev.cartwright.legacy.LegacyCarts.emptyToNull;
import static dev.cartwright.legacy.LegacyCarts.invalid;
import static dev.cartwright.legacy.LegacyCarts.now;
import static dev.cartwright.legacy.LegacyCarts.nullToEmpty;
import static dev.cartwright.legacy.LegacyCarts.timestamp;
import static dev.cartwright.legacy.LegacyMoney.decimal;
import static dev.cartwright.legacy.LegacyMoney.minor;
import static dev.cartwright.legacy.LegacyMoney.money;

import dev.cartwright.order.client.LegacyOrderClient;
import dev.cartwright.order.client.OrderResult;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.OrderItem;
import dev.cartwright.proto.returns.v1.ApproveReturnRequest;
import dev.cartwright.proto.returns.v1.CancelReturnRequest;
import dev.cartwright.proto.returns.v1.CreateReturnRequest;
import dev.cartwright.proto.returns.v1.GetReturnRequestRequest;
import dev.cartwright.proto.returns.v1.ProcessRefundRequest;
import dev.cartwright.proto.returns.v1.ReceiveItemsRequest;
import dev.cartwright.proto.returns.v1.ReceivedItem;
import dev.cartwright.proto.returns.v1.Refund;
import dev.cartwright.proto.returns.v1.RefundStatus;
import dev.cartwright.proto.returns.v1.RejectReturnRequest;
import dev.cartwright.proto.returns.v1.ReturnItem;
import dev.cartwright.proto.returns.v1.ReturnItemRequest;
import dev.cartwright.proto.returns.v1.ReturnRequest;
import dev.cartwright.proto.returns.v1.ReturnServiceService;
import dev.cartwright.proto.returns.v1.ReturnStatus;
import dev.cartwright.proto.returns.v1.StatusChange;
import dev.cartwright.service.grpc.RpcError;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The Order service's own return endpoints over order_db's return tables: a return of a delivered order
 * (PENDING), approved or rejected, items received (RECEIVED), refunded once (REFUNDED, one return_refunds row under
 * the key {@code <return_id>:refund}), or cancelled before the items arrive. Every transition is a row in
 * return_status_history and bumps the return's version, inside one transaction holding the return's row lock. The
 * refund of an item is its paid total prorated by the quantity returned; the monolith charged no restocking fee.
 */
final class LegacyReturns extends ReturnServiceService {

    private static final Set<String> REASONS = Set.of("DAMAGED", "DEFECTIVE", "WRONG_ITEM", "NOT_AS_DESCRIBED", "CHANGED_MIND", "OTHER");

    private final Pool pool;
    private final LegacyOrderClient orders;

    LegacyReturns(Pool pool, LegacyOrderClient orders) {
        this.pool = pool;
        this.orders = orders;
    }

    @Override
    public Future<ReturnRequest> createReturnRequest(CreateReturnRequest request) {
        if (request.getOrderId().isEmpty()) {
            return invalid("order_id", "is required");
        }
        if (request.getCustomerId().isEmpty()) {
            return invalid("customer_id", "is required");
        }
        if (request.getItemsCount() == 0) {
            return invalid("items", "must not be empty");
        }
        String type = switch (request.getResolution().isEmpty() ? "refund" : request.getResolution().toLowerCase(Locale.ROOT)) {
            case "refund" -> "REFUND";
            case "exchange" -> "EXCHANGE";
            case "store_credit" -> "STORE_CREDIT";
            default -> null;
        };
        if (type == null) {
            return invalid("resolution", "must be refund, exchange or store_credit, was '" + request.getResolution() + "'");
        }
        for (ReturnItemRequest item : request.getItemsList()) {
            if (!REASONS.contains(item.getReason().toUpperCase(Locale.ROOT))) {
                return invalid("items.reason", "must be one of " + REASONS + " (any case), was '" + item.getReason() + "'");
            }
            if (item.getQuantity() <= 0) {
                return invalid("items.quantity", "must be > 0 for order item " + item.getOrderItemId());
            }
        }
        return orders.getOrder(request.getOrderId()).compose(LegacyReturns::order).compose(order -> {
            if (!order.getCustomerId().equals(request.getCustomerId())) {
                return Future.failedFuture(RpcError.notFound("ORDER_NOT_FOUND", "no order " + request.getOrderId()));
            }
            if (!order.hasDeliveredAt()) {
                return Future.failedFuture(RpcError.failedPrecondition("ORDER_NOT_DELIVERED", "orders/" + order.getOrderId(),
                    "order " + order.getOrderId() + " is not delivered yet (" + order.getStatus() + ")"));
            }
            return pool.withTransaction(tx -> insert(tx, request, order, type));
        });
    }

    private Future<ReturnRequest> insert(SqlClient tx, CreateReturnRequest request, OrderDetails order, String type) {
        Map<String, OrderItem> byId = new HashMap<>();
        order.getItemsList().forEach(item -> byId.put(item.getOrderItemId(), item));
        // Serialises returns of one order, so two concurrent requests cannot both return the last unit.
        return tx.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1))").execute(Tuple.of("legacy-return:" + order.getOrderId()))
            .compose(locked -> tx.preparedQuery("SELECT i.order_item_id, sum(i.quantity) AS returned FROM return_items i "
                    + "JOIN return_requests r ON r.id = i.return_request_id WHERE r.order_id = $1 AND r.status "
                    + "NOT IN ('REJECTED', 'CANCELLED') "
                    + "GROUP BY i.order_item_id").execute(Tuple.of(order.getOrderId())))
            .compose(returned -> {
                Map<String, Long> already = new HashMap<>();
                returned.forEach(row -> already.put(row.getString("order_item_id"), row.getLong("returned")));
                String id = UUID.randomUUID().toString();
                String currency = order.getGrandTotal().getCurrencyCode().isEmpty() ? "USD" : order.getGrandTotal().getCurrencyCode();
                List<Tuple> items = new ArrayList<>();
                long estimate = 0;
                for (ReturnItemRequest wanted : request.getItemsList()) {
                    OrderItem item = byId.get(wanted.getOrderItemId());
                    if (item == null) {
                        return invalid("items.order_item_id", "names no item of order " + order.getOrderId(),
                            "order " + order.getOrderId() + " has no item " + wanted.getOrderItemId());
                    }
                    long left = item.getQuantity() - already.getOrDefault(item.getOrderItemId(), 0L);
                    if (wanted.getQuantity() > left) {
                        return Future.failedFuture(RpcError.failedPrecondition("NOT_ELIGIBLE", "orders/" + order.getOrderId(),
                            "item " + item.getOrderItemId() + ": " + left + " of " + item.getQuantity() + " may still be returned, not "
                                + wanted.getQuantity()).with("order_item_id", item.getOrderItemId()));
                    }
                    long refund = BigDecimal.valueOf(item.getTotal().getAmountMinor()).multiply(BigDecimal.valueOf(wanted.getQuantity()))
                        .divide(BigDecimal.valueOf(item.getQuantity()), 0, RoundingMode.HALF_EVEN).longValueExact();
                    estimate = Math.addExact(estimate, refund);
                    items.add(Tuple.tuple().addString(id).addString(item.getOrderItemId()).addString(item.getProductId())
                        .addString(emptyToNull(item.getCategoryId())).addInteger(wanted.getQuantity())
                        .addString(wanted.getReason().toUpperCase(Locale.ROOT)).addString(emptyToNull(wanted.getNote()))
                        .addString(emptyToNull(wanted.getExchangeProductId())).addBigDecimal(decimal(refund)));
                }
                return tx.preparedQuery("INSERT INTO return_requests (id, order_id, customer_id, status, return_type, customer_note, "
                        + "currency_code, refund_estimate, version) VALUES ($1, $2, $3, 'PENDING', $4, $5, $6, $7, 1)")
                    .execute(Tuple.tuple().addString(id).addString(order.getOrderId()).addString(request.getCustomerId()).addString(type)
                        .addString(emptyToNull(request.getNote())).addString(currency).addBigDecimal(decimal(estimate)))
                    .compose(done -> tx.preparedQuery("INSERT INTO return_items (return_request_id, order_item_id, product_id, "
                        + "category_id, "
                        + "quantity, reason, reason_note, exchange_product_id, refund_amount, restocking_fee) "
                        + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0)").executeBatch(items))
                    .compose(done -> history(tx, id, null, "PENDING", request.getCustomerId(), null))
                    .compose(done -> load(tx, id));
            });
    }

    @Override
    public Future<ReturnRequest> getReturnRequest(GetReturnRequestRequest request) {
        return pool.withConnection(c -> load(c, request.getReturnId()));
    }

    @Override
    public Future<ReturnRequest> approveReturn(ApproveReturnRequest request) {
        return move(request.getReturnId(), Set.of("PENDING"), "APPROVED", request.getNote(),
            request.hasExpectedVersion() ? request.getExpectedVersion() : null, tx -> Future.succeededFuture());
    }

    @Override
    public Future<ReturnRequest> rejectReturn(RejectReturnRequest request) {
        if (request.getReason().isEmpty()) {
            return invalid("reason", "is required");
        }
        return move(request.getReturnId(), Set.of("PENDING"), "REJECTED", request.getReason(),
            request.hasExpectedVersion() ? request.getExpectedVersion() : null,
            tx -> tx.preparedQuery("UPDATE return_requests SET rejection_reason = $2 WHERE id = $1")
                .execute(Tuple.of(request.getReturnId(), request.getReason())).mapEmpty());
    }

    @Override
    public Future<ReturnRequest> cancelReturn(CancelReturnRequest request) {
        return move(request.getReturnId(), Set.of("PENDING", "APPROVED"), "CANCELLED", request.getReason(), null,
                tx -> Future.succeededFuture());
    }

    @Override
    public Future<ReturnRequest> receiveItems(ReceiveItemsRequest request) {
        if (request.getItemsCount() == 0) {
            return invalid("items", "must not be empty");
        }
        return move(request.getReturnId(), Set.of("APPROVED"), "RECEIVED", null,
            request.hasExpectedVersion() ? request.getExpectedVersion() : null, tx -> {
                List<Tuple> received = new ArrayList<>();
                for (ReceivedItem item : request.getItemsList()) {
                    received.add(Tuple.tuple().addString(request.getReturnId()).addString(item.getOrderItemId())
                        .addInteger(item.getQuantityReceived()).addString(emptyToNull(item.getCondition()))
                        .addBoolean(item.getPassedInspection()));
                }
                return tx.preparedQuery("UPDATE return_items SET quantity_received = LEAST(quantity, $3), item_condition = $4, "
                        + "inspection_passed = $5 WHERE return_request_id = $1 AND order_item_id = $2").executeBatch(received).mapEmpty();
            });
    }

    @Override
    public Future<ReturnRequest> processRefund(ProcessRefundRequest request) {
        String id = request.getReturnId();
        return pool.withTransaction(tx -> lock(tx, id).compose(row -> {
            String status = row.getString("status");
            if ("REFUNDED".equals(status) || "COMPLETED".equals(status)) {
                return load(tx, id);
            }
            if (!"RECEIVED".equals(status)) {
                return Future.failedFuture(RpcError.failedPrecondition("NOT_REFUNDABLE", "returns/" + id,
                    "return " + id + " is " + status + "; a refund needs the items received").with("status", status));
            }
            return tx.preparedQuery("SELECT coalesce(sum(round(refund_amount * quantity_received / quantity, 2)), 0) AS amount "
                    + "FROM return_items WHERE return_request_id = $1").execute(Tuple.of(id))
                .compose(sum -> tx.preparedQuery("INSERT INTO return_refunds (id, return_request_id, order_id, refund_type, status, "
                        + "amount, "
                        + "currency_code, idempotency_key, payment_refund_id, attempts, completed_at) "
                        + "VALUES ($1, $2, $3, $4, 'COMPLETED', $5, $6, $7, $8, 1, $9) ON CONFLICT (idempotency_key) DO NOTHING")
                    .execute(Tuple.tuple().addString(UUID.randomUUID().toString()).addString(id).addString(row.getString("order_id"))
                        .addString(row.getString("return_type")).addBigDecimal(sum.iterator().next().getBigDecimal("amount"))
                        .addString(row.getString("currency_code")).addString(id + ":refund")
                        .addString("legacy-refund-" + UUID.randomUUID()).addLocalDateTime(now())))
                .compose(done -> transition(tx, id, status, "REFUNDED", null))
                .compose(done -> load(tx, id));
        }));
    }

    private interface Edit {
        Future<Void> apply(SqlClient tx);
    }

    private Future<ReturnRequest> move(String id, Set<String> from, String to, String comment, Long expectedVersion, Edit edit) {
        if (id.isEmpty()) {
            return invalid("return_id", "is required");
        }
        return pool.withTransaction(tx -> lock(tx, id).compose(row -> {
            String status = row.getString("status");
            if (status.equals(to)) {
                return load(tx, id);
            }
            if (!from.contains(status)) {
                return Future.failedFuture(RpcError.failedPrecondition("TRANSITION_NOT_ALLOWED", "returns/" + id,
                    "return " + id + " is " + status + ", it cannot become " + to).with("status", status));
            }
            if (expectedVersion != null && expectedVersion != row.getInteger("version").longValue()) {
                return Future.failedFuture(RpcError.failedPrecondition("VERSION_MISMATCH", "returns/" + id,
                    "return " + id + " is at version " + row.getInteger("version") + ", not " + expectedVersion)
                    .with("current_version", Integer.toString(row.getInteger("version"))));
            }
            return edit.apply(tx).compose(done -> transition(tx, id, status, to, comment)).compose(done -> load(tx, id));
        }));
    }

    /**
     * The order an Order service answer holds, or the failure a client of the returns endpoints receives: ORDER_NOT_FOUND,
     * the Order service's own refusal, or UNAVAILABLE (DEPENDENCY_UNAVAILABLE, or OUTCOME_UNKNOWN when a call was sent
     * and not answered), each safe to retry with the same request.
     */
    private static Future<OrderDetails> order(OrderResult result) {
        if (result instanceof OrderResult.NotFound notFound) {
            return Future.failedFuture(RpcError.notFound("ORDER_NOT_FOUND", "no order " + notFound.orderId()));
        }
        if (result instanceof OrderResult.Unavailable unavailable) {
            return Future.failedFuture(RpcError.unavailable("DEPENDENCY_UNAVAILABLE", unavailable.reason()).with("neighbour", "order"));
        }
        if (result instanceof OrderResult.Unknown unknown) {
            return Future.failedFuture(RpcError.unavailable("OUTCOME_UNKNOWN", unknown.reason() + "; retry with the same key")
                .with("neighbour", "order"));
        }
        return result.toFuture();
    }

    private static Future<Row> lock(SqlClient tx, String id) {
        return tx.preparedQuery("SELECT * FROM return_requests WHERE id = $1 FOR UPDATE").execute(Tuple.of(id)).compose(
                rows -> rows.size() == 0
            ? Future.failedFuture(RpcError.notFound("RETURN_NOT_FOUND", "no return " + id))
            : Future.succeededFuture(rows.iterator().next()));
    }

    private static Future<Void> transition(SqlClient tx, String id, String from, String to, String comment) {
        return tx.preparedQuery("UPDATE return_requests SET status = $2, version = version + 1, updated_at = $3 WHERE id = $1")
            .execute(Tuple.of(id, to, now()))
            .compose(done -> history(tx, id, from, to, "order-service", comment));
    }

    private static Future<Void> history(SqlClient tx, String id, String from, String to, String actor, String comment) {
        return tx.preparedQuery("INSERT INTO return_status_history (return_request_id, from_status, to_status, changed_by, comment) "
            + "VALUES ($1, $2, $3, $4, $5)").execute(Tuple.of(id, from, to, actor, emptyToNull(comment))).mapEmpty();
    }

    static Future<ReturnRequest> load(SqlClient client, String id) {
        return client.preparedQuery("SELECT * FROM return_requests WHERE id = $1").execute(Tuple.of(id)).compose(rows -> {
            if (rows.size() == 0) {
                return Future.failedFuture(RpcError.notFound("RETURN_NOT_FOUND", "no return " + id));
            }
            Row row = rows.iterator().next();
            String currency = row.getString("currency_code");
            ReturnRequest.Builder builder = ReturnRequest.newBuilder()
                .setReturnId(id)
                .setOrderId(row.getString("order_id"))
                .setCustomerId(row.getString("customer_id"))
                .setStatus(status(row.getString("status")))
                .setResolution(row.getString("return_type").toLowerCase(Locale.ROOT))
                .setRejectionReason(nullToEmpty(row.getString("rejection_reason")))
                .setVersion(row.getInteger("version"))
                .setCreatedAt(timestamp(row.getLocalDateTime("created_at")))
                .setUpdatedAt(timestamp(row.getLocalDateTime("updated_at")))
                .setRefundAmount(money(minor(row.getBigDecimal("refund_estimate")), currency));
            return client.preparedQuery("SELECT * FROM return_items WHERE return_request_id = $1 ORDER BY id").execute(Tuple.of(id))
                .compose(items -> {
                    for (Row item : items) {
                        builder.addItems(ReturnItem.newBuilder()
                            .setOrderItemId(item.getString("order_item_id"))
                            .setProductId(item.getString("product_id"))
                            .setQuantity(item.getInteger("quantity"))
                            .setReason(item.getString("reason").toLowerCase(Locale.ROOT))
                            .setNote(nullToEmpty(item.getString("reason_note")))
                            .setQuantityReceived(item.getInteger("quantity_received"))
                            .setCondition(nullToEmpty(item.getString("item_condition")))
                            .setRestocked(Boolean.TRUE.equals(item.getBoolean("inspection_passed")))
                            .setRefundAmount(money(minor(item.getBigDecimal("refund_amount")), currency))
                            .setExchangeProductId(nullToEmpty(item.getString("exchange_product_id"))));
                    }
                    return client.preparedQuery("SELECT * FROM return_refunds WHERE return_request_id = $1").execute(Tuple.of(id));
                })
                .compose(refunds -> {
                    for (Row refund : refunds) {
                        builder.addRefunds(Refund.newBuilder()
                            .setRefundId(refund.getString("id"))
                            .setKind(refund.getString("refund_type").toLowerCase(Locale.ROOT))
                            .setStatus("COMPLETED".equals(refund.getString("status")) ? RefundStatus.REFUND_STATUS_COMPLETED
                                : "FAILED".equals(refund.getString("status")) ? RefundStatus.REFUND_STATUS_FAILED
                                        : RefundStatus.REFUND_STATUS_PENDING)
                            .setAmount(money(minor(refund.getBigDecimal("amount")), currency))
                            .setPaymentRefundId(nullToEmpty(refund.getString("payment_refund_id")))
                            .setIdempotencyKey(refund.getString("idempotency_key"))
                            .setAttempts(refund.getInteger("attempts"))
                            .setCreatedAt(timestamp(refund.getLocalDateTime("created_at")))
                            .setCompletedAt(timestamp(refund.getLocalDateTime("completed_at"))));
                    }
                    return client.preparedQuery("SELECT * FROM return_status_history WHERE return_request_id = $1 ORDER BY id")
                        .execute(Tuple.of(id));
                })
                .map(history -> {
                    for (Row change : history) {
                        String from = change.getString("from_status");
                        builder.addHistory(StatusChange.newBuilder()
                            .setFromStatus(from == null ? ReturnStatus.RETURN_STATUS_UNSPECIFIED : status(from))
                            .setToStatus(status(change.getString("to_status")))
                            .setActor(nullToEmpty(change.getString("changed_by")))
                            .setReason(nullToEmpty(change.getString("comment")))
                            .setAt(timestamp(change.getLocalDateTime("created_at"))));
                    }
                    return builder.build();
                });
        });
    }

    static ReturnStatus status(String legacy) {
        return switch (legacy) {
            case "PENDING" -> ReturnStatus.RETURN_STATUS_REQUESTED;
            case "APPROVED" -> ReturnStatus.RETURN_STATUS_APPROVED;
            case "REJECTED" -> ReturnStatus.RETURN_STATUS_REJECTED;
            case "RECEIVED" -> ReturnStatus.RETURN_STATUS_ITEMS_RECEIVED;
            case "REFUNDED" -> ReturnStatus.RETURN_STATUS_REFUNDED;
            case "COMPLETED" -> ReturnStatus.RETURN_STATUS_COMPLETED;
            case "CANCELLED" -> ReturnStatus.RETURN_STATUS_CANCELLED;
            default -> ReturnStatus.RETURN_STATUS_UNSPECIFIED;
        };
    }
}
