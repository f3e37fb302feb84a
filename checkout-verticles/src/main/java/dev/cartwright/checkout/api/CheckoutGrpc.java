package dev.cartwright.checkout.api;

import com.google.protobuf.MessageLite;
import dev.cartwright.checkout.carts.RequestKey;
import dev.cartwright.checkout.contract.CheckoutContract;
import dev.cartwright.checkout.domain.CheckoutProblem;
import dev.cartwright.checkout.domain.CheckoutRefusal;
import dev.cartwright.checkout.domain.CheckoutState;
import dev.cartwright.checkout.saga.CheckoutWorkflow;
import dev.cartwright.checkout.domain.FrozenLine;
import dev.cartwright.checkout.domain.PostalAddress;
import dev.cartwright.checkout.domain.ShippingOption;
import dev.cartwright.checkout.domain.Checkout;
import dev.cartwright.proto.checkout.v1.CartLine;
import dev.cartwright.proto.checkout.v1.CheckoutServiceService;
import dev.cartwright.proto.checkout.v1.CheckoutStatus;
import dev.cartwright.proto.checkout.v1.ConfirmCheckoutRequest;
import dev.cartwright.proto.checkout.v1.GetCheckoutRequest;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.checkout.v1.OrderPreview;
import dev.cartwright.proto.checkout.v1.PreviewOrderRequest;
import dev.cartwright.proto.checkout.v1.SelectShippingMethodRequest;
import dev.cartwright.proto.checkout.v1.ShippingMethod;
import dev.cartwright.proto.checkout.v1.StartCheckoutRequest;
import dev.cartwright.proto.checkout.v1.UpdateAddressRequest;
import dev.cartwright.proto.common.v1.Address;
import dev.cartwright.service.auth.Caller;
import dev.cartwright.service.auth.CallerContext;
import dev.cartwright.service.grpc.RequestKeys;
import dev.cartwright.service.grpc.Rpc;
import dev.cartwright.service.grpc.RpcError;
import io.vertx.core.Future;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The CheckoutService endpoint: checks each request's shape (INVALID_ARGUMENT naming the field, before anything is
 * read), hands it to {@link CheckoutWorkflow} with the caller, and turns the answer into the contract's messages and
 * statuses. Nothing else: the rules of a checkout and of its confirm saga live in {@code dev.cartwright.checkout.saga}.
 *
 * <p>ConfirmCheckout's idempotency is the checkout itself: a repeated call answers with the same order, or waits for
 * the request that is confirming it. Every idempotency key is the caller's own and belongs to one request (the
 * RPC and its body): the same key with another request is INVALID_ARGUMENT on idempotency_key.
 */
public final class CheckoutGrpc extends CheckoutServiceService {

    private static final Pattern COUNTRY = Pattern.compile("[A-Za-z]{2}");

    private final CheckoutWorkflow workflow;
    private final Rpc rpc;

    public CheckoutGrpc(CheckoutWorkflow workflow, Rpc rpc) {
        this.workflow = workflow;
        this.rpc = rpc;
    }

    @Override
    public Future<dev.cartwright.proto.checkout.v1.Checkout> startCheckout(StartCheckoutRequest request) {
        return rpc.call("StartCheckout", () -> {
            Caller caller = CallerContext.current();
            String cartId = RequestChecks.id("cart_id", request.getCartId());
            String key = RequestChecks.idempotencyKey("idempotency_key", request.getIdempotencyKey());
            return edge(workflow.start(caller, cartId, key(caller, cartId, key, "StartCheckout", request)), "carts/" + cartId)
                .map(CheckoutGrpc::toProto);
        });
    }

    @Override
    public Future<dev.cartwright.proto.checkout.v1.Checkout> getCheckout(GetCheckoutRequest request) {
        return rpc.call("GetCheckout", () -> {
            Caller caller = CallerContext.current();
            String checkoutId = RequestChecks.id("checkout_id", request.getCheckoutId());
            return edge(workflow.get(caller, checkoutId), "checkouts/" + checkoutId).map(CheckoutGrpc::toProto);
        });
    }

    @Override
    public Future<dev.cartwright.proto.checkout.v1.Checkout> updateShippingAddress(UpdateAddressRequest request) {
        return rpc.call("UpdateShippingAddress", () -> {
            Caller caller = CallerContext.current();
            String checkoutId = RequestChecks.id("checkout_id", request.getCheckoutId());
            PostalAddress address = address(request.hasAddress(), request.getAddress());
            OptionalLong expected = expectedVersion(request.hasExpectedVersion(), request.getExpectedVersion());
            String key = RequestChecks.idempotencyKey("idempotency_key", request.getIdempotencyKey());
            return edge(workflow.updateShippingAddress(caller, checkoutId, address, expected,
                    key(caller, checkoutId, key, "UpdateShippingAddress", request)),
                "checkouts/" + checkoutId).map(CheckoutGrpc::toProto);
        });
    }

    @Override
    public Future<dev.cartwright.proto.checkout.v1.Checkout> updateBillingAddress(UpdateAddressRequest request) {
        return rpc.call("UpdateBillingAddress", () -> {
            Caller caller = CallerContext.current();
            String checkoutId = RequestChecks.id("checkout_id", request.getCheckoutId());
            PostalAddress address = address(request.hasAddress(), request.getAddress());
            OptionalLong expected = expectedVersion(request.hasExpectedVersion(), request.getExpectedVersion());
            String key = RequestChecks.idempotencyKey("idempotency_key", request.getIdempotencyKey());
            return edge(workflow.updateBillingAddress(caller, checkoutId, address, expected,
                    key(caller, checkoutId, key, "UpdateBillingAddress", request)),
                "checkouts/" + checkoutId).map(CheckoutGrpc::toProto);
        });
    }

    @Override
    public Future<dev.cartwright.proto.checkout.v1.Checkout> selectShippingMethod(SelectShippingMethodRequest request) {
        return rpc.call("SelectShippingMethod", () -> {
            Caller caller = CallerContext.current();
            String checkoutId = RequestChecks.id("checkout_id", request.getCheckoutId());
            String methodId = RequestChecks.id("shipping_method_id", request.getShippingMethodId());
            OptionalLong expected = expectedVersion(request.hasExpectedVersion(), request.getExpectedVersion());
            String key = RequestChecks.idempotencyKey("idempotency_key", request.getIdempotencyKey());
            return edge(workflow.selectShippingMethod(caller, checkoutId, methodId, expected,
                    key(caller, checkoutId, key, "SelectShippingMethod", request)),
                "checkouts/" + checkoutId).map(CheckoutGrpc::toProto);
        });
    }

    @Override
    public Future<OrderPreview> previewOrder(PreviewOrderRequest request) {
        return rpc.call("PreviewOrder", () -> {
            Caller caller = CallerContext.current();
            String checkoutId = RequestChecks.id("checkout_id", request.getCheckoutId());
            return edge(workflow.preview(caller, checkoutId), "checkouts/" + checkoutId).map(CheckoutGrpc::toProto);
        });
    }

    @Override
    public Future<Order> confirmCheckout(ConfirmCheckoutRequest request) {
        return rpc.call("ConfirmCheckout", () -> {
            Caller caller = CallerContext.current();
            String checkoutId = RequestChecks.id("checkout_id", request.getCheckoutId());
            String paymentMethodId = RequestChecks.id("payment_method_id", request.getPaymentMethodId());
            OptionalLong expected = expectedVersion(request.hasExpectedVersion(), request.getExpectedVersion());
            String key = RequestChecks.idempotencyKey("idempotency_key", request.getIdempotencyKey());
            return edge(workflow.confirm(caller, checkoutId, paymentMethodId, expected,
                key(caller, checkoutId, key, "ConfirmCheckout", request)), "checkouts/" + checkoutId).map(CheckoutContract::order);
        });
    }

    // ---- requests ----------------------------------------------------------------------------------------------------

    /**
     * The key as the store keeps it (scoped to the caller) and the fingerprint of the RPC and its body as the client
     * sent them; {@link RequestKey#NONE} without a key. Guests cannot be told apart, so a guest's key is scoped to the
     * cart or checkout it names too: two guests' identical keys never meet.
     */
    private static RequestKey key(Caller caller, String resource, String key, String method, MessageLite request) {
        if (key.isEmpty()) {
            return RequestKey.NONE;
        }
        String scoped = RequestKeys.scoped(caller, caller.isGuest() ? resource + "/" + key : key);
        return new RequestKey(scoped, RequestKeys.fingerprint(method, request));
    }

    /** An address with name, line1, city, postal_code and a two-letter country_code; each problem names its field. */
    static PostalAddress address(boolean present, Address a) {
        if (!present) {
            throw RequestChecks.invalid("address", "is required");
        }
        String name = text("address.name", a.getName(), true, 200);
        String line1 = text("address.line1", a.getLine1(), true, 200);
        String line2 = text("address.line2", a.getLine2(), false, 200);
        String city = text("address.city", a.getCity(), true, 100);
        String region = text("address.region", a.getRegion(), false, 100);
        String postalCode = text("address.postal_code", a.getPostalCode(), true, 20);
        String country = a.getCountryCode().trim();
        if (!COUNTRY.matcher(country).matches()) {
            throw RequestChecks.invalid("address.country_code", "must be a two-letter ISO 3166-1 code, was '" + a.getCountryCode() + "'");
        }
        String phone = text("address.phone", a.getPhone(), false, 40);
        return PostalAddress.of(name, line1, line2, city, region, postalCode, country.toUpperCase(Locale.ROOT), phone);
    }

    private static String text(String field, String value, boolean required, int max) {
        String trimmed = value.trim();
        if (required && trimmed.isEmpty()) {
            throw RequestChecks.invalid(field, "is required");
        }
        if (trimmed.length() > max) {
            throw RequestChecks.invalid(field, "must be at most " + max + " characters");
        }
        for (int i = 0; i < trimmed.length(); i++) {
            if (Character.isISOControl(trimmed.charAt(i))) {
                throw RequestChecks.invalid(field, "must not contain control characters");
            }
        }
        return trimmed;
    }

    private static OptionalLong expectedVersion(boolean present, long value) {
        return present ? OptionalLong.of(RequestChecks.expectedVersion("expected_version", value)) : OptionalLong.empty();
    }

    /**
     * The workflow's answers as gRPC statuses with their details; {@code subject} names what a FAILED_PRECONDITION
     * is about. Anything else is a bug, which {@link Rpc} reports as INTERNAL.
     */
    private static <T> Future<T> edge(Future<T> answer, String subject) {
        return answer.recover(e -> Future.failedFuture(toError(e, subject)));
    }

    static Throwable toError(Throwable e, String subject) {
        if (e instanceof CheckoutProblem problem) {
            String message = problem.getMessage();
            return switch (problem.kind()) {
                case NOT_FOUND -> RpcError.notFound(switch (problem.missing()) {
                    case CHECKOUT -> "CHECKOUT_NOT_FOUND";
                    case CART -> "CART_NOT_FOUND";
                }, message);
                // CheckoutProblem.invalid words it "<field> <problem>".
                case INVALID_ARGUMENT -> message.indexOf(' ') < 0 ? RpcError.malformed(message)
                    : RpcError.invalidField(message.substring(0, message.indexOf(' ')), message.substring(message.indexOf(' ') + 1));
                case FAILED_PRECONDITION -> refused(problem, subject);
                case ABORTED -> RpcError.aborted("CONCURRENT_CHANGE", message);
                case UNAVAILABLE -> RpcError.unavailable("DEPENDENCY_UNAVAILABLE", message);
            };
        }
        // A neighbour's failure (CallFailedException) is told by Rpc, the same way in every service.
        return e;
    }

    /**
     * A FAILED_PRECONDITION with its refusal's reason (also the violation's type), the checkout's status when the
     * refusal is about it, and the problem's facts as ErrorInfo metadata.
     */
    private static RpcError refused(CheckoutProblem problem, String subject) {
        RpcError error = RpcError.failedPrecondition(reason(problem.refusal().orElse(CheckoutRefusal.CHECKOUT_FAILED)), subject,
            problem.getMessage());
        problem.state().ifPresent(state -> error.with("status", status(state).name()));
        new TreeMap<>(problem.facts()).forEach(error::with);
        return error;
    }

    /** The ErrorInfo reason of each refusal: the names clients match on, listed in the README. */
    static String reason(CheckoutRefusal refusal) {
        return switch (refusal) {
            case CART_NOT_ACTIVE -> "CART_NOT_ACTIVE";
            case CART_EMPTY -> "CART_EMPTY";
            case CART_CHECKOUT_UNDERWAY -> "CART_CHECKOUT_UNDERWAY";
            case STOCK_NOT_RESERVED -> "STOCK_NOT_RESERVED";
            case CHECKOUT_NOT_OPEN -> "CHECKOUT_NOT_OPEN";
            case CHECKOUT_EXPIRED -> "CHECKOUT_EXPIRED";
            case CHECKOUT_NEEDS_ATTENTION -> "CHECKOUT_NEEDS_ATTENTION";
            case SHIPPING_ADDRESS_REQUIRED -> "SHIPPING_ADDRESS_REQUIRED";
            case SHIPPING_METHOD_NOT_OFFERED -> "SHIPPING_METHOD_NOT_OFFERED";
            case NO_SHIPPING_METHOD -> "NO_SHIPPING_METHOD";
            case ORDER_SERVICE_QUOTE_INCOMPLETE -> "ORDER_SERVICE_QUOTE_INCOMPLETE";
            case CART_CHANGED -> "CART_CHANGED";
            case PAYMENT_DECLINED -> "PAYMENT_DECLINED";
            case ORDER_REFUSED -> "ORDER_REFUSED";
            case CHECKOUT_FAILED -> "CHECKOUT_FAILED";
        };
    }

    // ---- replies -----------------------------------------------------------------------------------------------------

    static dev.cartwright.proto.checkout.v1.Checkout toProto(Checkout c) {
        dev.cartwright.proto.checkout.v1.Checkout.Builder reply = dev.cartwright.proto.checkout.v1.Checkout.newBuilder()
            .setCheckoutId(c.checkoutId())
            .setCartId(c.cartId())
            .setCustomerId(c.customerId().orElse(""))
            .setStatus(status(c.status()))
            .setCartVersion(c.cartVersion())
            .addAllItems(lines(c.lines(), c.currency()))
            .setTotals(CheckoutContract.totals(c.totals(), c.currency()))
            .setReservationId(c.reservationId())
            .setOrderId(orderId(c))
            .setFailureReason(failureReason(c))
            .setVersion(c.version())
            .setCreatedAt(CheckoutContract.timestamp(c.createdAt()))
            .setUpdatedAt(CheckoutContract.timestamp(c.updatedAt()));
        c.shippingAddress().ifPresent(a -> reply.setShippingAddress(CheckoutContract.address(a)));
        c.billingAddress().ifPresent(a -> reply.setBillingAddress(CheckoutContract.address(a)));
        c.shippingMethod().or(() -> c.contents().quotedShipping()).ifPresent(m -> reply.setShippingMethod(method(m)));
        c.shippingMethods().forEach(m -> reply.addAvailableShippingMethods(method(m)));
        c.reservationExpiresAt().ifPresent(at -> reply.setReservationExpiresAt(CheckoutContract.timestamp(at)));
        return reply.build();
    }

    private static String orderId(Checkout c) {
        if (c instanceof Checkout.Completed completed) {
            return completed.orderId();
        }
        return c instanceof Checkout.Confirming confirming ? confirming.orderId().orElse("") : "";
    }

    private static String failureReason(Checkout c) {
        if (c instanceof Checkout.Failed failed) {
            return failed.failure().reason();
        }
        return c instanceof Checkout.Compensating compensating ? compensating.failure().reason() : "";
    }

    static OrderPreview toProto(CheckoutWorkflow.Preview p) {
        String currency = p.checkout().currency();
        OrderPreview.Builder reply = OrderPreview.newBuilder()
            .setCheckoutId(p.checkout().checkoutId())
            .addAllItems(lines(p.lines(), currency))
            .setTotals(CheckoutContract.totals(p.totals(), currency))
            .setReady(p.ready())
            .addAllIssues(p.issues());
        p.shippingAddress().ifPresent(a -> reply.setShippingAddress(CheckoutContract.address(a)));
        p.billingAddress().ifPresent(a -> reply.setBillingAddress(CheckoutContract.address(a)));
        p.shippingMethod().ifPresent(m -> reply.setShippingMethod(method(m)));
        return reply.build();
    }

    private static List<CartLine> lines(List<FrozenLine> lines, String currency) {
        return lines.stream().map(l -> CartLine.newBuilder()
            .setProductId(l.productId())
            .setName(l.name())
            .setCategoryId(l.categoryId())
            .setQuantity(l.quantity())
            .setUnitPrice(CheckoutContract.money(l.unitPrice(), currency))
            .setSubtotal(CheckoutContract.money(l.subtotal(), currency))
            .setDiscount(CheckoutContract.money(l.discount(), currency))
            .setTax(CheckoutContract.money(l.tax(), currency))
            .setTotal(CheckoutContract.money(l.total(), currency))
            .build()).toList();
    }

    private static ShippingMethod method(ShippingOption m) {
        return ShippingMethod.newBuilder().setShippingMethodId(m.methodId()).setName(m.name())
            .setPrice(CheckoutContract.money(m.priceMinor(), m.currency())).setEstimatedDays(m.estimatedDays()).build();
    }

    static CheckoutStatus status(CheckoutState state) {
        return switch (state) {
            case OPEN -> CheckoutStatus.CHECKOUT_STATUS_OPEN;
            case CONFIRMING -> CheckoutStatus.CHECKOUT_STATUS_CONFIRMING;
            case COMPLETED -> CheckoutStatus.CHECKOUT_STATUS_COMPLETED;
            case FAILED -> CheckoutStatus.CHECKOUT_STATUS_FAILED;
            case EXPIRED -> CheckoutStatus.CHECKOUT_STATUS_EXPIRED;
        };
    }
}
