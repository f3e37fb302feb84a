package dev.cartwright.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.cartwright.proto.platform.v1.CatalogServiceGrpcClient;
import dev.cartwright.proto.platform.v1.GetAvailabilityRequest;
import dev.cartwright.proto.platform.v1.GetPricesRequest;
import dev.cartwright.proto.platform.v1.GetPricesResponse;
import dev.cartwright.proto.platform.v1.GetProductsRequest;
import dev.cartwright.proto.platform.v1.GetProductsResponse;
import dev.cartwright.proto.platform.v1.ListAvailabilityRequest;
import dev.cartwright.proto.platform.v1.ListAvailabilityResponse;
import dev.cartwright.proto.platform.v1.ListPricesRequest;
import dev.cartwright.proto.platform.v1.ListPricesResponse;
import dev.cartwright.proto.platform.v1.ListProductsRequest;
import dev.cartwright.proto.platform.v1.ListProductsResponse;
import dev.cartwright.proto.platform.v1.Product;
import dev.cartwright.proto.platform.v1.PricingServiceGrpcClient;
import dev.cartwright.proto.platform.v1.StockLevel;

import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class CatalogAndPricingSimulatorTest {

    private static SimHarness harness;
    private static Catalogue catalogue;

    @BeforeAll
    static void start(Vertx vertx) {
        harness = SimHarness.start(vertx, SimHarness.testConfig());
        catalogue = harness.sim.catalogue();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void get_products_answers_the_known_ids_and_leaves_out_unknown_ones() {
        GetProductsResponse response = harness.call(() -> harness.catalog().getProducts(
            GetProductsRequest.newBuilder().addProductIds("456").addProductIds("no-such").addProductIds("997").build()));

        assertThat(response.getProductsList()).extracting(Product::getProductId).containsExactly("456", "997");
        Product p456 = response.getProducts(0);
        CatalogueProduct expected = catalogue.find("456").orElseThrow();
        assertThat(p456.getName()).isEqualTo(expected.name());
        assertThat(p456.getCategoryId()).isEqualTo(expected.categoryId());
        assertThat(p456.getSellable()).isTrue();
        assertThat(response.getProducts(1).getSellable()).isFalse();
    }

    @Test
    void list_products_pages_through_the_whole_catalogue_once() {
        CatalogServiceGrpcClient client = harness.catalog();
        List<String> seen = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListProductsRequest request = ListProductsRequest.newBuilder().setPageSize(1200).setPageToken(token).build();
            ListProductsResponse page = harness.call(() -> client.listProducts(request));
            page.getProductsList().forEach(p -> seen.add(p.getProductId()));
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty());

        assertThat(pages).isEqualTo(5);
        assertThat(seen).hasSize(5000).doesNotHaveDuplicates().startsWith("1", "2").endsWith("5000");
    }

    @Test
    void a_page_token_the_service_did_not_issue_is_invalid() {
        SimHarness.Failure failure = harness.failure(SimService.CATALOG, CatalogServiceGrpcClient.ListProducts,
            ListProductsRequest.newBuilder().setPageToken("banana").build());

        assertThat(failure.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(failure.message()).contains("page_token");
    }

    @Test
    void prices_are_the_catalogue_list_prices_in_usd() {
        GetPricesResponse response = harness.call(() -> harness.pricing().getPrices(
            GetPricesRequest.newBuilder().addProductIds("1").addProductIds("456").setCurrencyCode("USD").build()));

        assertThat(response.getPricesList()).hasSize(2);
        assertThat(response.getPrices(1).getProductId()).isEqualTo("456");
        assertThat(response.getPrices(1).getUnitPrice().getAmountMinor()).isEqualTo(catalogue.find("456").orElseThrow().priceMinor());
        assertThat(response.getPrices(1).getUnitPrice().getCurrencyCode()).isEqualTo("USD");
    }

    @Test
    void list_prices_covers_every_product() {
        PricingServiceGrpcClient client = harness.pricing();
        Set<String> seen = new HashSet<>();
        String token = "";
        do {
            ListPricesRequest request = ListPricesRequest.newBuilder().setPageSize(5000).setPageToken(token).build();
            ListPricesResponse page = harness.call(() -> client.listPrices(request));
            page.getPricesList().forEach(p -> seen.add(p.getProductId()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());

        assertThat(seen).hasSize(5000);
    }

    @Test
    void a_changed_price_is_what_pricing_answers_from_then_on() {
        harness.call(() -> harness.sim.pricing().changePrice("77", 1234));

        GetPricesResponse response = harness.call(() ->
            harness.pricing().getPrices(GetPricesRequest.newBuilder().addProductIds("77").build()));

        assertThat(response.getPrices(0).getUnitPrice().getAmountMinor()).isEqualTo(1234);
        assertThat(harness.sim.pricing().priceOf("77")).isEqualTo(1234);
    }

    @Test
    void only_usd_is_priced() {
        SimHarness.Failure failure = harness.failure(SimService.PRICING, PricingServiceGrpcClient.GetPrices,
            GetPricesRequest.newBuilder().addProductIds("1").setCurrencyCode("EUR").build());

        assertThat(failure.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(failure.message()).contains("currency_code");
    }

    @Test
    void availability_starts_at_the_catalogue_stock() {
        List<StockLevel> levels = harness.call(() -> harness.warehouse().getAvailability(
            GetAvailabilityRequest.newBuilder().addProductIds("499").addProductIds("202").addProductIds("9999").build())).getLevelsList();

        assertThat(levels).extracting(StockLevel::getProductId).containsExactly("499", "202");
        assertThat(levels.get(0).getAvailable()).isZero();
        assertThat(levels.get(1).getAvailable()).isEqualTo(Catalogue.LOW_STOCK);

        ListAvailabilityResponse page = harness.call(() -> harness.warehouse().listAvailability(
            ListAvailabilityRequest.newBuilder().setPageSize(10).setPageToken("4995").build()));
        assertThat(page.getLevelsList()).extracting(StockLevel::getProductId).containsExactly("4996", "4997", "4998", "4999", "5000");
        assertThat(page.getNextPageToken()).isEmpty();
    }
}
