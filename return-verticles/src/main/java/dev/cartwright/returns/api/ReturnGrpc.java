package dev.cartwright.returns.api;

import com.google.protobuf.CodedOutputStream;
import dev.cartwright.proto.returns.v1.ApproveReturnRequest;
import dev.cartwright.proto.returns.v1.CancelReturnRequest;
import dev.cartwright.proto.returns.v1.CreateReturnRequest;
import dev.cartwright.proto.returns.v1.GetReturnRequestRequest;
import dev.cartwright.proto.returns.v1.ListReturnRequestsRequest;
import dev.cartwright.proto.returns.v1.ListReturnRequestsResponse;
import dev.cartwright.proto.returns.v1.ProcessRefundRequest;
import dev.cartwright.proto.returns.v1.ReceiveItemsRequest;
import dev.cartwright.proto.returns.v1.ReceivedItem;
import dev.cartwright.proto.returns.v1.RejectReturnRequest;
import dev.cartwright.proto.returns.v1.ReturnItemRequest;
import dev.cartwright.proto.returns.v1.ReturnRequest;
import dev.cartwright.proto.returns.v1.ReturnServiceService;
import dev.cartwright.returns.domain.IdempotencyKey;
import dev.cartwright.returns.domain.Resolution;
import dev.cartwright.returns.domain.ReturnReason;
import dev.cartwright.returns.store.PageCursor;
import dev.cartwright.returns.workflow.CreateReturn;
import dev.cartwright.returns.workflow.ReceivedLine;
import dev.cartwright.returns.workflow.ReturnFailure;
import dev.cartwright.returns.workflow.ReturnWorkflow;
import dev.cartwright.service.auth.CallerContext;
import dev.cartwright.service.grpc.Rpc;
import dev.cartwright.service.grpc.RpcError;
import io.vertx.core.Future;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Owns the ReturnService edge: each RPC validates its request (bad input is INVALID_ARGUMENT naming the field, and
 * nothing changes), hands a command to {@link ReturnWorkflow} with the caller of the call, and turns the outcome into
 * a return.v1 message or a gRPC status. This is the only place failures become {@link RpcError}s, with their details.
 */
public final class ReturnGrpc extends ReturnServiceService {

    static final int MAX_ITEMS = 100;
    static final int MAX_PAGE_SIZE = 100;
    static final int DEFAULT_PAGE_SIZE = 20;
    static final int MAX_TEXT = 1000;
    /** The longest id (of a return, order, customer, line or product) a request may name. */
    static final int MAX_ID = 128;

    private final ReturnWorkflow workflow;
    private final Rpc rpc;

    public ReturnGrpc(ReturnWorkflow workflow, Rpc rpc) {
        this.workflow = workflow;
        this.rpc = rpc;
    }

    @Override
    public Future<ReturnRequest> createReturnRequest(CreateReturnRequest request) {
        return call("CreateReturnRequest", "orders/" + request.getOrderId(), () -> workflow.create(
            CallerContext.current(), validate(request)).map(ReturnMessages::toProto));
    }

    @Override
    public Future<ReturnRequest> getReturnRequest(GetReturnRequestRequest request) {
        return call("GetReturnRequest", "returns/" + request.getReturnId(), () -> workflow.get(
            CallerContext.current(), returnId(request.getReturnId()))
            .map(ReturnMessages::toProto));
    }

    @Override
    public Future<ListReturnRequestsResponse> listReturnRequests(ListReturnRequestsRequest request) {
        return call("ListReturnRequests", "returns", () -> {
            if (request.getPageSize() < 0 || request.getPageSize() > MAX_PAGE_SIZE) {
                throw ReturnFailure.invalid("page_size", "must be between 0 and " + MAX_PAGE_SIZE);
            }
            int size = request.getPageSize() == 0 ? DEFAULT_PAGE_SIZE : request.getPageSize();
            Optional<PageCursor> after = Optional.empty();
            if (!request.getPageToken().isEmpty()) {
                after = Optional.of(PageCursor.parse(request.getPageToken())
                    .orElseThrow(() -> ReturnFailure.invalid("page_token", "is not a token this service handed out")));
            }
            id("customer_id", request.getCustomerId());
            id("order_id", request.getOrderId());
            return workflow.list(CallerContext.current(), nonEmpty(request.getCustomerId()), nonEmpty(request.getOrderId()), size, after)
                .map(page -> {
                    ListReturnRequestsResponse.Builder b = ListReturnRequestsResponse.newBuilder();
                    page.returns().forEach(r -> b.addReturnRequests(ReturnMessages.toProto(r)));
                    page.next().ifPresent(c -> b.setNextPageToken(c.token()));
                    return b.build();
                });
        });
    }

    @Override
    public Future<ReturnRequest> approveReturn(ApproveReturnRequest request) {
        return call("ApproveReturn", "returns/" + request.getReturnId(), () -> workflow.approve(
            CallerContext.current(), returnId(request.getReturnId()),
            text("note", request.getNote()), version(request.hasExpectedVersion(), request.getExpectedVersion()))
            .map(ReturnMessages::toProto));
    }

    @Override
    public Future<ReturnRequest> rejectReturn(RejectReturnRequest request) {
        return call("RejectReturn", "returns/" + request.getReturnId(), () -> {
            String id = returnId(request.getReturnId());
            if (request.getReason().isBlank()) {
                throw ReturnFailure.invalid("reason", "is required to reject a return");
            }
            return workflow.reject(CallerContext.current(), id, text("reason", request.getReason()),
                version(request.hasExpectedVersion(), request.getExpectedVersion())).map(ReturnMessages::toProto);
        });
    }

    @Override
    public Future<ReturnRequest> receiveItems(ReceiveItemsRequest request) {
        return call("ReceiveItems", "returns/" + request.getReturnId(), () -> {
            String id = returnId(request.getReturnId());
            if (request.getItemsCount() == 0) {
                throw ReturnFailure.invalid("items", "name at least one received item");
            }
            List<ReceivedLine> lines = new ArrayList<>();
            for (int i = 0; i < request.getItemsCount(); i++) {
                ReceivedItem item = request.getItems(i);
                if (item.getOrderItemId().isEmpty()) {
                    throw ReturnFailure.invalid("items[" + i + "].order_item_id", "is required");
                }
                id("items[" + i + "].order_item_id", item.getOrderItemId());
                if (item.getQuantityReceived() < 0) {
                    throw ReturnFailure.invalid("items[" + i + "].quantity_received", "must not be negative");
                }
                lines.add(new ReceivedLine(item.getOrderItemId(), item.getQuantityReceived(),
                    text("items[" + i + "].condition", item.getCondition()), item.getPassedInspection()));
            }
            return workflow.receive(CallerContext.current(), id, lines, version(request.hasExpectedVersion(), request.getExpectedVersion()))
                .map(ReturnMessages::toProto);
        });
    }

    @Override
    public Future<ReturnRequest> processRefund(ProcessRefundRequest request) {
        return call("ProcessRefund", "returns/" + request.getReturnId(), () -> workflow.processRefund(
            CallerContext.current(), returnId(request.getReturnId()))
            .map(ReturnMessages::toProto));
    }

    @Override
    public Future<ReturnRequest> cancelReturn(CancelReturnRequest request) {
        return call("CancelReturn", "returns/" + request.getReturnId(), () -> workflow.cancel(
            CallerContext.current(), returnId(request.getReturnId()),
            text("reason", request.getReason())).map(ReturnMessages::toProto));
    }

    // ---- validation ------------------------------------------------------------------------------------------

    static CreateReturn validate(CreateReturnRequest request) {
        if (request.getOrderId().isBlank()) {
            throw ReturnFailure.invalid("order_id", "is required");
        }
        id("order_id", request.getOrderId());
        id("customer_id", request.getCustomerId());
        if (request.getItemsCount() == 0) {
            throw ReturnFailure.invalid("items", "name at least one item to return");
        }
        if (request.getItemsCount() > MAX_ITEMS) {
            throw ReturnFailure.invalid("items", "at most " + MAX_ITEMS + " items per return");
        }
        Resolution resolution = Resolution.fromWireName(request.getResolution())
            .orElseThrow(() -> ReturnFailure.invalid("resolution", "must be refund, exchange or store_credit, was '"
                + request.getResolution() + "'"));
        List<CreateReturn.Item> items = new ArrayList<>();
        for (int i = 0; i < request.getItemsCount(); i++) {
            ReturnItemRequest item = request.getItems(i);
            String at = "items[" + i + "]";
            if (item.getOrderItemId().isBlank()) {
                throw ReturnFailure.invalid(at + ".order_item_id", "is required");
            }
            id(at + ".order_item_id", item.getOrderItemId());
            id(at + ".exchange_product_id", item.getExchangeProductId());
            if (item.getQuantity() < 1) {
                throw ReturnFailure.invalid(at + ".quantity", "must be at least 1, was " + item.getQuantity());
            }
            ReturnReason reason = ReturnReason.fromWireName(item.getReason())
                .orElseThrow(() -> ReturnFailure.invalid(at + ".reason", "must be one of " + ReturnReason.accepted() + ", was '"
                    + item.getReason() + "'"));
            if (!item.getExchangeProductId().isEmpty() && resolution != Resolution.EXCHANGE) {
                throw ReturnFailure.invalid(at + ".exchange_product_id", "is only for resolution exchange");
            }
            items.add(new CreateReturn.Item(item.getOrderItemId(), item.getQuantity(), reason, text(at + ".note", item.getNote()),
                item.getExchangeProductId()));
        }
        if (request.getIdempotencyKey().length() > IdempotencyKey.MAX_LENGTH) {
            throw ReturnFailure.invalid("idempotency_key", "at most " + IdempotencyKey.MAX_LENGTH + " characters");
        }
        return new CreateReturn(request.getOrderId(), items, resolution, nonEmpty(request.getCustomerId()),
            nonEmpty(request.getIdempotencyKey()), fingerprint(request), text("note", request.getNote()));
    }

    /**
     * What an idempotency key may answer: a SHA-256 of the method and the request without its key, serialized
     * deterministically, so the same request sent again (over gRPC or HTTP/JSON) has the same fingerprint.
     */
    static String fingerprint(CreateReturnRequest request) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("return.v1.ReturnService/CreateReturnRequest\n".getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(body);
            out.useDeterministicSerialization();
            request.toBuilder().clearIdempotencyKey().build().writeTo(out);
            out.flush();
            return HexFormat.of().formatHex(sha.digest(body.toByteArray()));
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("cannot fingerprint a CreateReturnRequest", e);
        }
    }

    private static String returnId(String id) {
        if (id.isBlank()) {
            throw ReturnFailure.invalid("return_id", "is required");
        }
        return id("return_id", id);
    }

    /** An id is short: a longer one names nothing here, and would be echoed back in a status too large to send. */
    private static String id(String field, String value) {
        if (value.length() > MAX_ID) {
            throw ReturnFailure.invalid(field, "at most " + MAX_ID + " characters, was " + value.length());
        }
        return value;
    }

    /** Free text (a note, a reason): bounded, and without NUL, which PostgreSQL text cannot hold. */
    private static String text(String field, String value) {
        if (value.length() > MAX_TEXT) {
            throw ReturnFailure.invalid(field, "at most " + MAX_TEXT + " characters");
        }
        if (value.indexOf('\u0000') >= 0) {
            throw ReturnFailure.invalid(field, "must not contain NUL characters");
        }
        return value;
    }

    private static OptionalLong version(boolean present, long value) {
        return present ? OptionalLong.of(value) : OptionalLong.empty();
    }

    private static Optional<String> nonEmpty(String s) {
        return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    // ---- the edge --------------------------------------------------------------------------------------------

    /** Runs {@code body} as {@code method}; {@code subject} names what a FAILED_PRECONDITION is about. */
    private <T> Future<T> call(String method, String subject, Supplier<Future<T>> body) {
        return rpc.call(method, () -> {
            Future<T> result;
            try {
                result = body.get();
            } catch (RuntimeException e) {
                result = Future.failedFuture(e);
            }
            return result.recover(e -> Future.failedFuture(toStatus(e, subject)));
        });
    }

    static Throwable toStatus(Throwable e, String subject) {
        if (ReturnFailure.explain(e) instanceof ReturnFailure f) {
            return switch (f.kind()) {
                case INVALID_ARGUMENT -> f.field() == null ? RpcError.malformed(f.getMessage())
                    : RpcError.invalidField(f.field(), f.problem(), f.getMessage());
                case NOT_FOUND -> RpcError.notFound(f.reason(), f.getMessage());
                case FAILED_PRECONDITION -> RpcError.failedPrecondition(f.reason(), subject, f.getMessage());
                case ABORTED -> RpcError.aborted(f.reason(), f.getMessage());
                case UNAVAILABLE -> RpcError.unavailable(f.reason(), f.getMessage());
                case PERMISSION_DENIED -> RpcError.permissionDenied(f.reason(), f.getMessage());
            };
        }
        return e;
    }
}
