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
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.OrderServiceGrpcClient;
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
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Owns the process's one gRPC client (HTTP/2, calls multiplexed over one connection per neighbour) and the
 * guarded calls the Checkout Service makes to its neighbours. Every call goes through the neighbour's
 * {@link NeighbourCall}; every failure reaches the caller as UNAVAILABLE.
 */
public final class Neighbours {

    private final GrpcClient client;
    private final CatalogServiceGrpcClient catalog;
    private final PricingServiceGrpcClient pricing;
    private final PromotionServiceGrpcClient promotion;
    private final WarehouseServiceGrpcClient warehouse;
    private final NeighbourAddresses addresses;
    private final NeighbourCall catalogCall;
    private final NeighbourCall pricingCall;
    private final NeighbourCall promotionCall;
    private final NeighbourCall warehouseCall;
    private final NeighbourCall paymentCall;
    private final NeighbourCall shippingCall;
    private final NeighbourCall orderCall;
    private final NeighbourCall customerCall;

    public Neighbours(Vertx vertx, NeighbourAddresses addresses, Duration timeout, int maxFailures, Duration reset, int retries) {
        this.client = GrpcClient.client(vertx,
            new GrpcClientOptions().setTimeout((int) timeout.toMillis()).setTimeoutUnit(TimeUnit.MILLISECONDS)
                .setScheduleDeadlineAutomatically(true),
            new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())));
        this.catalog = CatalogServiceGrpcClient.create(client, addresses.catalog());
        this.pricing = PricingServiceGrpcClient.create(client, addresses.pricing());
        this.promotion = PromotionServiceGrpcClient.create(client, addresses.promotion());
        this.warehouse = WarehouseServiceGrpcClient.create(client, addresses.warehouse());
        this.addresses = addresses;
        this.catalogCall = new NeighbourCall("catalog", vertx, timeout, maxFailures, reset, retries);
        this.pricingCall = new NeighbourCall("pricing", vertx, timeout, maxFailures, reset, retries);
        this.promotionCall = new NeighbourCall("promotion", vertx, timeout, maxFailures, reset, retries);
        this.warehouseCall = new NeighbourCall("warehouse", vertx, timeout, maxFailures, reset, retries);
        this.paymentCall = new NeighbourCall("payment", vertx, timeout, maxFailures, reset, retries);
        this.shippingCall = new NeighbourCall("shipping", vertx, timeout, maxFailures, reset, retries);
        this.orderCall = new NeighbourCall("order", vertx, timeout, maxFailures, reset, retries);
        this.customerCall = new NeighbourCall("customer", vertx, timeout, maxFailures, reset, retries);
    }

    public void bindTo(MeterRegistry registry) {
        for (NeighbourCall call : List.of(catalogCall, pricingCall, promotionCall, warehouseCall, paymentCall, shippingCall, orderCall,
            customerCall)) {
            call.bindTo(registry);
        }
    }

    public Future<ListProductsResponse> listProducts(String pageToken, int pageSize) {
        return catalogCall.read("ListProducts",
            () -> catalog.listProducts(ListProductsRequest.newBuilder().setPageToken(pageToken).setPageSize(pageSize).build()));
    }

    public Future<ListPricesResponse> listPrices(String currency, String pageToken, int pageSize) {
        return pricingCall.read("ListPrices", () -> pricing.listPrices(ListPricesRequest.newBuilder()
            .setCurrencyCode(currency).setPageToken(pageToken).setPageSize(pageSize).build()));
    }

    public Future<ListAvailabilityResponse> listAvailability(String pageToken, int pageSize) {
        return warehouseCall.read("ListAvailability", () -> warehouse.listAvailability(
            ListAvailabilityRequest.newBuilder().setPageToken(pageToken).setPageSize(pageSize).build()));
    }

    public Future<ListPromotionsResponse> listPromotions() {
        return promotionCall.read("ListPromotions", () -> promotion.listPromotions(ListPromotionsRequest.getDefaultInstance()));
    }

    /** How often {@code customerId} already used each of {@code codes}; codes never used are absent. */
    public Future<Map<String, Integer>> customerUsage(String customerId, List<String> codes) {
        return promotionCall.read("GetCustomerUsage", () -> promotion.getCustomerUsage(
                GetCustomerUsageRequest.newBuilder().setCustomerId(customerId).addAllCodes(codes).build()))
            .map(response -> {
                Map<String, Integer> usage = new HashMap<>();
                response.getUsageList().forEach(u -> usage.put(u.getCode(), u.getTimesUsed()));
                return usage;
            });
    }

    // ---- checkout: every call below is idempotent (by reservation id, idempotency key or nature), so it is retried
    // on transient failures; a neighbour's definite refusal comes back as NeighbourRefusal ----------------------------

    /** Holds stock; idempotent on the reservation id. */
    public Future<Reservation> reserveStock(ReserveStockRequest request) {
        return warehouseCall.idempotent("ReserveStock",
            () -> unary(addresses.warehouse(), WarehouseServiceGrpcClient.ReserveStock, request));
    }

    public Future<Reservation> extendReservation(ExtendReservationRequest request) {
        return warehouseCall.idempotent("ExtendReservation",
            () -> unary(addresses.warehouse(), WarehouseServiceGrpcClient.ExtendReservation, request));
    }

    public Future<Reservation> releaseReservation(ReleaseReservationRequest request) {
        return warehouseCall.idempotent("ReleaseReservation",
            () -> unary(addresses.warehouse(), WarehouseServiceGrpcClient.ReleaseReservation, request));
    }

    public Future<Reservation> commitReservation(CommitReservationRequest request) {
        return warehouseCall.idempotent("CommitReservation",
            () -> unary(addresses.warehouse(), WarehouseServiceGrpcClient.CommitReservation, request));
    }

    /** A decline is an answer with status DECLINED, not a failure. */
    public Future<PaymentAuthorization> authorizePayment(AuthorizePaymentRequest request) {
        return paymentCall.idempotent("AuthorizePayment",
            () -> unary(addresses.payment(), PaymentServiceGrpcClient.AuthorizePayment, request));
    }

    public Future<PaymentAuthorization> capturePayment(CapturePaymentRequest request) {
        return paymentCall.idempotent("CapturePayment", () -> unary(addresses.payment(), PaymentServiceGrpcClient.CapturePayment, request));
    }

    public Future<PaymentAuthorization> voidAuthorization(VoidAuthorizationRequest request) {
        return paymentCall.idempotent("VoidAuthorization",
            () -> unary(addresses.payment(), PaymentServiceGrpcClient.VoidAuthorization, request));
    }

    public Future<GetRatesResponse> shippingRates(GetRatesRequest request) {
        return shippingCall.idempotent("GetRates", () -> unary(addresses.shipping(), ShippingServiceGrpcClient.GetRates, request));
    }

    /** Idempotent on the request's idempotency key (the checkout id): a retry returns the same order. */
    public Future<OrderDetails> createOrder(CreateOrderRequest request) {
        return orderCall.idempotent("CreateOrder", () -> unary(addresses.order(), OrderServiceGrpcClient.CreateOrder, request));
    }

    public Future<Customer> customer(String customerId) {
        return customerCall.idempotent("GetCustomer", () -> unary(addresses.customer(), CustomerServiceGrpcClient.GetCustomer,
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
        return client.close();
    }
}
