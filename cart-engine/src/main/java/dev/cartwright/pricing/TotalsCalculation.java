package dev.cartwright.pricing;

import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Owns the totals calculation and the promotion decision behind {@link PricingSnapshot#totals} and
 * {@link PricingSnapshot#checkPromotion}.
 *
 * <p>The order of work, fixed so results are reproducible:
 * <ol>
 *   <li>line subtotals ({@code quantity * unitPrice}, exact);</li>
 *   <li>codes are judged in the order they were applied: a code that no longer applies is reported, not thrown;</li>
 *   <li>line-level promotions: buy-X-get-Y first (on full prices), then percentages, then fixed amounts off a
 *       product or category; within a kind, in code order; each capped at what the line still costs;</li>
 *   <li>order-level promotions: percentages, then fixed amounts, each on what the order still costs; their sum is
 *       allocated to lines in proportion to each line's amount after line discounts, by largest remainder, ties
 *       going to the line that sorts first by (product id, category id, unit price, quantity);</li>
 *   <li>free shipping;</li>
 *   <li>tax per line on the discounted line amount, rounded with the tax table's rounding mode.</li>
 * </ol>
 * Percentage discounts are rounded {@link RoundingMode#HALF_UP} to a whole minor unit.
 *
 * <p>The work is done on raw {@code long} arrays held in a {@link TotalsScratch}; with a reused scratch the
 * only objects made are those of the result. No streams, no boxing, no lambdas on this path.
 */
final class TotalsCalculation {

    /** How a percentage discount is rounded to a whole minor unit. */
    static final RoundingMode DISCOUNT_ROUNDING = RoundingMode.HALF_UP;

    private static final int PHASE_BUY_X_GET_Y = 0;
    private static final int PHASE_LINE_PERCENT = 1;
    private static final int PHASE_LINE_AMOUNT = 2;
    private static final int PHASE_ORDER_PERCENT = 3;
    private static final int PHASE_ORDER_AMOUNT = 4;
    private static final int PHASE_FREE_SHIPPING = 5;
    private static final int PHASES = 6;

    /** Sort key: cheapest unit first (buy-X-get-Y). */
    private static final int CHEAPEST_FIRST = 0;
    /** Sort key: line identity, then larger weight first (ties of largest remainder). */
    private static final int BY_IDENTITY = 1;

    private TotalsCalculation() {
    }

    static Totals compute(PricingSnapshot snapshot, PricingRequest request, TotalsScratch scratch) {
        List<PricingLine> lines = request.lines();
        int n = lines.size();
        CartLimits limits = snapshot.limits();
        if (!limits.allowsLineCount(n)) {
            throw new IllegalArgumentException("a cart may hold at most " + limits.maxLinesPerCart() + " lines, not " + n);
        }
        RegionTax region = snapshot.taxTable().regionOrNull(request.region());
        if (region == null) {
            throw new IllegalArgumentException("unknown tax region: " + request.region());
        }
        List<String> codes = request.promotionCodes();
        int k = codes.size();
        TotalsScratch s = scratch.prepare(n, k);
        long[] subtotals = s.subtotals;
        long[] lineDiscounts = s.lineDiscounts;
        long[] orderDiscounts = s.orderDiscounts;

        long subtotal = 0;
        for (int i = 0; i < n; i++) {
            PricingLine line = lines.get(i);
            if (!limits.allowsQuantity(line.quantity())) {
                throw new IllegalArgumentException("quantity of " + line.productId() + " must be within "
                    + limits.minQuantityPerLine() + ".." + limits.maxQuantityPerLine() + ": " + line.quantity());
            }
            subtotals[i] = Math.multiplyExact(line.unitPrice(), line.quantity());
            subtotal = Math.addExact(subtotal, subtotals[i]);
        }

        // Judge the codes in the order they were applied; earlier codes win stacking conflicts.
        Promotion[] accepted = s.accepted;
        long[] promotionDiscounts = s.promotionDiscounts;
        List<PromotionDecision.Rejected> rejected = null;
        int acceptedCount = 0;
        boolean exclusiveHeld = false;
        PromotionSet promotions = snapshot.promotions();
        for (int j = 0; j < k; j++) {
            String code = codes.get(j);
            RejectionReason reason = occursBefore(codes, j, code)
                ? RejectionReason.ALREADY_APPLIED
                : judge(promotions, code, request, subtotal, acceptedCount, exclusiveHeld);
            if (reason == null) {
                Promotion promotion = promotions.promotionOrNull(code);
                accepted[j] = promotion;
                acceptedCount++;
                exclusiveHeld |= !promotion.combinable();
            } else {
                if (rejected == null) {
                    rejected = new ArrayList<>(2);
                }
                rejected.add(new PromotionDecision.Rejected(code, reason));
            }
        }

        long orderRemaining = 0;
        long orderDiscount = 0;
        long shipping = request.shipping();
        long shippingDiscount = 0;
        for (int phase = 0; phase < PHASES; phase++) {
            if (phase == PHASE_ORDER_PERCENT) {
                for (int i = 0; i < n; i++) {
                    orderRemaining = Math.addExact(orderRemaining, subtotals[i] - lineDiscounts[i]);
                }
            }
            for (int j = 0; j < k; j++) {
                Promotion promotion = accepted[j];
                if (promotion == null || phaseOf(promotion.rule()) != phase) {
                    continue;
                }
                PromotionRule rule = promotion.rule();
                long discount;
                switch (phase) {
                    case PHASE_BUY_X_GET_Y:
                        discount = buyXGetY((PromotionRule.BuyXGetY) rule, lines, s);
                        break;
                    case PHASE_LINE_PERCENT:
                        discount = linePercent((PromotionRule.PercentOff) rule, lines, s);
                        break;
                    case PHASE_LINE_AMOUNT:
                        discount = lineAmount((PromotionRule.AmountOff) rule, lines, s);
                        break;
                    case PHASE_ORDER_PERCENT:
                        discount = MinorUnits.basisPointsOf(orderRemaining, ((PromotionRule.PercentOff) rule).basisPoints(),
                            DISCOUNT_ROUNDING);
                        orderRemaining -= discount;
                        orderDiscount += discount;
                        break;
                    case PHASE_ORDER_AMOUNT:
                        discount = Math.min(((PromotionRule.AmountOff) rule).amount().amount(), orderRemaining);
                        orderRemaining -= discount;
                        orderDiscount += discount;
                        break;
                    case PHASE_FREE_SHIPPING:
                        discount = shipping;
                        shipping = 0;
                        shippingDiscount += discount;
                        break;
                    default:
                        throw new IllegalStateException("no such phase " + phase);
                }
                promotionDiscounts[j] = discount;
            }
            if (phase == PHASE_ORDER_AMOUNT && orderDiscount > 0) {
                int[] everyLine = s.order;
                for (int i = 0; i < n; i++) {
                    s.weights[i] = subtotals[i] - lineDiscounts[i];
                    everyLine[i] = i;
                }
                allocate(orderDiscount, everyLine, n, lines, s, orderDiscounts);
            }
        }

        // Tax per line on the discounted amount; build the result.
        PriceBook book = snapshot.priceBook();
        RoundingMode taxRounding = snapshot.taxTable().rounding();
        boolean inclusive = region.mode() == TaxMode.INCLUSIVE;
        LineTotal[] lineTotals = new LineTotal[n];
        long lineDiscountSum = 0;
        long taxSum = 0;
        long grandTotal = 0;
        for (int i = 0; i < n; i++) {
            PricingLine line = lines.get(i);
            long net = subtotals[i] - lineDiscounts[i] - orderDiscounts[i];
            PriceEntry entry = book.entryOrNull(line.productId());
            int rate = region.rateFor(entry == null ? null : entry.taxClass());
            long tax;
            long total;
            if (inclusive) {
                tax = MinorUnits.scale(net, rate, MinorUnits.FULL_BASIS_POINTS + rate, taxRounding);
                total = net;
            } else {
                tax = MinorUnits.scale(net, rate, MinorUnits.FULL_BASIS_POINTS, taxRounding);
                total = Math.addExact(net, tax);
            }
            lineTotals[i] = new LineTotal(line.productId(), line.categoryId(), line.quantity(), line.unitPrice(),
                subtotals[i], lineDiscounts[i], orderDiscounts[i], tax, total);
            lineDiscountSum += lineDiscounts[i];
            taxSum = Math.addExact(taxSum, tax);
            grandTotal = Math.addExact(grandTotal, total);
        }
        grandTotal = Math.addExact(grandTotal, shipping);

        List<AppliedPromotion> applied = List.of();
        if (acceptedCount > 0) {
            AppliedPromotion[] appliedArray = new AppliedPromotion[acceptedCount];
            for (int j = 0, a = 0; j < k; j++) {
                if (accepted[j] != null) {
                    appliedArray[a++] = new AppliedPromotion(accepted[j].code(), promotionDiscounts[j]);
                }
            }
            applied = new ResultList<>(appliedArray);
        }
        return new Totals(snapshot.version(), book.currency(), region.mode(), new ResultList<>(lineTotals), subtotal,
            lineDiscountSum, orderDiscount, shipping, shippingDiscount, taxSum, grandTotal, applied,
            rejected == null ? List.of() : List.copyOf(rejected));
    }

    static PromotionDecision check(PricingSnapshot snapshot, String code, PricingRequest request) {
        List<String> codes = request.promotionCodes();
        if (codes.contains(code)) {
            return new PromotionDecision.Rejected(code, RejectionReason.ALREADY_APPLIED);
        }
        long subtotal = 0;
        for (PricingLine line : request.lines()) {
            subtotal = Math.addExact(subtotal, Math.multiplyExact(line.unitPrice(), line.quantity()));
        }
        // Only the codes that still apply count towards stacking, exactly as totals() would see them.
        PromotionSet promotions = snapshot.promotions();
        int acceptedCount = 0;
        boolean exclusiveHeld = false;
        for (int j = 0; j < codes.size(); j++) {
            String held = codes.get(j);
            if (!occursBefore(codes, j, held)
                && judge(promotions, held, request, subtotal, acceptedCount, exclusiveHeld) == null) {
                acceptedCount++;
                exclusiveHeld |= !promotions.promotionOrNull(held).combinable();
            }
        }
        RejectionReason reason = judge(promotions, code, request, subtotal, acceptedCount, exclusiveHeld);
        if (reason != null) {
            return new PromotionDecision.Rejected(code, reason);
        }
        return new PromotionDecision.Accepted(code, promotions.promotionOrNull(code));
    }

    /** Why {@code code} cannot join the promotions accepted so far, or null when it can. */
    private static RejectionReason judge(PromotionSet promotions, String code, PricingRequest request, long subtotal,
        int acceptedCount, boolean exclusiveHeld) {
        Promotion promotion = promotions.promotionOrNull(code);
        if (promotion == null) {
            return RejectionReason.UNKNOWN_CODE;
        }
        ValidityWindow validity = promotion.validity();
        if (validity.notYetStartedAt(request.now())) {
            return RejectionReason.NOT_YET_VALID;
        }
        if (validity.endedAt(request.now())) {
            return RejectionReason.EXPIRED;
        }
        if (request.priorUsageOf(code) >= promotion.usageLimitPerCustomer()) {
            return RejectionReason.USAGE_LIMIT_REACHED;
        }
        if (subtotal < promotion.minimumOrder().amount()) {
            return RejectionReason.MINIMUM_NOT_MET;
        }
        if (exclusiveHeld || (!promotion.combinable() && acceptedCount > 0)) {
            return RejectionReason.NOT_COMBINABLE;
        }
        if (acceptedCount >= promotions.maxPromotionsPerCart()) {
            return RejectionReason.TOO_MANY_PROMOTIONS;
        }
        return null;
    }

    private static boolean occursBefore(List<String> codes, int position, String code) {
        for (int j = 0; j < position; j++) {
            if (codes.get(j).equals(code)) {
                return true;
            }
        }
        return false;
    }

    private static int phaseOf(PromotionRule rule) {
        if (rule instanceof PromotionRule.BuyXGetY) {
            return PHASE_BUY_X_GET_Y;
        }
        if (rule instanceof PromotionRule.PercentOff percentOff) {
            return percentOff.target() instanceof Target.WholeOrder ? PHASE_ORDER_PERCENT : PHASE_LINE_PERCENT;
        }
        if (rule instanceof PromotionRule.AmountOff amountOff) {
            return amountOff.target() instanceof Target.WholeOrder ? PHASE_ORDER_AMOUNT : PHASE_LINE_AMOUNT;
        }
        return PHASE_FREE_SHIPPING;
    }

    /** Makes the cheapest covered units free: {@code get} of every {@code buy + get} covered units. */
    private static long buyXGetY(PromotionRule.BuyXGetY rule, List<PricingLine> lines, TotalsScratch s) {
        Target target = rule.target();
        int[] covered = s.order;
        int count = 0;
        long units = 0;
        for (int i = 0; i < lines.size(); i++) {
            PricingLine line = lines.get(i);
            if (target.covers(line.productId(), line.categoryId())) {
                covered[count++] = i;
                units += line.quantity();
            }
        }
        long freeUnits = units / ((long) rule.buy() + rule.get()) * rule.get();
        if (freeUnits == 0) {
            return 0;
        }
        sort(covered, count, CHEAPEST_FIRST, lines, s);
        long total = 0;
        for (int t = 0; t < count && freeUnits > 0; t++) {
            int i = covered[t];
            PricingLine line = lines.get(i);
            long take = Math.min(freeUnits, line.quantity());
            long discount = Math.min(Math.multiplyExact(take, line.unitPrice()), s.subtotals[i] - s.lineDiscounts[i]);
            s.lineDiscounts[i] += discount;
            total += discount;
            freeUnits -= take;
        }
        return total;
    }

    private static long linePercent(PromotionRule.PercentOff rule, List<PricingLine> lines, TotalsScratch s) {
        Target target = rule.target();
        long total = 0;
        for (int i = 0; i < lines.size(); i++) {
            PricingLine line = lines.get(i);
            if (target.covers(line.productId(), line.categoryId())) {
                // At most 100 % of what is left, so never more than the line still costs.
                long discount = MinorUnits.basisPointsOf(s.subtotals[i] - s.lineDiscounts[i], rule.basisPoints(), DISCOUNT_ROUNDING);
                s.lineDiscounts[i] += discount;
                total += discount;
            }
        }
        return total;
    }

    /** A fixed amount off the covered lines together, shared among them by largest remainder. */
    private static long lineAmount(PromotionRule.AmountOff rule, List<PricingLine> lines, TotalsScratch s) {
        Target target = rule.target();
        int[] covered = s.order;
        int count = 0;
        long remaining = 0;
        for (int i = 0; i < lines.size(); i++) {
            PricingLine line = lines.get(i);
            if (target.covers(line.productId(), line.categoryId())) {
                covered[count++] = i;
                s.weights[i] = s.subtotals[i] - s.lineDiscounts[i];
                remaining += s.weights[i];
            }
        }
        long discount = Math.min(rule.amount().amount(), remaining);
        if (discount > 0) {
            allocate(discount, covered, count, lines, s, s.lineDiscounts);
        }
        return discount;
    }

    /**
     * Adds {@code amount} to {@code into} over the lines {@code members[0..count)} in proportion to their
     * {@code s.weights}, to the last minor unit: each line gets the floor of its exact share, and the units left
     * over go one each to the lines with the largest remainders. Requires {@code amount <= sum(weights)}, which
     * keeps every share within its weight.
     */
    private static void allocate(long amount, int[] members, int count, List<PricingLine> lines, TotalsScratch s, long[] into) {
        long[] weights = s.weights;
        long totalWeight = 0;
        for (int t = 0; t < count; t++) {
            totalWeight += weights[members[t]];
        }
        if (totalWeight == 0) {
            return;
        }
        long[] remainders = s.remainders;
        long handedOut = 0;
        for (int t = 0; t < count; t++) {
            int i = members[t];
            long weight = weights[i];
            long high = Math.multiplyHigh(amount, weight);
            long product = amount * weight;
            long share;
            if (high == 0 && product >= 0) {
                share = product / totalWeight;
                remainders[t] = product % totalWeight;
            } else {
                BigInteger[] qr = BigInteger.valueOf(amount).multiply(BigInteger.valueOf(weight))
                    .divideAndRemainder(BigInteger.valueOf(totalWeight));
                share = qr[0].longValueExact();
                remainders[t] = qr[1].longValueExact();
            }
            into[i] += share;
            handedOut += share;
        }
        int leftover = (int) (amount - handedOut);
        if (leftover == 0) {
            return;
        }
        // The leftover-th largest remainder is the bar: every line above it gets a unit, and the units still left
        // go to the lines exactly at it in identity order, so line order never matters.
        long[] sorted = s.sortedRemainders;
        System.arraycopy(remainders, 0, sorted, 0, count);
        Arrays.sort(sorted, 0, count);
        long bar = sorted[count - leftover];
        int[] ties = s.ties;
        int tied = 0;
        for (int t = 0; t < count; t++) {
            if (remainders[t] > bar) {
                into[members[t]] += 1;
                leftover--;
            } else if (remainders[t] == bar) {
                ties[tied++] = members[t];
            }
        }
        sort(ties, tied, BY_IDENTITY, lines, s);
        for (int t = 0; t < leftover; t++) {
            into[ties[t]] += 1;
        }
    }

    /** Shell sort of line indices, in place and allocation-free; {@code key} picks the order. */
    private static void sort(int[] indices, int count, int key, List<PricingLine> lines, TotalsScratch s) {
        int gap = 1;
        while (gap < count / 3) {
            gap = 3 * gap + 1;
        }
        for (; gap >= 1; gap /= 3) {
            for (int x = gap; x < count; x++) {
                int moving = indices[x];
                int y = x;
                while (y >= gap && compare(key, moving, indices[y - gap], lines, s) < 0) {
                    indices[y] = indices[y - gap];
                    y -= gap;
                }
                indices[y] = moving;
            }
        }
    }

    private static int compare(int key, int a, int b, List<PricingLine> lines, TotalsScratch s) {
        PricingLine left = lines.get(a);
        PricingLine right = lines.get(b);
        if (key == CHEAPEST_FIRST) {
            // Cheapest first; equal prices by identity, then by more left on the line.
            int byPrice = Long.compare(left.unitPrice(), right.unitPrice());
            if (byPrice != 0) {
                return byPrice;
            }
            int byIdentity = compareIdentity(left, right);
            if (byIdentity != 0) {
                return byIdentity;
            }
            return Long.compare(s.subtotals[b] - s.lineDiscounts[b], s.subtotals[a] - s.lineDiscounts[a]);
        }
        int byIdentity = compareIdentity(left, right);
        if (byIdentity != 0) {
            return byIdentity;
        }
        return Long.compare(s.weights[b], s.weights[a]);
    }

    /** Orders lines by what they are, never by where they are: product, category, unit price, quantity. */
    private static int compareIdentity(PricingLine left, PricingLine right) {
        int c = left.productId().compareTo(right.productId());
        if (c != 0) {
            return c;
        }
        c = left.categoryId().compareTo(right.categoryId());
        if (c != 0) {
            return c;
        }
        c = Long.compare(left.unitPrice(), right.unitPrice());
        if (c != 0) {
            return c;
        }
        return Integer.compare(left.quantity(), right.quantity());
    }
}
