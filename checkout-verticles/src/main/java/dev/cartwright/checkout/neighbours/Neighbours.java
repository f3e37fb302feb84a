package dev.cartwright.checkout.neighbours;

import dev.cartwright.proto.platform.v1.CatalogServiceGrpcClient;
import dev.cartwright.proto.platform.v1.GetCustomerUsageRequest;
import dev.cartwright.proto.platform.v1.ListAvailabilityRequest;
import dev.cartwright.proto.platform.v1.ListAvailabilityResponse;
import dev.cartwright.proto.platform.v1.ListPricesRequest;
import dev.cartwright.proto.platform.v1.ListPricesResponse;
import dev.cartwright.proto.platform.v1.ListProductsRequest;
import dev.cartwright.proto.platform.v1.ListProductsResponse;
import dev.cartwright.proto.platform.v1.ListPromotionsRequest;
import dev.cartwright.proto.platform.v1.ListPromotionsResponse;
import dev.cartwright.proto.platform.v1.PricingServiceGrpcClient;
import dev.cartwright.proto.platform.v1.PromotionServiceGrpcClient;
import dev.cartwright.proto.platform.v1.WarehouseServiceGrpcClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
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
    private final NeighbourCall catalogCall;
    private final NeighbourCall pricingCall;
    private final NeighbourCall promotionCall;
    private final NeighbourCall warehouseCall;

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
        this.catalogCall = new NeighbourCall("catalog", vertx, timeout, maxFailures, reset, retries);
        this.pricingCall = new NeighbourCall("pricing", vertx, timeout, maxFailures, reset, retries);
        this.promotionCall = new NeighbourCall("promotion", vertx, timeout, maxFailures, reset, retries);
        this.warehouseCall = new NeighbourCall("warehouse", vertx, timeout, maxFailures, reset, retries);
    }

    public void bindTo(MeterRegistry registry) {
        for (NeighbourCall call : List.of(catalogCall, pricingCall, promotionCall, warehouseCall)) {
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

    public Future<Void> close() {
        return client.close();
    }
}
