package dev.cartwright.pricing;

/** What a promotion applies to: the whole order, one product, or every product of one category. */
public sealed interface Target permits Target.WholeOrder, Target.Product, Target.Category {

    /** True when a line of {@code productId} in {@code categoryId} is covered by this target. */
    boolean covers(String productId, String categoryId);

    static Target wholeOrder() {
        return WholeOrder.INSTANCE;
    }

    static Target product(String productId) {
        return new Product(productId);
    }

    static Target category(String categoryId) {
        return new Category(categoryId);
    }

    /** Every line of the order. */
    record WholeOrder() implements Target {
        static final WholeOrder INSTANCE = new WholeOrder();

        @Override
        public boolean covers(String productId, String categoryId) {
            return true;
        }
    }

    /** Lines of one product. */
    record Product(String productId) implements Target {
        public Product {
            PriceEntry.requireText(productId, "productId");
        }

        @Override
        public boolean covers(String lineProductId, String lineCategoryId) {
            return productId.equals(lineProductId);
        }
    }

    /** Lines of every product in one category. */
    record Category(String categoryId) implements Target {
        public Category {
            PriceEntry.requireText(categoryId, "categoryId");
        }

        @Override
        public boolean covers(String lineProductId, String lineCategoryId) {
            return categoryId.equals(lineCategoryId);
        }
    }
}
