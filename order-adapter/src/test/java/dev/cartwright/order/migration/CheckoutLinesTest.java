package dev.cartwright.order.migration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckoutLinesTest {

    private static final String LEGACY = "[{\"product_id\": \"456\", \"product_name\": \"Crème brûlée set\", \"category_id\": \"c1\", "
        + "\"quantity\": 2, \"unit_price\": 12.99, \"line_subtotal\": 25.98, \"line_discount\": 2.60, \"order_discount\": 0.00, "
        + "\"tax_amount\": 1.69, \"line_total\": 25.07}]";

    @Test
    void legacyDecimalLinesBecomeMinorUnitLinesWithTheNewKeys() {
        String lines = CheckoutLines.toNew(LEGACY, "USD");

        assertThat(lines).isEqualTo("[{\"category_id\":\"c1\",\"line_discount\":260,\"name\":\"Crème brûlée set\",\"order_discount\":0,"
            + "\"product_id\":\"456\",\"quantity\":2,\"subtotal\":2598,\"tax\":169,\"total\":2507,\"unit_price\":1299}]");
    }

    @Test
    void theWayBackGivesLinesThatConvertToTheSameNewLines() {
        String lines = CheckoutLines.toNew(LEGACY, "EUR");

        String legacy = CheckoutLines.toLegacy(lines, "EUR");

        assertThat(legacy).contains("\"unit_price\":12.99").contains("\"tax_amount\":1.69")
            .contains("\"product_name\":\"Crème brûlée set\"");
        assertThat(CheckoutLines.toNew(legacy, "EUR")).isEqualTo(lines);
    }

    @Test
    void theSameDocumentSpelledDifferentlyIsOneCanonicalText() {
        String postgres = "[{\"tax\": 169, \"name\": \"x\", \"total\": 2507.0}]";
        String java = "[{\"name\":\"x\",\"total\":2507,\"tax\":169}]";

        assertThat(CanonicalJson.of(postgres)).isEqualTo(CanonicalJson.of(java)).isEqualTo("[{\"name\":\"x\",\"tax\":169,\"total\":2507}]");
    }

    @Test
    void noLinesAndBadLinesAreToldApart() {
        assertThat(CheckoutLines.toNew(null, "USD")).isEqualTo("[]");
        assertThatThrownBy(() -> CheckoutLines.toNew("{\"product_id\": 1}", "USD")).hasMessageContaining("not a JSON array");
        assertThatThrownBy(() -> CheckoutLines.toNew("[{\"product_id\": \"1\", \"quantity\": 1, \"unit_price\": 1.005}]", "USD"))
            .isInstanceOf(ConversionException.class).hasMessageContaining("1.005");
        assertThatThrownBy(() -> CheckoutLines.toNew("[{\"quantity\": 1}]", "USD")).hasMessageContaining("product_id");
    }
}
