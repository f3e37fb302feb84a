package dev.cartwright.sim;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.cartwright.proto.common.v1.Address;
import dev.cartwright.proto.common.v1.Money;
import dev.cartwright.proto.platform.v1.CodeUsage;
import dev.cartwright.proto.platform.v1.CreateReturnLabelRequest;
import dev.cartwright.proto.platform.v1.Customer;
import dev.cartwright.proto.platform.v1.CustomerServiceGrpcClient;
import dev.cartwright.proto.platform.v1.GetCustomerRequest;
import dev.cartwright.proto.platform.v1.GetCustomerUsageRequest;
import dev.cartwright.proto.platform.v1.GetRatesRequest;
import dev.cartwright.proto.platform.v1.GetRatesResponse;
import dev.cartwright.proto.platform.v1.ListPromotionsRequest;
import dev.cartwright.proto.platform.v1.ListPromotionsResponse;
import dev.cartwright.proto.platform.v1.PromotionDefinition;
import dev.cartwright.proto.platform.v1.PromotionServiceGrpcClient;
import dev.cartwright.proto.platform.v1.RecordUsageRequest;
import dev.cartwright.proto.platform.v1.ReturnLabel;
import dev.cartwright.proto.platform.v1.ShippingRate;
import dev.cartwright.proto.platform.v1.ShippingServiceGrpcClient;

import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class PromotionShippingCustomerSimulatorTest {

    private static SimHarness harness;

    @BeforeAll
    static void start(Vertx vertx) {
        harness = SimHarness.start(vertx, SimHarness.testConfig());
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void promotions_cover_every_kind_and_the_documented_codes() {
        ListPromotionsResponse response = harness.call(() ->
            harness.promotion().listPromotions(ListPromotionsRequest.getDefaultInstance()));
        Map<String, PromotionDefinition> byCode = response.getPromotionsList().stream()
            .collect(Collectors.toMap(PromotionDefinition::getCode, p -> p));

        assertThat(response.getMaxPerCart()).isEqualTo(3);
        assertThat(response.getPromotionsList().stream().map(PromotionDefinition::getKind).collect(Collectors.toSet()))
            .isEqualTo(Set.of("percent_off_order", "amount_off_order", "percent_off_product", "amount_off_product",
                "percent_off_category", "amount_off_category", "buy_x_get_y", "free_shipping"));
        assertThat(byCode.get("SAVE10").getPercentBp()).isEqualTo(1000);
        assertThat(byCode.get("FIVEOFF").getAmount().getAmountMinor()).isEqualTo(500);
        assertThat(byCode.get("FIVEOFF").getMinimumOrder().getAmountMinor()).isEqualTo(2500);
        assertThat(byCode.get("TSHIRT20").getCategoryId()).isEqualTo("c1");
        assertThat(byCode.get("B2G1").getBuyQuantity()).isEqualTo(2);
        assertThat(byCode.get("B2G1").getGetQuantity()).isEqualTo(1);
        assertThat(byCode.get("ONCE").getPerCustomerLimit()).isEqualTo(1);
        assertThat(byCode.get("SOLO").getCombinable()).isFalse();
        assertThat(byCode.get("SAVE10").getCombinable()).isTrue();
        long now = harness.sim.config().clock().instant().getEpochSecond();
        assertThat(byCode.get("EXPIRED2020").getValidUntil().getSeconds()).isLessThan(now);
        assertThat(byCode.get("FUTURE").getValidFrom().getSeconds()).isGreaterThan(now);
    }

    @Test
    void usage_is_recorded_once_per_key() {
        PromotionServiceGrpcClient promotion = harness.promotion();
        RecordUsageRequest use = RecordUsageRequest.newBuilder().setCustomerId("c-usage").addCodes("ONCE").addCodes("save10")
            .setIdempotencyKey("chk-u1:promotions").build();

        harness.call(() -> promotion.recordUsage(use));
        harness.call(() -> promotion.recordUsage(use));
        harness.call(() ->
            promotion.recordUsage(use.toBuilder().setIdempotencyKey("chk-u2:promotions").clearCodes().addCodes("SAVE10").build()));

        Map<String, Integer> usage = harness.call(() ->
            promotion.getCustomerUsage(GetCustomerUsageRequest.newBuilder().setCustomerId("c-usage")
            .addCodes("ONCE").addCodes("SAVE10").addCodes("FREESHIP").build())).getUsageList().stream()
            .collect(Collectors.toMap(CodeUsage::getCode, CodeUsage::getTimesUsed));
        assertThat(usage).isEqualTo(Map.of("ONCE", 1, "SAVE10", 2, "FREESHIP", 0));
        assertThat(harness.statusOf(() -> promotion.recordUsage(use.toBuilder().setIdempotencyKey("k3").addCodes("NOPE").build())))
            .isEqualTo(GrpcStatus.NOT_FOUND);
    }

    @Test
    void rates_are_standard_express_and_overnight_in_the_us() {
        GetRatesResponse small = harness.call(() -> harness.shipping().getRates(rates(4000, "US")));
        GetRatesResponse large = harness.call(() -> harness.shipping().getRates(rates(10_000, "US")));
        GetRatesResponse germany = harness.call(() -> harness.shipping().getRates(rates(4000, "DE")));

        assertThat(small.getRatesList()).extracting(ShippingRate::getShippingMethodId).containsExactly("standard", "express", "overnight");
        assertThat(small.getRates(0).getPrice().getAmountMinor()).isEqualTo(499);
        assertThat(small.getRates(0).getEstimatedDays()).isEqualTo(5);
        assertThat(small.getRates(1).getPrice().getAmountMinor()).isEqualTo(1499);
        assertThat(small.getRates(1).getEstimatedDays()).isEqualTo(2);
        assertThat(large.getRates(0).getPrice().getAmountMinor()).as("free standard shipping from $100").isZero();
        assertThat(germany.getRatesList()).extracting(ShippingRate::getShippingMethodId).containsExactly("standard", "express");
    }

    @Test
    void nothing_ships_to_antarctica() {
        SimHarness.Failure refused = harness.failure(SimService.SHIPPING, ShippingServiceGrpcClient.GetRates, rates(4000, "AQ"));

        assertThat(refused.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(refused.message()).isEqualTo("no shipping to AQ");
        assertThat(refused.details().errorInfo().getReason()).isEqualTo("DESTINATION_NOT_SERVED");
        assertThat(refused.details().preconditionViolations()).singleElement()
            .satisfies(v -> assertThat(v.getSubject()).isEqualTo("countries/AQ"));
    }

    @Test
    void a_return_label_is_the_same_for_the_same_key() {
        CreateReturnLabelRequest request = CreateReturnLabelRequest.newBuilder()
            .setIdempotencyKey("ret-9:label").setReturnId("ret-9").setOrderId("ord-1").build();

        ReturnLabel first = harness.call(() -> harness.shipping().createReturnLabel(request));
        ReturnLabel second = harness.call(() -> harness.shipping().createReturnLabel(request));
        ReturnLabel other = harness.call(() ->
            harness.shipping().createReturnLabel(request.toBuilder().setIdempotencyKey("ret-10:label").build()));

        assertThat(second).isEqualTo(first);
        assertThat(first.getCarrier()).isEqualTo("SIMPOST");
        assertThat(first.getTrackingNumber()).isEqualTo(ShippingSimulator.trackingNumber("ret-9:label")).matches("SP\\d{12}");
        assertThat(other.getTrackingNumber()).isNotEqualTo(first.getTrackingNumber());
    }

    @Test
    void every_customer_exists_the_same_way_every_time() {
        CustomerServiceGrpcClient customers = harness.customer();

        Customer c123 = harness.call(() -> customers.getCustomer(GetCustomerRequest.newBuilder().setCustomerId("123").build()));
        Customer german = harness.call(() -> customers.getCustomer(GetCustomerRequest.newBuilder().setCustomerId("de-7").build()));

        assertThat(c123).isEqualTo(CustomerSimulator.customer("123"));
        assertThat(c123.getRegion()).startsWith("US-");
        assertThat(c123.getDefaultAddress().getCountryCode()).isEqualTo("US");
        assertThat(german.getRegion()).isEqualTo("DE");
        assertThat(harness.statusOf(() -> customers.getCustomer(GetCustomerRequest.newBuilder().setCustomerId("missing-1").build())))
            .isEqualTo(GrpcStatus.NOT_FOUND);
    }

    private static GetRatesRequest rates(long orderValue, String country) {
        return GetRatesRequest.newBuilder()
            .setDestination(Address.newBuilder().setCountryCode(country))
            .setOrderValue(Money.newBuilder().setAmountMinor(orderValue).setCurrencyCode("USD"))
            .build();
    }
}
