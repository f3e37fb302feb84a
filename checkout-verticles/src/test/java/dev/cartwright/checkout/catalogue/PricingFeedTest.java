package dev.cartwright.checkout.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.pricing.CartLimits;
import dev.cartwright.pricing.PriceBook;
import dev.cartwright.pricing.PriceEntry;
import dev.cartwright.pricing.PricingCore;
import dev.cartwright.pricing.PromotionSet;
import dev.cartwright.pricing.TaxTable;
import dev.cartwright.proto.common.v1.Money;
import dev.cartwright.proto.events.v1.PriceChanged;
import dev.cartwright.proto.events.v1.ProductChanged;
import dev.cartwright.proto.events.v1.StockChanged;
import dev.cartwright.proto.platform.v1.Product;
import dev.cartwright.proto.platform.v1.ProductPrice;
import dev.cartwright.proto.platform.v1.StockLevel;
import java.util.Currency;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PricingFeedTest {

    private static final Currency USD = Currency.getInstance("USD");
    private static final TaxTable TAX = TaxRules.parse("CARTWRIGHT_TAX_REGIONS", TaxRules.DEFAULT);

    private PricingCore core;
    private Catalogue catalogue;
    private PricingFeed feed;

    @BeforeEach
    void setUp() {
        core = new PricingCore(PriceBook.empty(USD), PromotionSet.empty(3), TAX, CartLimits.defaults());
        catalogue = new Catalogue(core);
        feed = new PricingFeed(null, catalogue, USD, TAX);
        feed.install(
            List.of(product("1", "Mug", "c3", true, "standard"), product("2", "Tea", "c6", true, "food"),
                product("3", "Old", "c1", false, ""), product("4", "Unpriced", "c1", true, "standard")),
            List.of(price("1", 1299, "USD"), price("2", 499, "USD"), price("3", 199, "USD"), price("5", 100, "USD"),
                price("2", 777, "EUR")),
            List.of(StockLevel.newBuilder().setProductId("1").setAvailable(10).build()),
            PromotionSet.empty(3));
    }

    private static Product product(String id, String name, String category, boolean sellable, String taxClass) {
        return Product.newBuilder().setProductId(id).setName(name).setCategoryId(category).setSellable(sellable)
            .setTaxClass(taxClass).build();
    }

    private static ProductPrice price(String id, long amount, String currency) {
        return ProductPrice.newBuilder().setProductId(id)
            .setUnitPrice(Money.newBuilder().setAmountMinor(amount).setCurrencyCode(currency)).build();
    }

    @Test
    void theLoadBooksProductsThatHaveFactsAndAPrice() {
        PriceBook book = core.current().priceBook();
        assertThat(book.size()).isEqualTo(3);
        assertThat(book.entryOrNull("1").unitPrice().amount()).isEqualTo(1299);
        assertThat(book.entryOrNull("2").unitPrice().amount()).as("prices in another currency are ignored").isEqualTo(499);
        assertThat(book.entryOrNull("2").taxClass()).isEqualTo("food");
        assertThat(book.entryOrNull("3").sellable()).isFalse();
        assertThat(book.entryOrNull("3").taxClass()).isEqualTo(PriceEntry.STANDARD_TAX_CLASS);
        assertThat(book.entryOrNull("4")).as("no price, not booked").isNull();
        assertThat(book.entryOrNull("5")).as("no catalog facts, not booked").isNull();
        assertThat(catalogue.current().nameOf("1")).isEqualTo("Mug");
        assertThat(catalogue.current().available("1")).hasValue(10);
        assertThat(catalogue.current().available("2")).isEmpty();
    }

    @Test
    void priceProductAndStockChangesSwapInNewSnapshots() {
        long before = core.current().version();
        feed.applyPriceChanged(PriceChanged.newBuilder().setProductId("1")
            .setUnitPrice(Money.newBuilder().setAmountMinor(1099).setCurrencyCode("USD")).build());
        assertThat(core.current().priceBook().entryOrNull("1").unitPrice().amount()).isEqualTo(1099);
        assertThat(core.current().version()).isGreaterThan(before);

        feed.applyPriceChanged(PriceChanged.newBuilder().setProductId("4")
            .setUnitPrice(Money.newBuilder().setAmountMinor(2500).setCurrencyCode("USD")).build());
        assertThat(core.current().priceBook().entryOrNull("4").unitPrice().amount()).isEqualTo(2500);

        feed.applyProductChanged(ProductChanged.newBuilder().setProductId("1").setName("Big Mug").setCategoryId("c3")
            .setSellable(false).build());
        assertThat(core.current().priceBook().entryOrNull("1").sellable()).isFalse();
        assertThat(core.current().priceBook().entryOrNull("1").unitPrice().amount()).isEqualTo(1099);
        assertThat(catalogue.current().nameOf("1")).isEqualTo("Big Mug");

        feed.applyProductChanged(ProductChanged.newBuilder().setProductId("5").setName("Late").setCategoryId("c2")
            .setSellable(true).build());
        assertThat(core.current().priceBook().entryOrNull("5").unitPrice().amount())
            .as("a price seen before the product's facts is booked once they arrive").isEqualTo(100);

        feed.applyStockChanged(StockChanged.newBuilder().setProductId("1").setAvailable(0).build());
        assertThat(catalogue.current().available("1")).hasValue(0);
    }
}
