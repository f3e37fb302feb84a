package dev.cartwright.loadtest;

/**
 * What the load tests assume of the neighbour simulator's seeded catalogue, kept in one place:
 * which product ids sell and are in stock. It mirrors the rule documented in platform-sim.
 */
final class SimulatedCatalogue {

    private SimulatedCatalogue() {
    }

    static boolean sellableAndInStock(int productId) {
        return productId % 997 != 0 && productId % 499 != 0;
    }
}
