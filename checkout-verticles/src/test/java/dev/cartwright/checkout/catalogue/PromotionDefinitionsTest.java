package dev.cartwright.checkout.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.pricing.Promotion;
import dev.cartwright.pricing.PromotionRule;
import dev.cartwright.pricing.PromotionSet;
import dev.cartwright.pricing.Target;
import dev.cartwright.proto.common.v1.Money;
import dev.cartwright.proto.platform.v1.ListPromotionsResponse;
import dev.cartwright.proto.platform.v1.PromotionDefinition;
import dev.cartwright.sim.PromotionSimulator;
import java.time.Instant;
import java.util.Currency;
import org.junit.jupiter.api.Test;

class PromotionDefinitionsTest {

    private static final Currency USD = Currency.getInstance("USD");

    @Test
    void everySimulatedPromotionKindTranslates() {
        PromotionSet set = PromotionDefinitions.toPromotionSet(ListPromotionsResponse.newBuilder()
            .addAllPromotions(PromotionSimulator.PROMOTIONS).setMaxPerCart(3).build(), USD);
        assertThat(set.size()).isEqualTo(PromotionSimulator.PROMOTIONS.size());
        assertThat(set.maxPromotionsPerCart()).isEqualTo(3);
        assertThat(set.promotionOrNull("SAVE10").rule()).isEqualTo(new PromotionRule.PercentOff(1000, Target.wholeOrder()));
        assertThat(set.promotionOrNull("TSHIRT20").rule()).isEqualTo(new PromotionRule.PercentOff(2000, Target.category("c1")));
        assertThat(set.promotionOrNull("B2G1").rule()).isEqualTo(new PromotionRule.BuyXGetY(2, 1, Target.category("c2")));
        assertThat(set.promotionOrNull("FREESHIP").rule()).isInstanceOf(PromotionRule.FreeShipping.class);
        assertThat(set.promotionOrNull("FIVEOFF").minimumOrder().amount()).isEqualTo(2500);
        assertThat(set.promotionOrNull("ONCE").usageLimitPerCustomer()).isEqualTo(1);
        assertThat(set.promotionOrNull("SAVE10").usageLimitPerCustomer()).isEqualTo(Promotion.UNLIMITED);
        assertThat(set.promotionOrNull("SOLO").combinable()).isFalse();
        assertThat(set.promotionOrNull("EXPIRED2020").validity().endedAt(Instant.parse("2021-01-01T00:00:00Z"))).isTrue();
    }

    @Test
    void aDefinitionTheCoreCannotExpressIsLeftOutAndTheRestStay() {
        PromotionSet set = PromotionDefinitions.toPromotionSet(ListPromotionsResponse.newBuilder()
            .addPromotions(PromotionDefinition.newBuilder().setCode("WEIRD").setKind("half_moon_special").build())
            .addPromotions(PromotionDefinition.newBuilder().setCode("EUROS").setKind("amount_off_order")
                .setAmount(Money.newBuilder().setAmountMinor(500).setCurrencyCode("EUR")).build())
            .addPromotions(PromotionDefinition.newBuilder().setCode("zero").setKind("percent_off_order").setPercentBp(0).build())
            .addPromotions(PromotionDefinition.newBuilder().setCode("fine").setKind("percent_off_order").setPercentBp(500).build())
            .build(), USD);
        assertThat(set.size()).isEqualTo(1);
        assertThat(set.promotionOrNull("FINE")).as("codes are held upper-cased").isNotNull();
        assertThat(set.maxPromotionsPerCart()).isEqualTo(PromotionSet.DEFAULT_MAX_PER_CART);
    }
}
