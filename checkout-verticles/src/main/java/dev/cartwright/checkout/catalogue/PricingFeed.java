package dev.cartwright.checkout.catalogue;

import dev.cartwright.checkout.neighbours.Neighbours;
import dev.cartwright.pricing.Money;
import dev.cartwright.pricing.PriceBook;
import dev.cartwright.pricing.PriceEntry;
import dev.cartwright.pricing.PromotionSet;
import dev.cartwright.pricing.TaxTable;
import dev.cartwright.proto.events.v1.PriceChanged;
import dev.cartwright.proto.events.v1.ProductChanged;
import dev.cartwright.proto.events.v1.StockChanged;
import dev.cartwright.proto.platform.v1.Product;
import dev.cartwright.proto.platform.v1.ProductPrice;
import dev.cartwright.proto.platform.v1.StockLevel;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns keeping the catalogue (prices, product names and stock levels, one snapshot) in step with the neighbours: the
 * full load at start-up (every page of products, prices, availability and the promotion set) and the incremental
 * changes the event consumers hand in. Every change builds a new immutable snapshot and swaps it in whole; readers on
 * the event loops never wait.
 *
 * <p>A product enters the price book once both its catalog facts and its price are known; one without a price
 * is unknown to carts (NOT_FOUND), one the catalog marks unsellable stays in the book with {@code sellable}
 * false (FAILED_PRECONDITION).
 */
public final class PricingFeed {

    private static final Logger LOG = LoggerFactory.getLogger(PricingFeed.class);
    private static final int PAGE_SIZE = 500;

    /** What the catalog said about a product, kept so a later price can be booked without asking again. */
    record CatalogFacts(String categoryId, boolean sellable, String taxClass) {
    }

    private final Neighbours neighbours;
    private final Catalogue catalogue;
    private final Currency currency;
    private final TaxTable taxTable;
    private final AtomicReference<Map<String, CatalogFacts>> catalog = new AtomicReference<>(Map.of());
    /** Prices of products the catalog has not described yet; booked when it does. */
    private final AtomicReference<Map<String, Long>> unbookedPrices = new AtomicReference<>(Map.of());

    public PricingFeed(Neighbours neighbours, Catalogue catalogue, Currency currency, TaxTable taxTable) {
        this.neighbours = neighbours;
        this.catalogue = catalogue;
        this.currency = currency;
        this.taxTable = taxTable;
    }

    /** Loads everything from the neighbours and installs it as one new snapshot. */
    public Future<Void> loadAll() {
        Future<List<Product>> products = pages(token -> neighbours.listProducts(token, PAGE_SIZE),
            (response, into) -> {
                into.addAll(response.getProductsList());
                return response.getNextPageToken();
            });
        Future<List<ProductPrice>> prices = pages(token -> neighbours.listPrices(currency.getCurrencyCode(), token, PAGE_SIZE),
            (response, into) -> {
                into.addAll(response.getPricesList());
                return response.getNextPageToken();
            });
        Future<List<StockLevel>> levels = pages(token -> neighbours.listAvailability(token, PAGE_SIZE),
            (response, into) -> {
                into.addAll(response.getLevelsList());
                return response.getNextPageToken();
            });
        Future<PromotionSet> promotions = neighbours.listPromotions()
            .map(response -> PromotionDefinitions.toPromotionSet(response, currency));
        return Future.all(products, prices, levels, promotions).map(all -> {
            install(products.result(), prices.result(), levels.result(), promotions.result());
            return null;
        });
    }

    void install(List<Product> products, List<ProductPrice> prices, List<StockLevel> levels, PromotionSet promotions) {
        Map<String, CatalogFacts> facts = new HashMap<>();
        Map<String, String> productNames = new HashMap<>();
        for (Product p : products) {
            facts.put(p.getProductId(), new CatalogFacts(p.getCategoryId(), p.getSellable(), taxClassOf(p.getTaxClass())));
            productNames.put(p.getProductId(), p.getName());
        }
        List<PriceEntry> entries = new ArrayList<>();
        Map<String, Long> unbooked = new HashMap<>();
        for (ProductPrice price : prices) {
            if (!price.getUnitPrice().getCurrencyCode().isEmpty()
                && !price.getUnitPrice().getCurrencyCode().equals(currency.getCurrencyCode())) {
                continue;
            }
            CatalogFacts f = facts.get(price.getProductId());
            if (f == null) {
                unbooked.put(price.getProductId(), price.getUnitPrice().getAmountMinor());
                continue;
            }
            PriceEntry entry = entryOrNull(price.getProductId(), price.getUnitPrice().getAmountMinor(), f);
            if (entry != null) {
                entries.add(entry);
            }
        }
        Map<String, Integer> available = new HashMap<>();
        for (StockLevel level : levels) {
            available.put(level.getProductId(), level.getAvailable());
        }
        catalog.set(Map.copyOf(facts));
        unbookedPrices.set(Map.copyOf(unbooked));
        PriceBook book = PriceBook.of(currency, entries);
        CatalogueSnapshot loaded = catalogue.update(now -> new CatalogueSnapshot(
            now.pricing().next(book, promotions, taxTable, now.pricing().limits()), productNames, available));
        LOG.info("event=pricing_loaded products={} priced={} stock_levels={} promotions={} snapshot={}",
            products.size(), entries.size(), available.size(), promotions.size(), loaded.pricing().version());
    }

    /** A price.changed event: the product's unit price from now on. */
    public void applyPriceChanged(PriceChanged event) {
        String currencyCode = event.getUnitPrice().getCurrencyCode();
        if (!currencyCode.isEmpty() && !currencyCode.equals(currency.getCurrencyCode())) {
            return;
        }
        long amount = event.getUnitPrice().getAmountMinor();
        CatalogFacts facts = catalog.get().get(event.getProductId());
        if (facts == null) {
            unbookedPrices.updateAndGet(m -> with(m, event.getProductId(), amount));
            return;
        }
        PriceEntry entry = entryOrNull(event.getProductId(), amount, facts);
        if (entry != null) {
            book(entry);
        }
    }

    /** A product.changed event: its name, category or sellability changed. */
    public void applyProductChanged(ProductChanged event) {
        String productId = event.getProductId();
        CatalogFacts previous = catalog.get().get(productId);
        String taxClass = previous == null ? PriceEntry.STANDARD_TAX_CLASS : previous.taxClass();
        String category = event.getCategoryId().isEmpty() && previous != null ? previous.categoryId() : event.getCategoryId();
        CatalogFacts facts = new CatalogFacts(category, event.getSellable(), taxClass);
        catalog.updateAndGet(m -> with(m, productId, facts));
        if (!event.getName().isEmpty()) {
            catalogue.update(now -> now.withName(productId, event.getName()));
        }
        PriceEntry current = catalogue.current().pricing().priceBook().entryOrNull(productId);
        Long unbooked = unbookedPrices.get().get(productId);
        long amount;
        if (current != null) {
            amount = current.unitPrice().amount();
        } else if (unbooked != null) {
            amount = unbooked;
        } else {
            return;
        }
        PriceEntry entry = entryOrNull(productId, amount, facts);
        if (entry != null) {
            book(entry);
        }
    }

    /** A stock.changed event. */
    public void applyStockChanged(StockChanged event) {
        catalogue.update(now -> now.withStock(event.getProductId(), event.getAvailable()));
    }

    private void book(PriceEntry entry) {
        List<PriceEntry> changed = List.of(entry);
        catalogue.update(now -> now.withPricing(now.pricing().withPriceBook(now.pricing().priceBook().withEntries(changed))));
    }

    /** A promotion.changed event: the neighbour's set is read again and replaces ours. */
    public Future<Void> reloadPromotions() {
        return neighbours.listPromotions().map(response -> {
            PromotionSet promotions = PromotionDefinitions.toPromotionSet(response, currency);
            CatalogueSnapshot reloaded = catalogue.update(now -> now.withPricing(now.pricing().withPromotions(promotions)));
            LOG.info("event=promotions_reloaded promotions={} snapshot={}", promotions.size(), reloaded.pricing().version());
            return null;
        });
    }

    private PriceEntry entryOrNull(String productId, long amount, CatalogFacts facts) {
        if (amount < 0 || facts.categoryId() == null || facts.categoryId().isBlank()) {
            LOG.warn("event=price_skipped product={} amount={} reason=\"no category or negative price\"", productId, amount);
            return null;
        }
        return new PriceEntry(productId, Money.of(amount, currency), facts.categoryId(), facts.sellable(), facts.taxClass());
    }

    private static String taxClassOf(String taxClass) {
        return taxClass == null || taxClass.isBlank() ? PriceEntry.STANDARD_TAX_CLASS : taxClass;
    }

    private static <V> Map<String, V> with(Map<String, V> map, String key, V value) {
        Map<String, V> copy = new HashMap<>(map);
        copy.put(key, value);
        return Map.copyOf(copy);
    }

    /** Reads every page: {@code fetch(token)} gets one, {@code collect} adds its items and returns the next token. */
    private static <R, T> Future<List<T>> pages(Function<String, Future<R>> fetch, BiFunction<R, List<T>, String> collect) {
        List<T> into = new ArrayList<>();
        return page(fetch, collect, "", into, 0).map(v -> into);
    }

    private static <R, T> Future<Void> page(Function<String, Future<R>> fetch, BiFunction<R, List<T>, String> collect,
                                            String token, List<T> into, int depth) {
        if (depth > 100_000) {
            return Future.failedFuture(new IllegalStateException("more than 100000 pages; the neighbour keeps returning a token"));
        }
        return fetch.apply(token).compose(response -> {
            String next = collect.apply(response, into);
            return next.isEmpty() ? Future.succeededFuture() : page(fetch, collect, next, into, depth + 1);
        });
    }
}
