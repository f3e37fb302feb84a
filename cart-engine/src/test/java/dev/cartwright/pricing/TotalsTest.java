package dev.cartwright.pricing;

import static dev.cartwright.pricing.PricingFixtures.BOOK_X1;
import static dev.cartwright.pricing.PricingFixtures.EXCLUSIVE_REGION;
import static dev.cartwright.pricing.PricingFixtures.INCLUSIVE_REGION;
import static dev.cartwright.pricing.PricingFixtures.MUG_X1;
import static dev.cartwright.pricing.PricingFixtures.NOW;
import static dev.cartwright.pricing.PricingFixtures.TEE_X2;
import static dev.cartwright.pricing.PricingFixtures.eur;
import static dev.cartwright.pricing.PricingFixtures.promotion;
import static dev.cartwright.pricing.PricingFixtures.request;
import static dev.cartwright.pricing.PricingFixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-computed totals: every figure below was worked out on paper from the fixtures' prices and rates. */
class TotalsTest {

    @Test
    void exclusiveTaxIsAddedPerLineOnTopOfThePrice() {
        Totals totals = snapshot().totals(request(EXCLUSIVE_REGION, 500, List.of(), TEE_X2, MUG_X1));

        // 8 % of 40.00 is 3.20; 8 % of 8.00 is 0.64.
        assertThat(totals.lines()).containsExactly(
            new LineTotal("tee", "apparel", 2, 2000, 4000, 0, 0, 320, 4320),
            new LineTotal("mug", "kitchen", 1, 800, 800, 0, 0, 64, 864));
        assertThat(totals.taxMode()).isEqualTo(TaxMode.EXCLUSIVE);
        assertThat(totals.subtotal()).isEqualTo(4800);
        assertThat(totals.tax()).isEqualTo(384);
        assertThat(totals.shipping()).isEqualTo(500);
        assertThat(totals.grandTotal()).isEqualTo(5684);
        assertThat(totals.itemCount()).isEqualTo(3);
        assertThat(totals.currency()).isEqualTo(PricingFixtures.EUR);
    }

    @Test
    void inclusiveTaxIsExtractedFromThePriceByTaxClass() {
        Totals totals = snapshot().totals(request(INCLUSIVE_REGION, 0, List.of(), TEE_X2, BOOK_X1));

        // 40.00 * 19/119 = 6.3866 -> 6.39; the book is reduced rate: 12.00 * 7/107 = 0.78504 -> 0.79 (half-up).
        assertThat(totals.lines()).containsExactly(
            new LineTotal("tee", "apparel", 2, 2000, 4000, 0, 0, 639, 4000),
            new LineTotal("book", "books", 1, 1200, 1200, 0, 0, 79, 1200));
        assertThat(totals.taxMode()).isEqualTo(TaxMode.INCLUSIVE);
        assertThat(totals.tax()).isEqualTo(718);
        assertThat(totals.grandTotal()).isEqualTo(5200);
    }

    @Test
    void productsMissingFromThePriceBookAreTaxedAtTheStandardRate() {
        Totals totals = snapshot().totals(request(INCLUSIVE_REGION, 0, List.of(), new PricingLine("gift-card", "vouchers", 1, 2380)));

        // 23.80 * 19/119 = 3.80 exactly.
        assertThat(totals.tax()).isEqualTo(380);
    }

    @Test
    void percentOffACategoryDiscountsItsLinesBeforeTax() {
        PricingSnapshot snapshot = snapshot(promotion("APPAREL10", new PromotionRule.PercentOff(1000, Target.category("apparel"))));

        Totals totals = snapshot.totals(request(INCLUSIVE_REGION, 0, List.of("APPAREL10"), TEE_X2, MUG_X1));

        // Tee: 40.00 - 4.00 = 36.00, tax 36.00 * 19/119 = 5.7479 -> 5.75. Mug untouched: 8.00 * 19/119 = 1.2773 -> 1.28.
        assertThat(totals.lines()).containsExactly(
            new LineTotal("tee", "apparel", 2, 2000, 4000, 400, 0, 575, 3600),
            new LineTotal("mug", "kitchen", 1, 800, 800, 0, 0, 128, 800));
        assertThat(totals.lineDiscounts()).isEqualTo(400);
        assertThat(totals.orderDiscounts()).isZero();
        assertThat(totals.grandTotal()).isEqualTo(4400);
        assertThat(totals.applied()).containsExactly(new AppliedPromotion("APPAREL10", 400));
        assertThat(totals.notApplied()).isEmpty();
    }

    @Test
    void percentOffAProductTouchesOnlyThatProduct() {
        PricingSnapshot snapshot = snapshot(promotion("MUG25", new PromotionRule.PercentOff(2500, Target.product("mug"))));

        Totals totals = snapshot.totals(request(EXCLUSIVE_REGION, 0, List.of("MUG25"), TEE_X2, MUG_X1));

        // Mug: 8.00 - 2.00 = 6.00, plus 8 % = 0.48.
        assertThat(totals.lines().get(0).discount()).isZero();
        assertThat(totals.lines().get(1)).isEqualTo(new LineTotal("mug", "kitchen", 1, 800, 800, 200, 0, 48, 648));
        assertThat(totals.grandTotal()).isEqualTo(4320 + 648);
    }

    @Test
    void fixedAmountOffAProductIsCappedAtWhatTheLineCosts() {
        PricingSnapshot snapshot = snapshot(promotion("MUG10EUR", new PromotionRule.AmountOff(eur(1000), Target.product("mug"))));

        Totals totals = snapshot.totals(request(EXCLUSIVE_REGION, 0, List.of("MUG10EUR"), MUG_X1));

        assertThat(totals.lines()).containsExactly(new LineTotal("mug", "kitchen", 1, 800, 800, 800, 0, 0, 0));
        assertThat(totals.applied()).containsExactly(new AppliedPromotion("MUG10EUR", 800));
        assertThat(totals.grandTotal()).isZero();
    }

    @Test
    void fixedAmountOffACategoryIsSharedByLargestRemainder() {
        PricingSnapshot snapshot = snapshot(promotion("KITCHEN1", new PromotionRule.AmountOff(eur(100), Target.category("kitchen"))));
        PricingLine cup = new PricingLine("cup", "kitchen", 1, 500);

        Totals totals = snapshot.totals(request(EXCLUSIVE_REGION, 0, List.of("KITCHEN1"), MUG_X1, cup));

        // 1.00 over 8.00 and 5.00: exact shares 61.54 and 38.46 cents; floors 61 + 38 = 99, the last cent goes to
        // the larger remainder (the mug). Tax: 7.38 * 8 % = 0.5904 -> 0.59; 4.62 * 8 % = 0.3696 -> 0.37.
        assertThat(totals.lines()).containsExactly(
            new LineTotal("mug", "kitchen", 1, 800, 800, 62, 0, 59, 797),
            new LineTotal("cup", "kitchen", 1, 500, 500, 38, 0, 37, 499));
        assertThat(totals.lineDiscounts()).isEqualTo(100);
    }

    @Test
    void percentOffTheOrderIsAllocatedToLinesToTheLastCent() {
        PricingSnapshot snapshot = snapshot(promotion("ORDER10", new PromotionRule.PercentOff(1000, Target.wholeOrder())));

        Totals totals = snapshot.totals(request(EXCLUSIVE_REGION, 0, List.of("ORDER10"),
            new PricingLine("a", "misc", 1, 333), new PricingLine("b", "misc", 1, 333), new PricingLine("c", "misc", 1, 334)));

        // 10 % of 10.00 = 1.00; exact shares 33.3, 33.3, 33.4: floors give 99, the last cent goes to c (largest remainder).
        assertThat(totals.orderDiscounts()).isEqualTo(100);
        assertThat(totals.lines()).extracting(LineTotal::orderDiscount).containsExactly(33L, 33L, 34L);
        assertThat(totals.lines()).extracting(LineTotal::tax).containsExactly(24L, 24L, 24L);
        assertThat(totals.grandTotal()).isEqualTo(972);
        assertThat(totals.applied()).containsExactly(new AppliedPromotion("ORDER10", 100));
    }

    @Test
    void equalRemaindersGoToTheLowestProductIdWhateverTheLineOrder() {
        PricingSnapshot snapshot = snapshot(promotion("EURO-OFF", new PromotionRule.AmountOff(eur(100), Target.wholeOrder())));
        PricingLine a = new PricingLine("a", "misc", 1, 100);
        PricingLine b = new PricingLine("b", "misc", 1, 100);
        PricingLine c = new PricingLine("c", "misc", 1, 100);

        Totals cab = snapshot.totals(request(EXCLUSIVE_REGION, 0, List.of("EURO-OFF"), c, a, b));
        Totals bca = snapshot.totals(request(EXCLUSIVE_REGION, 0, List.of("EURO-OFF"), b, c, a));

        // 1.00 over three equal lines: 33 each and one cent left, which the tie-break gives to "a".
        assertThat(cab.lines()).extracting(LineTotal::productId, LineTotal::orderDiscount)
            .containsExactly(tuple("c", 33L), tuple("a", 34L), tuple("b", 33L));
        assertThat(bca.lines()).extracting(LineTotal::productId, LineTotal::orderDiscount)
            .containsExactly(tuple("b", 33L), tuple("c", 33L), tuple("a", 34L));
    }

    @Test
    void fixedAmountOffTheOrderIsCappedAtTheOrder() {
        PricingSnapshot snapshot = snapshot(promotion("FIFTY", new PromotionRule.AmountOff(eur(5000), Target.wholeOrder())));

        Totals totals = snapshot.totals(request(EXCLUSIVE_REGION, 450, List.of("FIFTY"), MUG_X1));

        assertThat(totals.orderDiscounts()).isEqualTo(800);
        assertThat(totals.lines()).containsExactly(new LineTotal("mug", "kitchen", 1, 800, 800, 0, 800, 0, 0));
        assertThat(totals.grandTotal()).isEqualTo(450);
        assertThat(totals.applied()).containsExactly(new AppliedPromotion("FIFTY", 800));
    }

    @Test
    void buyTwoGetOneMakesTheCheapestCoveredUnitFree() {
        PricingSnapshot snapshot = snapshot(promotion("KITCHEN3FOR2", new PromotionRule.BuyXGetY(2, 1, Target.category("kitchen"))));
        PricingLine mugs = new PricingLine("mug", "kitchen", 2, 800);
        PricingLine cup = new PricingLine("cup", "kitchen", 1, 500);

        Totals totals = snapshot.totals(request(EXCLUSIVE_REGION, 0, List.of("KITCHEN3FOR2"), mugs, cup));

        // Three kitchen units: one is free, the 5.00 cup. Mugs: 16.00 + 8 % = 17.28.
        assertThat(totals.lines()).containsExactly(
            new LineTotal("mug", "kitchen", 2, 800, 1600, 0, 0, 128, 1728),
            new LineTotal("cup", "kitchen", 1, 500, 500, 500, 0, 0, 0));
        assertThat(totals.applied()).containsExactly(new AppliedPromotion("KITCHEN3FOR2", 500));
    }

    @Test
    void buyTwoGetOneCountsWholeGroupsOnly() {
        PricingSnapshot snapshot = snapshot(promotion("MUG3FOR2", new PromotionRule.BuyXGetY(2, 1, Target.product("mug"))));

        long fiveMugs = snapshot.totals(request(EXCLUSIVE_REGION, 0, List.of("MUG3FOR2"), new PricingLine("mug", "kitchen", 5, 800)))
            .lineDiscounts();
        long sixMugs = snapshot.totals(request(EXCLUSIVE_REGION, 0, List.of("MUG3FOR2"), new PricingLine("mug", "kitchen", 6, 800)))
            .lineDiscounts();
        long twoMugs = snapshot.totals(request(EXCLUSIVE_REGION, 0, List.of("MUG3FOR2"), new PricingLine("mug", "kitchen", 2, 800)))
            .lineDiscounts();

        assertThat(fiveMugs).isEqualTo(800);
        assertThat(sixMugs).isEqualTo(1600);
        assertThat(twoMugs).isZero();
    }

    @Test
    void buyTwoGetOneTakesFreeUnitsFromSeveralLinesCheapestFirst() {
        PricingSnapshot snapshot = snapshot(promotion("KITCHEN3FOR2", new PromotionRule.BuyXGetY(2, 1, Target.category("kitchen"))));

        Totals totals = snapshot.totals(request(EXCLUSIVE_REGION, 0, List.of("KITCHEN3FOR2"),
            new PricingLine("mug", "kitchen", 5, 800), new PricingLine("cup", "kitchen", 1, 500)));

        // Six units, two free: the only cup (5.00), then one mug (8.00).
        assertThat(totals.lines()).extracting(LineTotal::lineDiscount).containsExactly(800L, 500L);
    }

    @Test
    void lineDiscountsStackBuyXGetYFirstThenPercentages() {
        PricingSnapshot snapshot = snapshot(
            promotion("MUG3FOR2", new PromotionRule.BuyXGetY(2, 1, Target.product("mug"))),
            promotion("MUG10", new PromotionRule.PercentOff(1000, Target.product("mug"))));

        // Listed percentage first: the order of kinds is fixed, not the order of codes.
        Totals totals = snapshot.totals(
            request(EXCLUSIVE_REGION, 0, List.of("MUG10", "MUG3FOR2"), new PricingLine("mug", "kitchen", 3, 800)));

        // 24.00, one mug free = 16.00, then 10 % = 1.60 off.
        assertThat(totals.lineDiscounts()).isEqualTo(960);
        assertThat(totals.applied()).containsExactly(new AppliedPromotion("MUG10", 160), new AppliedPromotion("MUG3FOR2", 800));
    }

    @Test
    void freeShippingWaivesTheChosenShipping() {
        PricingSnapshot snapshot = snapshot(promotion("FREESHIP", new PromotionRule.FreeShipping()));

        Totals totals = snapshot.totals(request(EXCLUSIVE_REGION, 495, List.of("FREESHIP"), MUG_X1));

        assertThat(totals.shipping()).isZero();
        assertThat(totals.shippingDiscount()).isEqualTo(495);
        assertThat(totals.grandTotal()).isEqualTo(864);
        assertThat(totals.applied()).containsExactly(new AppliedPromotion("FREESHIP", 495));
    }

    @Test
    void orderAndLineDiscountsWithInclusiveTax() {
        PricingSnapshot snapshot = snapshot(promotion("ORDER10", new PromotionRule.PercentOff(1000, Target.wholeOrder())));

        Totals totals = snapshot.totals(request(INCLUSIVE_REGION, 0, List.of("ORDER10"), TEE_X2, BOOK_X1));

        // 10 % of 52.00 = 5.20, split 4.00 / 1.20 exactly. Tee 36.00 * 19/119 = 5.75; book 10.80 * 7/107 = 0.7065 -> 0.71.
        assertThat(totals.lines()).containsExactly(
            new LineTotal("tee", "apparel", 2, 2000, 4000, 0, 400, 575, 3600),
            new LineTotal("book", "books", 1, 1200, 1200, 0, 120, 71, 1080));
        assertThat(totals.tax()).isEqualTo(646);
        assertThat(totals.grandTotal()).isEqualTo(4680);
    }

    @Test
    void codesThatNoLongerApplyAreReportedNotThrown() {
        Promotion expired = promotion("SUMMER", new PromotionRule.PercentOff(2000, Target.wholeOrder()))
            .withValidity(ValidityWindow.between(NOW.minus(Duration.ofDays(60)), NOW.minus(Duration.ofDays(1))));
        Promotion bigSpender = promotion("BIG", new PromotionRule.PercentOff(1000, Target.wholeOrder())).withMinimumOrder(eur(5000));
        PricingSnapshot snapshot = snapshot(expired, bigSpender, promotion("FREESHIP", new PromotionRule.FreeShipping()));

        Totals totals = snapshot.totals(request(EXCLUSIVE_REGION, 300, List.of("SUMMER", "GONE", "BIG", "FREESHIP"), TEE_X2, MUG_X1));

        assertThat(totals.applied()).containsExactly(new AppliedPromotion("FREESHIP", 300));
        assertThat(totals.notApplied()).containsExactly(
            new PromotionDecision.Rejected("SUMMER", RejectionReason.EXPIRED),
            new PromotionDecision.Rejected("GONE", RejectionReason.UNKNOWN_CODE),
            new PromotionDecision.Rejected("BIG", RejectionReason.MINIMUM_NOT_MET));
        assertThat(totals.discounts()).isZero();
    }

    @Test
    void theSnapshotVersionIsReported() {
        PricingSnapshot first = snapshot();
        PricingSnapshot second = first.withLimits(CartLimits.defaults());

        assertThat(first.totals(request(EXCLUSIVE_REGION, 0, List.of(), MUG_X1)).snapshotVersion()).isEqualTo(1);
        assertThat(second.totals(request(EXCLUSIVE_REGION, 0, List.of(), MUG_X1)).snapshotVersion()).isEqualTo(2);
    }

    @Test
    void anEmptyCartCostsOnlyShipping() {
        Totals totals = snapshot().totals(request(EXCLUSIVE_REGION, 495, List.of()));

        assertThat(totals.lines()).isEmpty();
        assertThat(totals.grandTotal()).isEqualTo(495);
    }

    @Test
    void inputOutsideTheCartLimitsIsRefused() {
        PricingSnapshot snapshot = snapshot();
        List<PricingLine> tooMany = new ArrayList<>();
        for (int i = 0; i < 201; i++) {
            tooMany.add(new PricingLine("p" + i, "misc", 1, 100));
        }

        assertThatThrownBy(() -> snapshot.totals(request(EXCLUSIVE_REGION, 0, List.of(), new PricingLine("mug", "kitchen", 1000, 800))))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quantity");
        assertThatThrownBy(() -> snapshot.totals(new PricingRequest(tooMany, List.of(), EXCLUSIVE_REGION, 0, Map.of(), NOW)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("200 lines");
        assertThat(snapshot.totals(new PricingRequest(tooMany.subList(0, 200), List.of(), EXCLUSIVE_REGION, 0, Map.of(), NOW))
            .lines()).hasSize(200);
    }

    @Test
    void anUnknownTaxRegionIsRefused() {
        assertThatThrownBy(() -> snapshot().totals(request("XX", 0, List.of(), MUG_X1)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("XX");
    }

    @Test
    void promotionsMustBeInTheCurrencyOfThePriceBook() {
        Promotion dollars = Promotion.simple("USD5",
            new PromotionRule.AmountOff(Money.of(500, "USD"), Target.wholeOrder()), Currency.getInstance("USD"));

        assertThatThrownBy(() -> snapshot(dollars)).isInstanceOf(CurrencyMismatchException.class);
        assertThatThrownBy(() -> PriceBook.of(PricingFixtures.EUR,
            List.of(new PriceEntry("hat", Money.of(900, "USD"), "apparel", true, "standard"))))
            .isInstanceOf(CurrencyMismatchException.class);
    }
}
