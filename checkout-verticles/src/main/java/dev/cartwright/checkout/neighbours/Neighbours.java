package dev.cartwright.checkout.neighbours;

import dev.cartwright.proto.platform.v1.AuthorizePaymentRequest;
import dev.cartwright.proto.platform.v1.CapturePaymentRequest;
import dev.cartwright.proto.platform.v1.CatalogServiceGrpcClient;
import dev.cartwright.proto.platform.v1.CommitReservationRequest;
import dev.cartwright.proto.platform.v1.CreateOrderRequest;
import dev.cartwright.proto.platform.v1.Customer;
import dev.cartwright.proto.platform.v1.CustomerServiceGrpcClient;
import dev.cartwright.proto.platform.v1.ExtendReservationRequest;
import dev.cartwright.proto.platform.v1.GetCustomerRequest;
import dev.cartwright.proto.platform.v1.GetCustomerUsageRequest;
import dev.cartwright.proto.platform.v1.GetRatesRequest;
import dev.cartwright.proto.platform.v1.GetRatesResponse;
import dev.cartwright.proto.platform.v1.ListAvailabilityRequest;
import dev.cartwright.proto.platform.v1.ListAvailabilityResponse;
import dev.cartwright.proto.platform.v1.ListPricesRequest;
import dev.cartwright.proto.platform.v1.ListPricesResponse;
import dev.cartwright.proto.platform.v1.ListProductsRequest;
import dev.cartwright.proto.platform.v1.ListProductsResponse;
import dev.cartwright.proto.platform.v1.ListPromotionsRequest;
import dev.cartwright.proto.platform.v1.ListPromotionsResponse;
import dev.cartwright.proto.platform.v1.PaymentAuthorization;
import dev.cartwright.proto.platform.v1.PaymentServiceGrpcClient;
import dev.cartwright.proto.platform.v1.PricingServiceGrpcClient;
import dev.cartwright.proto.platform.v1.PromotionServiceGrpcClient;
import dev.cartwright.proto.platform.v1.ReleaseReservationRequest;
import dev.cartwright.proto.platform.v1.Reservation;
import dev.cartwright.proto.platform.v1.ReserveStockRequest;
import dev.cartwright.proto.platform.v1.ShippingServiceGrpcClient;
import dev.cartwright.proto.platform.v1.VoidAuthorizationRequest;
import dev.cartwright.proto.platform.v1.WarehouseServiceGrpcClient;
import dev.cartwright.order.client.LegacyOrderClient;
import dev.cartwright.order.client.OrderResult;
import dev.cartwright.service.call.CallOutcome;
import dev.cartwright.service.call.CallPolicy;
import dev.cartwright.service.call.GuardedCall;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.StatusException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Owns the process's one gRPC client (HTTP/2, calls multiplexed over one connection per neighbour) and the guarded
 * calls the Checkout Service makes to its neighbours, each through that neighbour's {@link GuardedCall} (the services'
 * one policy: breaker, deadline per attempt, retries with jitter, one classification). Orders are created through
 * order-adapter's {@link LegacyOrderClient}, the one client of the Order service.
 *
 * <p>The catalogue reads fail with {@link dev.cartwright.service.call.CallFailedException}, which the gRPC edge turns
 * into a status; the checkout's calls answer with a {@link CallOutcome} value (the answer, or a refusal, unavailable, or
 * an unknown outcome). Every call below is idempotent (by reservation id, idempotency key or nature), so it is retried
 * when it got no answer.
 */
public final class Neighbours {

    private final GrpcClient client;
    private final CatalogServiceGrpcClient catalog;
    private final PricingServiceGrpcClient pricing;
    private final PromotionServiceGrpcClient promotion;
    private final WarehouseServiceGrpcClient warehouse;
    private final NeighbourAddresses addresses;
    private final LegacyOrderClient orders;
    private final GuardedCall catalogCall;
    private final GuardedCall pricingCall;
    private final GuardedCall promotionCall;
    private final GuardedCall warehouseCall;
    private final GuardedCall paymentCall;
    private final GuardedCall shippingCall;
    private final GuardedCall customerCall;

    public Neighbours(Vertx vertx, NeighbourAddresses addresses, CallPolicy policy) {
        this.client = GrpcClient.client(vertx,
            new GrpcClientOptions().setTimeout((int) policy.timeout().toMillis()).setTimeoutUnit(TimeUnit.MILLISECONDS)
                .setScheduleDeadlineAutomatically(true),
            new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, policy.timeout().toMillis())));
        this.catalog = CatalogServiceGrpcClient.create(client, addresses.catalog());
        this.pricing = PricingServiceGrpcClient.create(client, addresses.pricing());
        this.promotion = PromotionServiceGrpcClient.create(client, addresses.promotion());
        this.warehouse = WarehouseServiceGrpcClient.create(client, addresses.warehouse());
        this.addresses = addresses;
        this.orders = LegacyOrderClient.create(vertx, addresses.order(), policy);
        this.catalogCall = new GuardedCall("catalog", vertx, policy);
        this.pricingCall = new GuardedCall("pricing", vertx, policy);
        this.promotionCall = new GuardedCall("promotion", vertx, policy);
        this.warehouseCall = new GuardedCall("warehouse", vertx, policy);
        this.paymentCall = new GuardedCall("payment", vertx, policy);
        this.shippingCall = new GuardedCall("shipping", vertx, policy);
        this.customerCall = new GuardedCall("customer", vertx, policy);
    }

    public void bindTo(MeterRegistry registry) {
        for (GuardedCall call : List.of(catalogCall, pricingCall, promotionCall, warehouseCall, paymentCall, shippingCall, customerCall)) {
            call.bindTo(registry);
        }
        orders.bindTo(registry);
    }

    // ---- the catalogue: reads that fail with CallFailedException -------------------------------------------------------

    public Future<ListProductsResponse> listProducts(String pageToken, int pageSize) {
        return catalogCall.orFail("ListProducts",
            () -> catalog.listProducts(ListProductsRequest.newBuilder().setPageToken(pageToken).setPageSize(pageSize).build()));
    }

    public Future<ListPricesResponse> listPrices(String currency, String pageToken, int pageSize) {
        return pricingCall.orFail("ListPrices", () -> pricing.listPrices(ListPricesRequest.newBuilder()
            .setCurrencyCode(currency).setPageToken(pageToken).setPageSize(pageSize).build()));
    }

    public Future<ListAvailabilityResponse> listAvailability(String pageToken, int pageSize) {
        return warehouseCall.orFail("ListAvailability", () -> warehouse.listAvailability(
            ListAvailabilityRequest.newBuilder().setPageToken(pageToken).setPageSize(pageSize).build()));
    }

    public Future<ListPromotionsResponse> listPromotions() {
        return promotionCall.orFail("ListPromotions", () -> promotion.listPromotions(ListPromotionsRequest.getDefaultInstance()));
    }

    /** How often {@code customerId} already used each of {@code codes}; codes never used are absent. */
    public Future<Map<String, Integer>> customerUsage(String customerId, List<String> codes) {
        return promotionCall.orFail("GetCustomerUsage", () -> promotion.getCustomerUsage(
                GetCustomerUsageRequest.newBuilder().setCustomerId(customerId).addAllCodes(codes).build()))
            .map(response -> {
                Map<String, Integer> usage = new HashMap<>();
                response.getUsageList().forEach(u -> usage.put(u.getCode(), u.getTimesUsed()));
                return usage;
            });
    }

    // ---- checkout: answers as values -----------------------------------------------------------------------------------

    /** Holds stock; idempotent on the reservation id. */
    public Future<CallOutcome<Reservation>> reserveStock(ReserveStockRequest request) {
        return warehouseCall.call("ReserveStock", () -> unary(addresses.warehouse(), WarehouseServiceGrpcClient.ReserveStock, request));
    }

    public Future<CallOutcome<Reservation>> extendReservation(ExtendReservationRequest request) {
        return warehouseCall.call("ExtendReservation",
            () -> unary(addresses.warehouse(), WarehouseServiceGrpcClient.ExtendReservation, request));
    }

    public Future<CallOutcome<Reservation>> releaseReservation(ReleaseReservationRequest request) {
        return warehouseCall.call("ReleaseReservation",
            () -> unary(addresses.warehouse(), WarehouseServiceGrpcClient.ReleaseReservation, request));
    }

    public Future<CallOutcome<Reservation>> commitReservation(CommitReservationRequest request) {
        return warehouseCall.call("CommitReservation",
            () -> unary(addresses.warehouse(), WarehouseServiceGrpcClient.CommitReservation, request));
    }

    /** A decline is an answer with status DECLINED, not a failure. */
    public Future<CallOutcome<PaymentAuthorization>> authorizePayment(AuthorizePaymentRequest request) {
        return paymentCall.call("AuthorizePayment", () -> unary(addresses.payment(), PaymentServiceGrpcClient.AuthorizePayment, request));
    }

    public Future<CallOutcome<PaymentAuthorization>> capturePayment(CapturePaymentRequest request) {
        return paymentCall.call("CapturePayment", () -> unary(addresses.payment(), PaymentServiceGrpcClient.CapturePayment, request));
    }

    public Future<CallOutcome<PaymentAuthorization>> voidAuthorization(VoidAuthorizationRequest request) {
        return paymentCall.call("VoidAuthorization",
            () -> unary(addresses.payment(), PaymentServiceGrpcClient.VoidAuthorization, request));
    }

    public Future<CallOutcome<GetRatesResponse>> shippingRates(GetRatesRequest request) {
        return shippingCall.call("GetRates", () -> unary(addresses.shipping(), ShippingServiceGrpcClient.GetRates, request));
    }

    /** Through the one Order service client; idempotent on the request's key (the checkout id): a retry returns the same order. */
    public Future<OrderResult> createOrder(CreateOrderRequest request) {
        return orders.createOrder(request);
    }

    public Future<CallOutcome<Customer>> customer(String customerId) {
        return customerCall.call("GetCustomer", () -> unary(addresses.customer(), CustomerServiceGrpcClient.GetCustomer,
            GetCustomerRequest.newBuilder().setCustomerId(customerId).build()));
    }

    /**
     * One unary call that keeps the neighbour's status message when it answers with an error (the generated stubs
     * report only the status), so a refusal such as "insufficient stock for product 456" reaches our caller.
     */
    private <Q, R> Future<R> unary(SocketAddress address, ServiceMethod<R, Q> method, Q request) {
        return client.request(address, method)
            .compose(req -> req.send(request))
            .compose(resp -> resp.last().recover(e -> {
                GrpcStatus status = resp.status();
                if (status != null && status != GrpcStatus.OK) {
                    return Future.failedFuture(new StatusException(status, resp.statusMessage()));
                }
                return Future.failedFuture(e);
            }));
    }

    public Future<Void> close() {
        for (GuardedCall call : List.of(catalogCall, pricingCall, promotionCall, warehouseCall, paymentCall, shippingCall, customerCall)) {
            call.close();
        }
        return orders.close().eventually(client::close);
    }
}
