/**
 * The pricing core: exact money, the price book, promotions, the tax table, and the pure totals calculation over
 * immutable snapshots swapped without locks.
 *
 * <p>How callers use it:
 * <ul>
 *   <li>One {@link dev.cartwright.pricing.PricingCore} per process holds the current
 *       {@link dev.cartwright.pricing.PricingSnapshot} (price book, promotion set, tax table, cart limits, version).
 *       Price and promotion feeds swap in new parts with its {@code replace...}/{@code apply...} methods.</li>
 *   <li>Request handlers call {@link dev.cartwright.pricing.PricingCore#totals} with a
 *       {@link dev.cartwright.pricing.PricingRequest} (lines, applied codes, region, shipping, prior usage per code,
 *       now) and get {@link dev.cartwright.pricing.Totals}: per-line subtotal, line discount, allocated order
 *       discount, tax and total, and cart-level sums. Through the core, the calculation allocates only its result.</li>
 *   <li>ApplyPromotion asks {@link dev.cartwright.pricing.PricingCore#checkPromotion} first; a
 *       {@link dev.cartwright.pricing.PromotionDecision.Rejected} names a
 *       {@link dev.cartwright.pricing.RejectionReason} for a FAILED_PRECONDITION at the edge.</li>
 *   <li>{@link dev.cartwright.pricing.CartLimits} (1..999 per line, 200 lines by default) travel in the snapshot;
 *       the cart domain validates commands against {@code core.current().limits()}.</li>
 * </ul>
 *
 * <p>Rounding, named once: percentage discounts round {@code HALF_UP}; tax is per line on the discounted amount
 * and rounds with {@link dev.cartwright.pricing.TaxTable#rounding()} ({@code HALF_UP} by default); order
 * discounts are allocated to lines by largest remainder, so they add up to the last minor unit. Shipping is
 * not taxed here: the caller supplies the amount as charged.
 */
package dev.cartwright.pricing;
