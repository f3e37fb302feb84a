package dev.cartwright.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The seeded, immutable product catalogue shared by the catalog, pricing, warehouse and order simulators. Every fact
 * about product {@code i} comes from a generator seeded with (seed, i) alone, so a product looks the same whatever the
 * catalogue size, and the same seed always gives the same catalogue.
 *
 * <p>Fixed rules, relied on by tests and the manual walkthrough:
 * <ul>
 *   <li>ids are "1".."N"; categories "c1".."c20" (c1 t-shirts, c2 socks, ...);</li>
 *   <li>prices are USD cents from 199 to 19999, always ending in 99;</li>
 *   <li>ids divisible by {@value #NOT_SELLABLE_EVERY} are not sellable;</li>
 *   <li>ids divisible by {@value #OUT_OF_STOCK_EVERY} start with no stock, ids divisible by
 *       {@value #LOW_STOCK_EVERY} start with {@value #LOW_STOCK}, every other product with 500..10000;</li>
 *   <li>product "456" is sellable and well stocked.</li>
 * </ul>
 */
public final class Catalogue {

    public static final int NOT_SELLABLE_EVERY = 997;
    public static final int OUT_OF_STOCK_EVERY = 499;
    public static final int LOW_STOCK_EVERY = 101;
    public static final int LOW_STOCK = 3;
    public static final int CATEGORY_COUNT = 20;
    public static final String CURRENCY = "USD";

    private static final String[] CATEGORY_NOUNS = {
        "T-Shirt", "Socks", "Mug", "Notebook", "Coffee", "Tea", "Book", "Headphones", "Backpack", "Water Bottle",
        "Candle", "Plant", "Puzzle", "Hat", "Scarf", "Lamp", "Pen Set", "Poster", "Cable", "Charger",
    };
    private static final String[] ADJECTIVES = {
        "Classic", "Sturdy", "Cosy", "Bold", "Quiet", "Bright", "Tiny", "Grand", "Handy", "Urban",
        "Rustic", "Sleek", "Vintage", "Sunny", "Nordic", "Happy",
    };
    private static final String[] COLOURS = {
        "Red", "Teal", "Black", "White", "Olive", "Navy", "Amber", "Grey", "Coral", "Indigo", "Sand", "Plum",
    };

    private final long seed;
    private final List<CatalogueProduct> products;

    private Catalogue(long seed, List<CatalogueProduct> products) {
        this.seed = seed;
        this.products = products;
    }

    /** Builds the catalogue of {@code size} products for {@code seed}. */
    public static Catalogue generate(long seed, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("catalogue size must be >= 1, was " + size);
        }
        List<CatalogueProduct> products = new ArrayList<>(size);
        for (int id = 1; id <= size; id++) {
            products.add(product(seed, id));
        }
        return new Catalogue(seed, Collections.unmodifiableList(products));
    }

    /** The category id of category number {@code n} (1-based). */
    public static String categoryId(int n) {
        return "c" + n;
    }

    /** A human name of a category, e.g. "T-Shirt" for c1. */
    public static String categoryName(String categoryId) {
        int n = Integer.parseInt(categoryId.substring(1));
        return CATEGORY_NOUNS[n - 1];
    }

    public long seed() {
        return seed;
    }

    public int size() {
        return products.size();
    }

    /** Every product, in id order ("1" first). */
    public List<CatalogueProduct> products() {
        return products;
    }

    /** The product with this id, if the catalogue has it. */
    public Optional<CatalogueProduct> find(String productId) {
        int index = indexOf(productId);
        return index < 0 ? Optional.empty() : Optional.of(products.get(index));
    }

    /** The position of a product id in {@link #products()}, or -1 for an id not in the catalogue. */
    public int indexOf(String productId) {
        if (productId == null || productId.isEmpty() || productId.length() > 9 || productId.charAt(0) == '0') {
            return -1;
        }
        int id = 0;
        for (int i = 0; i < productId.length(); i++) {
            char c = productId.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            id = id * 10 + (c - '0');
        }
        return id >= 1 && id <= products.size() ? id - 1 : -1;
    }

    private static CatalogueProduct product(long seed, int id) {
        SplittableRandom random = new SplittableRandom(mix(seed, id));
        int category = 1 + random.nextInt(CATEGORY_COUNT);
        String noun = CATEGORY_NOUNS[category - 1];
        String name = ADJECTIVES[random.nextInt(ADJECTIVES.length)] + " " + COLOURS[random.nextInt(COLOURS.length)] + " " + noun;
        long priceMinor = (2L + random.nextInt(199)) * 100L - 1L;
        int weightGrams = 50 + random.nextInt(2951);
        int plentiful = 500 + random.nextInt(9501);
        int stock;
        if (id % OUT_OF_STOCK_EVERY == 0) {
            stock = 0;
        } else if (id % LOW_STOCK_EVERY == 0) {
            stock = LOW_STOCK;
        } else {
            stock = plentiful;
        }
        String taxClass = switch (category) {
            case 5, 6 -> "food";
            case 7 -> "books";
            default -> "standard";
        };
        return new CatalogueProduct(
            Integer.toString(id),
            String.format("SKU-%06d", id),
            name,
            categoryId(category),
            id % NOT_SELLABLE_EVERY != 0,
            taxClass,
            weightGrams,
            priceMinor,
            stock);
    }

    /** A well-spread generator seed for one product (the SplitMix64 finaliser over seed and id). */
    private static long mix(long seed, long id) {
        long z = seed * 0x9E3779B97F4A7C15L + id;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
