package dev.cartwright.pricing;

import static dev.cartwright.pricing.PricingFixtures.EUR;
import static dev.cartwright.pricing.PricingFixtures.EXCLUSIVE_REGION;
import static dev.cartwright.pricing.PricingFixtures.MUG_X1;
import static dev.cartwright.pricing.PricingFixtures.eur;
import static dev.cartwright.pricing.PricingFixtures.promotion;
import static dev.cartwright.pricing.PricingFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Currency;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PricingCoreTest {

    private final PricingCore core = new PricingCore(PricingFixtures.book(), PromotionSet.empty(3), PricingFixtures.taxTable(),
        CartLimits.defaults());

    @Test
    void startsAtVersionOneAndEveryChangeAddsOne() {
        PricingSnapshot first = core.current();

        PricingSnapshot second = core.applyPriceChanges(List.of(new PriceEntry("mug", eur(900), "kitchen", true, "standard")));
        PricingSnapshot third = core.setRegionTax("FR", RegionTax.inclusive(2000));

        assertThat(first.version()).isEqualTo(1);
        assertThat(second.version()).isEqualTo(2);
        assertThat(third.version()).isEqualTo(3);
        assertThat(core.current()).isSameAs(third);
    }

    @Test
    void aPublishedSnapshotIsInForceUnlessANewerOneAlreadyIs() {
        PricingSnapshot first = core.current();
        PricingSnapshot second = first.withLimits(new CartLimits(1, 10, 5));
        PricingSnapshot third = second.withLimits(new CartLimits(1, 10, 6));

        assertThat(core.publish(third)).isSameAs(third);
        assertThat(core.publish(second)).as("an older hand-over arriving late").isSameAs(third);
        assertThat(core.current()).isSameAs(third);
    }

    @Test
    void aPriceChangeBuildsANewBookAndLeavesTheOldSnapshotAlone() {
        PricingSnapshot before = core.current();

        core.applyPriceChanges(List.of(new PriceEntry("mug", eur(900), "kitchen", true, "standard"),
            new PriceEntry("bowl", eur(1500), "kitchen", true, "standard")));

        PriceBook after = core.current().priceBook();
        assertThat(after.find("mug").orElseThrow().unitPrice()).isEqualTo(eur(900));
        assertThat(after.find("bowl")).isPresent();
        assertThat(after.find("tee").orElseThrow().unitPrice()).isEqualTo(eur(2000));
        assertThat(before.priceBook().find("mug").orElseThrow().unitPrice()).isEqualTo(eur(800));
        assertThat(before.priceBook().find("bowl")).isEmpty();
        assertThat(core.current().promotions()).isSameAs(before.promotions());
        assertThat(core.current().taxTable()).isSameAs(before.taxTable());
    }

    @Test
    void productsCanBeWithdrawn() {
        core.withdrawProducts(List.of("mug"));

        assertThat(core.current().priceBook().find("mug")).isEmpty();
        assertThat(core.current().priceBook().size()).isEqualTo(3);
    }

    @Test
    void promotionChangesTakeEffectForTheNextTotals() {
        assertThat(core.totals(request(EXCLUSIVE_REGION, 0, List.of("MUG1"), MUG_X1)).notApplied())
            .containsExactly(new PromotionDecision.Rejected("MUG1", RejectionReason.UNKNOWN_CODE));

        core.applyPromotionChanges(List.of(promotion("MUG1", new PromotionRule.AmountOff(eur(100), Target.product("mug")))), List.of());
        Totals withPromotion = core.totals(request(EXCLUSIVE_REGION, 0, List.of("MUG1"), MUG_X1));
        core.applyPromotionChanges(List.of(), List.of("MUG1"));

        assertThat(withPromotion.lineDiscounts()).isEqualTo(100);
        assertThat(core.current().promotions().find("MUG1")).isEmpty();
        assertThat(core.checkPromotion("MUG1", request(EXCLUSIVE_REGION, 0, List.of(), MUG_X1)))
            .isEqualTo(new PromotionDecision.Rejected("MUG1", RejectionReason.UNKNOWN_CODE));
    }

    @Test
    void wholePartsCanBeReplaced() {
        PriceBook book = PriceBook.of(EUR, List.of(new PriceEntry("hat", eur(1200), "apparel", true, "standard")));
        PromotionSet promotions = PromotionSet.of(1, List.of(promotion("X", new PromotionRule.FreeShipping())));
        TaxTable taxes = TaxTable.of(Map.of("NL", RegionTax.inclusive(2100)));

        PricingSnapshot replaced = core.replaceAll(book, promotions, taxes);

        assertThat(replaced.priceBook()).isSameAs(book);
        assertThat(replaced.promotions()).isSameAs(promotions);
        assertThat(replaced.taxTable()).isSameAs(taxes);
        assertThat(core.replacePriceBook(PricingFixtures.book()).version()).isEqualTo(3);
        assertThat(core.replacePromotions(PromotionSet.empty(2)).promotions().maxPromotionsPerCart()).isEqualTo(2);
        assertThat(core.replaceTaxTable(PricingFixtures.taxTable()).taxTable().knows("DE")).isTrue();
        assertThat(core.replaceLimits(new CartLimits(1, 10, 5)).limits().maxLinesPerCart()).isEqualTo(5);
    }

    @Test
    void anUpdateMustMoveTheVersionForward() {
        PricingSnapshot before = core.current();

        assertThatThrownBy(() -> core.update(snapshot -> before)).isInstanceOf(IllegalStateException.class);
        assertThat(core.current()).isSameAs(before);
    }

    @Test
    void aPromotionInAnotherCurrencyIsRefusedAndNothingChanges() {
        Promotion dollars = Promotion.simple("USD", new PromotionRule.AmountOff(Money.of(100, "USD"), Target.wholeOrder()),
            Currency.getInstance("USD"));
        PricingSnapshot before = core.current();

        assertThatThrownBy(() -> core.applyPromotionChanges(List.of(dollars), List.of())).isInstanceOf(CurrencyMismatchException.class);
        assertThat(core.current()).isSameAs(before);
    }

    @Test
    void limitsDefaultToNineHundredNinetyNinePerLineAndTwoHundredLines() {
        CartLimits limits = CartLimits.defaults();

        assertThat(limits.allowsQuantity(1)).isTrue();
        assertThat(limits.allowsQuantity(999)).isTrue();
        assertThat(limits.allowsQuantity(0)).isFalse();
        assertThat(limits.allowsQuantity(1000)).isFalse();
        assertThat(limits.allowsLineCount(200)).isTrue();
        assertThat(limits.allowsLineCount(201)).isFalse();
        assertThat(core.current().limits()).isEqualTo(limits);
    }
}
