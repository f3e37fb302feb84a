package dev.cartwright.pricing;

/** Whether shelf prices in a region already contain tax (gross, typical in the EU) or have it added (net, typical in the US). */
public enum TaxMode {
    /** Prices include tax; the tax is extracted from the discounted line amount. */
    INCLUSIVE,
    /** Prices exclude tax; the tax is added on top of the discounted line amount. */
    EXCLUSIVE
}
