package dev.cartwright.checkout.neighbours;

import dev.cartwright.checkout.contract.CheckoutContract;
import dev.cartwright.checkout.domain.Authorization;
import dev.cartwright.checkout.domain.CustomerProfile;
import dev.cartwright.checkout.domain.FrozenLine;
import dev.cartwright.checkout.domain.OrderDraft;
import dev.cartwright.checkout.domain.PlacedOrder;
import dev.cartwright.checkout.domain.PostalAddress;
import dev.cartwright.checkout.domain.ShippingQuote;
import dev.cartwright.checkout.domain.StockHold;
import dev.cartwright.proto.platform.v1.AuthorizePaymentRequest;
import dev.cartwright.proto.platform.v1.CapturePaymentRequest;
import dev.cartwright.proto.platform.v1.CatalogServiceGrpcClient;
import dev.cartwright.proto.platform.v1.CommitReservationRequest;
import dev.cartwright.proto.platform.v1.CustomerServiceGrpcClient;
import dev.cartwright.proto.platform.v1.ExtendReservationRequest;
import dev.cartwright.proto.platform.v1.GetCustomerRequest;
import dev.cartwright.proto.platform.v1.GetCustomerUsageRequest;
import dev.cartwright.proto.platform.v1.GetRatesRequest;
import dev.cartwright.proto.platform.v1.ListAvailabilityRequest;
import dev.cartwright.proto.platform.v1.ListAvailabilityResponse;
import dev.cartwright.proto.platform.v1.ListPricesRequest;
import dev.cartwright.proto.platform.v1.ListPricesResponse;
import dev.cartwright.proto.platform.v1.ListProductsRequest;
import dev.cartwright.proto.platform.v1.ListProductsResponse;
import dev.cartwright.proto.platform.v1.ListPromotionsRequest;
import dev.cartwright.proto.platform.v1.ListPromotionsResponse;
import dev.cartwright.proto.platform.v1.ParcelLine;
import dev.cartwright.proto.platform.v1.PaymentAuthorization;
import dev.cartwright.proto.platform.v1.PaymentServiceGrpcClient;
import dev.cartwright.proto.platform.v1.PricingServiceGrpcClient;
import dev.cartwright.proto.platform.v1.PromotionServiceGrpcClient;
import dev.cartwright.proto.platform.v1.ReleaseReservationRequest;
import dev.cartwright.proto.platform.v1.Reservation;
import dev.cartwright.proto.platform.v1.ReserveStockRequest;
import dev.cartwright.proto.platform.v1.ShippingRate;
import dev.cartwright.proto.platform.v1.ShippingServiceGrpcClient;
import dev.cartwright.proto.platform.v1.StockLine;
import dev.cartwright.proto.platform.v1.VoidAuthorizationRequest;
import dev.cartwright.proto.platform.v1.WarehouseServiceGrpcClient;
import dev.cartwright.order.client.LegacyOrderClient;
import dev.cartwright.order.client.OrderResult;
import dev.cartwright.service.call.CallFailure;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Owns the process's one gRPC client (HTTP/2, calls multiplexed over one connection per neighbour) and the guarded
 * calls the Checkout Service makes to its neighbours, each through that neighbour's {@link GuardedCall} (the services'
 * one policy: breaker, deadline per attempt, retries with jitter, one classification). Orders are created through
 * order-adapter's {@link LegacyOrderClient}, the one client of the Order service.
 *
 * <p>The catalogue reads fail with {@link dev.cartwright.service.call.CallFailedException}, which the gRPC edge turns
 * into a status; the checkout's calls take and answer the checkout's own values (a {@link StockHold}, an
 * {@link Authorization}, {@link ShippingQuote}s, a {@link PlacedOrder}...) inside a {@link CallOutcome} (the answer, or a
 * refusal, unavailable, or an unknown outcome): the contracts' messages stay in this package. Every call below is
 * idempotent (by reservation id, idempotency key or nature), so it is retried when it got no answer.
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

    // ---- checkout: answers as values in the checkout's own words ------------------------------------------------------

    /** Holds the stock of {@code lines} for {@code ttl}; idempotent on the reservation id. */
    public Future<CallOutcome<StockHold>> reserveStock(String reservationId, List<FrozenLine> lines, Duration ttl) {
        ReserveStockRequest.Builder request = ReserveStockRequest.newBuilder().setReservationId(reservationId)
            .setTtlSeconds((int) ttl.toSeconds());
        for (FrozenLine line : lines) {
            request.addLines(StockLine.newBuilder().setProductId(line.productId()).setQuantity(line.quantity()));
        }
        return warehouseCall.call("ReserveStock",
                () -> unary(addresses.warehouse(), WarehouseServiceGrpcClient.ReserveStock, request.build()))
            .map(outcome -> outcome.map(Neighbours::hold));
    }

    public Future<CallOutcome<StockHold>> extendReservation(String reservationId, Duration ttl) {
        ExtendReservationRequest request = ExtendReservationRequest.newBuilder().setReservationId(reservationId)
            .setTtlSeconds((int) ttl.toSeconds()).build();
        return warehouseCall.call("ExtendReservation",
                () -> unary(addresses.warehouse(), WarehouseServiceGrpcClient.ExtendReservation, request))
            .map(outcome -> outcome.map(Neighbours::hold));
    }

    public Future<CallOutcome<StockHold>> releaseReservation(String reservationId) {
        ReleaseReservationRequest request = ReleaseReservationRequest.newBuilder().setReservationId(reservationId).build();
        return warehouseCall.call("ReleaseReservation",
                () -> unary(addresses.warehouse(), WarehouseServiceGrpcClient.ReleaseReservation, request))
            .map(outcome -> outcome.map(Neighbours::hold));
    }

    public Future<CallOutcome<StockHold>> commitReservation(String reservationId, String orderId) {
        CommitReservationRequest request = CommitReservationRequest.newBuilder().setReservationId(reservationId).setOrderId(orderId)
            .build();
        return warehouseCall.call("CommitReservation",
                () -> unary(addresses.warehouse(), WarehouseServiceGrpcClient.CommitReservation, request))
            .map(outcome -> outcome.map(Neighbours::hold));
    }

    /** A decline is an answer with status DECLINED, not a failure. */
    public Future<CallOutcome<Authorization>> authorizePayment(String idempotencyKey, String customerId, String paymentMethodId,
                                                               long amountMinor, String currency, String reference) {
        AuthorizePaymentRequest request = AuthorizePaymentRequest.newBuilder()
            .setIdempotencyKey(idempotencyKey)
            .setCustomerId(customerId)
            .setPaymentMethodId(paymentMethodId)
            .setAmount(CheckoutContract.money(amountMinor, currency))
            .setReference(reference)
            .build();
        return paymentCall.call("AuthorizePayment", () -> unary(addresses.payment(), PaymentServiceGrpcClient.AuthorizePayment, request))
            .map(outcome -> outcome.map(Neighbours::authorization));
    }

    public Future<CallOutcome<Authorization>> capturePayment(String authorizationId, String idempotencyKey) {
        CapturePaymentRequest request = CapturePaymentRequest.newBuilder().setAuthorizationId(authorizationId)
            .setIdempotencyKey(idempotencyKey).build();
        return paymentCall.call("CapturePayment", () -> unary(addresses.payment(), PaymentServiceGrpcClient.CapturePayment, request))
            .map(outcome -> outcome.map(Neighbours::authorization));
    }

    public Future<CallOutcome<Authorization>> voidAuthorization(String authorizationId, String idempotencyKey) {
        VoidAuthorizationRequest request = VoidAuthorizationRequest.newBuilder().setAuthorizationId(authorizationId)
            .setIdempotencyKey(idempotencyKey).build();
        return paymentCall.call("VoidAuthorization",
                () -> unary(addresses.payment(), PaymentServiceGrpcClient.VoidAuthorization, request))
            .map(outcome -> outcome.map(Neighbours::authorization));
    }

    /**
     * The rates for sending {@code lines} (worth {@code orderValueMinor}) to {@code destination}, as quoted; a rate
     * quoted without a currency is in {@code currency}.
     */
    public Future<CallOutcome<List<ShippingQuote>>> shippingRates(Optional<PostalAddress> destination, long orderValueMinor,
                                                                 String currency, List<FrozenLine> lines) {
        GetRatesRequest.Builder request = GetRatesRequest.newBuilder()
            .setOrderValue(CheckoutContract.money(orderValueMinor, currency));
        destination.ifPresent(a -> request.setDestination(CheckoutContract.address(a)));
        for (FrozenLine l : lines) {
            request.addLines(ParcelLine.newBuilder().setProductId(l.productId()).setQuantity(l.quantity()));
        }
        return shippingCall.call("GetRates", () -> unary(addresses.shipping(), ShippingServiceGrpcClient.GetRates, request.build()))
            .map(outcome -> outcome.map(response -> {
                List<ShippingQuote> quotes = new ArrayList<>(response.getRatesCount());
                for (ShippingRate rate : response.getRatesList()) {
                    String rateCurrency = rate.getPrice().getCurrencyCode().isEmpty() ? currency : rate.getPrice().getCurrencyCode();
                    quotes.add(new ShippingQuote(rate.getShippingMethodId(), rate.getName(), rate.getPrice().getAmountMinor(),
                        rateCurrency, rate.getEstimatedDays()));
                }
                return quotes;
            }));
    }

    /**
     * Places the order through the one Order service client; idempotent on the draft's key (the checkout id): a retry
     * returns the same order. NOT_FOUND is a refusal like any other definite "no".
     */
    public Future<CallOutcome<PlacedOrder>> createOrder(OrderDraft draft) {
        return orders.createOrder(OrderReceipts.request(draft)).map(Neighbours::placed);
    }

    public Future<CallOutcome<CustomerProfile>> customer(String customerId) {
        return customerCall.call("GetCustomer", () -> unary(addresses.customer(), CustomerServiceGrpcClient.GetCustomer,
                GetCustomerRequest.newBuilder().setCustomerId(customerId).build()))
            .map(outcome -> outcome.map(customer -> new CustomerProfile(customer.getName(), customer.hasDefaultAddress()
                ? Optional.of(CheckoutContract.postalAddress(customer.getDefaultAddress())) : Optional.empty())));
    }

    private static StockHold hold(Reservation r) {
        return new StockHold(r.getReservationId(), CheckoutContract.instant(r.getExpiresAt()));
    }

    private static Authorization authorization(PaymentAuthorization a) {
        Authorization.Status status = switch (a.getStatus()) {
            case AUTHORIZATION_STATUS_UNSPECIFIED -> Authorization.Status.UNSPECIFIED;
            case AUTHORIZATION_STATUS_AUTHORIZED -> Authorization.Status.AUTHORIZED;
            case AUTHORIZATION_STATUS_DECLINED -> Authorization.Status.DECLINED;
            case AUTHORIZATION_STATUS_CAPTURED -> Authorization.Status.CAPTURED;
            case AUTHORIZATION_STATUS_VOIDED -> Authorization.Status.VOIDED;
            case UNRECOGNIZED -> Authorization.Status.UNRECOGNIZED;
        };
        return new Authorization(a.getAuthorizationId(), status, a.getDeclineReason());
    }

    private static CallOutcome<PlacedOrder> placed(OrderResult result) {
        if (result instanceof OrderResult.Order created) {
            return new CallOutcome.Answered<>(OrderReceipts.placed(created.details()));
        }
        if (result instanceof OrderResult.Refused refused) {
            return new CallOutcome.Failed<>(new CallFailure.Refused("order", "CreateOrder", refused.status(), refused.message()));
        }
        if (result instanceof OrderResult.NotFound notFound) {
            return new CallOutcome.Failed<>(new CallFailure.Refused("order", "CreateOrder", GrpcStatus.NOT_FOUND, notFound.orderId()));
        }
        if (result instanceof OrderResult.Unknown unknown) {
            return new CallOutcome.Failed<>(new CallFailure.Unknown("order", "CreateOrder", unknown.reason()));
        }
        return new CallOutcome.Failed<>(new CallFailure.Unavailable("order", "CreateOrder", ((OrderResult.Unavailable) result).reason()));
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
