package dev.cartwright.sim;

/**
 * One product of the simulated catalogue with the facts every simulator agrees on.
 *
 * @param productId    "1".."N"
 * @param priceMinor   list price in USD cents, the pricing simulator's starting price
 * @param initialStock what the warehouse has available at start-up
 */
public record CatalogueProduct(
    String productId,
    String sku,
    String name,
    String categoryId,
    boolean sellable,
    String taxClass,
    int weightGrams,
    long priceMinor,
    int initialStock) {
}
