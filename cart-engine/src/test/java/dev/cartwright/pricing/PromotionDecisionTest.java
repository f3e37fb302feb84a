package dev.cartwright.pricing;

import static dev.cartwright.pricing.PricingFixtures.EXCLUSIVE_REGION;
import static dev.cartwright.pricing.PricingFixtures.MUG_X1;
import static dev.cartwright.pricing.PricingFixtures.NOW;
import static dev.cartwright.pricing.PricingFixtures.TEE_X2;
import static dev.cartwright.pricing.PricingFixtures.eur;
import static dev.cartwright.pricing.PricingFixtures.promotion;
import static dev.cartwright.pricing.PricingFixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One example per reason a code is refused, and the boundaries of each rule. */
class PromotionDecisionTest {

    private static final Promotion TEN_OFF = promotion("TEN", new PromotionRule.PercentOff(1000, Target.wholeOrder()));
    private static final Promotion FREESHIP = promotion("FREESHIP", new PromotionRule.FreeShipping());
    private static final Promotion MUGS = promotion("MUGS", new PromotionRule.AmountOff(eur(100), Target.product("mug")));
    private static final Promotion SOLO = promotion("SOLO", new PromotionRule.PercentOff(3000, Target.wholeOrder()))
        .withCombinable(false);
    private static final Promotion WINTER = promotion("WINTER", new PromotionRule.PercentOff(1500, Target.wholeOrder()))
        .withValidity(ValidityWindow.between(Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2027-03-01T00:00:00Z")));
    private static final Promotion AUTUMN = promotion("AUTUMN", new PromotionRule.PercentOff(1500, Target.wholeOrder()))
        .withValidity(ValidityWindow.between(Instant.parse("2026-09-01T00:00:00Z"), NOW));
    private static final Promotion BIG = promotion("BIG", new PromotionRule.AmountOff(eur(1000), Target.wholeOrder()))
        .withMinimumOrder(eur(5000));
    private static final Promotion WELCOME = promotion("WELCOME", new PromotionRule.AmountOff(eur(500), Target.wholeOrder()))
        .withUsageLimitPerCustomer(1);

    private final PricingSnapshot snapshot = snapshot(2, TEN_OFF, FREESHIP, MUGS, SOLO, WINTER, AUTUMN, BIG, WELCOME);

    @Test
    void aValidCodeIsAccepted() {
        PromotionDecision decision = snapshot.checkPromotion("TEN", cart(List.of()));

        assertThat(decision).isEqualTo(new PromotionDecision.Accepted("TEN", TEN_OFF));
        assertThat(decision.isAccepted()).isTrue();
    }

    @Test
    void anUnknownCodeIsRejected() {
        assertThat(snapshot.checkPromotion("NOPE", cart(List.of()))).isEqualTo(rejected("NOPE", RejectionReason.UNKNOWN_CODE));
    }

    @Test
    void aCodeBeforeItsWindowIsNotYetValid() {
        assertThat(snapshot.checkPromotion("WINTER", cart(List.of()))).isEqualTo(rejected("WINTER", RejectionReason.NOT_YET_VALID));
        assertThat(snapshot.checkPromotion("WINTER", cartAt(Instant.parse("2026-12-01T00:00:00Z"))).isAccepted()).isTrue();
    }

    @Test
    void aCodeIsExpiredFromTheEndOfItsWindow() {
        assertThat(snapshot.checkPromotion("AUTUMN", cart(List.of()))).isEqualTo(rejected("AUTUMN", RejectionReason.EXPIRED));
        assertThat(snapshot.checkPromotion("AUTUMN", cartAt(NOW.minus(Duration.ofMillis(1)))).isAccepted()).isTrue();
    }

    @Test
    void aCodeNeedsItsMinimumOrder() {
        // The cart is 48.00; the code needs 50.00, and takes it at exactly 50.00.
        assertThat(snapshot.checkPromotion("BIG", cart(List.of()))).isEqualTo(rejected("BIG", RejectionReason.MINIMUM_NOT_MET));
        PricingRequest fifty = new PricingRequest(List.of(TEE_X2, new PricingLine("mug", "kitchen", 1, 1000)), List.of(),
            EXCLUSIVE_REGION, 0, Map.of(), NOW);
        assertThat(snapshot.checkPromotion("BIG", fifty).isAccepted()).isTrue();
    }

    @Test
    void aCustomerCannotUseACodeMoreOftenThanItAllows() {
        PricingRequest usedOnce = new PricingRequest(List.of(TEE_X2), List.of(), EXCLUSIVE_REGION, 0, Map.of("WELCOME", 1), NOW);

        assertThat(snapshot.checkPromotion("WELCOME", usedOnce)).isEqualTo(rejected("WELCOME", RejectionReason.USAGE_LIMIT_REACHED));
        assertThat(snapshot.checkPromotion("WELCOME", cart(List.of())).isAccepted()).isTrue();
    }

    @Test
    void aNonCombinableCodeMustBeAlone() {
        assertThat(snapshot.checkPromotion("SOLO", cart(List.of("TEN")))).isEqualTo(rejected("SOLO", RejectionReason.NOT_COMBINABLE));
        assertThat(snapshot.checkPromotion("TEN", cart(List.of("SOLO")))).isEqualTo(rejected("TEN", RejectionReason.NOT_COMBINABLE));
        assertThat(snapshot.checkPromotion("SOLO", cart(List.of())).isAccepted()).isTrue();
    }

    @Test
    void aCartCarriesAtMostTheConfiguredNumberOfPromotions() {
        assertThat(snapshot.checkPromotion("MUGS", cart(List.of("TEN", "FREESHIP"))))
            .isEqualTo(rejected("MUGS", RejectionReason.TOO_MANY_PROMOTIONS));
        assertThat(snapshot.checkPromotion("MUGS", cart(List.of("TEN"))).isAccepted()).isTrue();
    }

    @Test
    void codesThatNoLongerApplyDoNotCountTowardsTheLimit() {
        // AUTUMN has expired, so the cart effectively carries one promotion and a second still fits.
        assertThat(snapshot.checkPromotion("MUGS", cart(List.of("AUTUMN", "TEN"))).isAccepted()).isTrue();
    }

    @Test
    void aCodeCannotBeAppliedTwice() {
        assertThat(snapshot.checkPromotion("TEN", cart(List.of("TEN")))).isEqualTo(rejected("TEN", RejectionReason.ALREADY_APPLIED));
    }

    @Test
    void totalsAppliesTheSameRulesInTheOrderCodesWereApplied() {
        Totals totals = snapshot.totals(cart(List.of("TEN", "SOLO", "FREESHIP", "MUGS", "TEN")));

        assertThat(totals.applied()).extracting(AppliedPromotion::code).containsExactly("TEN", "FREESHIP");
        assertThat(totals.notApplied()).containsExactly(
            rejected("SOLO", RejectionReason.NOT_COMBINABLE),
            rejected("MUGS", RejectionReason.TOO_MANY_PROMOTIONS),
            rejected("TEN", RejectionReason.ALREADY_APPLIED));
    }

    @Test
    void everyReasonIsADistinctValue() {
        assertThat(RejectionReason.values()).extracting(Enum::name).doesNotHaveDuplicates().contains(
            "UNKNOWN_CODE", "NOT_YET_VALID", "EXPIRED", "MINIMUM_NOT_MET", "USAGE_LIMIT_REACHED", "NOT_COMBINABLE",
            "TOO_MANY_PROMOTIONS");
    }

    private static PricingRequest cart(List<String> codes) {
        return new PricingRequest(List.of(TEE_X2, MUG_X1), codes, EXCLUSIVE_REGION, 500, Map.of(), NOW);
    }

    private static PricingRequest cartAt(Instant now) {
        return new PricingRequest(List.of(TEE_X2, MUG_X1), List.of(), EXCLUSIVE_REGION, 500, Map.of(), now);
    }

    private static PromotionDecision.Rejected rejected(String code, RejectionReason reason) {
        return new PromotionDecision.Rejected(code, reason);
    }
}
