package dev.cartwright.sim;

import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CatalogueTest {

    private final Catalogue catalogue = Catalogue.generate(SimConfig.DEFAULT_SEED, SimConfig.DEFAULT_PRODUCT_COUNT);

    @Test
    void the_same_seed_gives_the_same_catalogue() {
        Catalogue again = Catalogue.generate(SimConfig.DEFAULT_SEED, SimConfig.DEFAULT_PRODUCT_COUNT);

        assertThat(again.products()).isEqualTo(catalogue.products());
    }

    @Test
    void another_seed_gives_another_catalogue() {
        Catalogue other = Catalogue.generate(7L, SimConfig.DEFAULT_PRODUCT_COUNT);

        long samePrice = other.products().stream()
            .filter(p -> p.priceMinor() == catalogue.find(p.productId()).orElseThrow().priceMinor())
            .count();
        assertThat(samePrice).isLessThan(SimConfig.DEFAULT_PRODUCT_COUNT / 10);
    }

    @Test
    void a_product_does_not_depend_on_the_catalogue_size() {
        Catalogue small = Catalogue.generate(SimConfig.DEFAULT_SEED, 600);

        assertThat(small.find("456")).isEqualTo(catalogue.find("456"));
        assertThat(small.find("600")).isEqualTo(catalogue.find("600"));
        assertThat(small.find("601")).isEmpty();
    }

    @Test
    void ids_run_from_1_to_the_size_in_order() {
        assertThat(catalogue.size()).isEqualTo(5000);
        assertThat(catalogue.products().get(0).productId()).isEqualTo("1");
        assertThat(catalogue.products().get(4999).productId()).isEqualTo("5000");
        assertThat(catalogue.find("0")).isEmpty();
        assertThat(catalogue.find("5001")).isEmpty();
        assertThat(catalogue.find("045")).isEmpty();
        assertThat(catalogue.find("abc")).isEmpty();
        assertThat(catalogue.find("")).isEmpty();
    }

    @Test
    void product_456_sells_and_is_well_stocked() {
        CatalogueProduct product = catalogue.find("456").orElseThrow();

        assertThat(product.sellable()).isTrue();
        assertThat(product.initialStock()).isGreaterThanOrEqualTo(500);
        assertThat(product.priceMinor()).isBetween(199L, 19_999L);
    }

    @Test
    void every_997th_product_does_not_sell_and_every_other_does() {
        for (CatalogueProduct product : catalogue.products()) {
            int id = Integer.parseInt(product.productId());
            assertThat(product.sellable()).as("product %s sellable", id).isEqualTo(id % Catalogue.NOT_SELLABLE_EVERY != 0);
        }
    }

    @Test
    void stock_follows_the_published_rules() {
        for (CatalogueProduct product : catalogue.products()) {
            int id = Integer.parseInt(product.productId());
            if (id % Catalogue.OUT_OF_STOCK_EVERY == 0) {
                assertThat(product.initialStock()).as("stock of %s", id).isZero();
            } else if (id % Catalogue.LOW_STOCK_EVERY == 0) {
                assertThat(product.initialStock()).as("stock of %s", id).isEqualTo(Catalogue.LOW_STOCK);
            } else {
                assertThat(product.initialStock()).as("stock of %s", id).isBetween(500, 10_000);
            }
        }
    }

    @Test
    void prices_are_whole_dollars_less_a_cent_within_range() {
        for (CatalogueProduct product : catalogue.products()) {
            assertThat(product.priceMinor()).isBetween(199L, 19_999L);
            assertThat(product.priceMinor() % 100).isEqualTo(99L);
        }
        Set<Long> distinct = catalogue.products().stream().map(CatalogueProduct::priceMinor).collect(Collectors.toSet());
        assertThat(distinct.size()).isGreaterThan(150);
    }

    @Test
    void every_category_has_products_and_names_match_their_category() {
        Set<String> categories = catalogue.products().stream().map(CatalogueProduct::categoryId).collect(Collectors.toSet());

        assertThat(categories).hasSize(Catalogue.CATEGORY_COUNT).contains("c1", "c2", "c3", "c20");
        for (CatalogueProduct product : catalogue.products()) {
            assertThat(product.name()).endsWith(Catalogue.categoryName(product.categoryId()));
            assertThat(product.sku()).isEqualTo(String.format("SKU-%06d", Integer.parseInt(product.productId())));
        }
    }
}
