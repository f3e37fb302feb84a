package dev.cartwright.order.migration;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RowTextTest {

    @Test
    void aRowIsItsTableAndColumnsInOrderWithNullsAndInstantsSpelledOneWay() {
        Map<String, Object> row = new HashMap<>();
        row.put("cart_id", "c-1");
        row.put("code", "SAVE10");
        row.put("applied_at", OffsetDateTime.of(2025, 1, 2, 4, 5, 6, 7_000, ZoneOffset.ofHours(2)));

        assertThat(RowText.of(LegacyMappings.CART_PROMOTIONS, row))
            .isEqualTo("cart_promotions\u001fc-1\u001fSAVE10\u001f2025-01-02T02:05:06.000007Z");
    }

    @Test
    void textThatLooksLikeASeparatorOrANullCannotPassForOne() {
        Map<String, Object> one = promotion("a\u001fb", "c");
        Map<String, Object> other = promotion("a", "b\u001fc");
        Map<String, Object> nullText = promotion("x", null);
        Map<String, Object> backslashN = promotion("x", "\\N");

        assertThat(RowText.of(LegacyMappings.CART_PROMOTIONS, one)).isNotEqualTo(RowText.of(LegacyMappings.CART_PROMOTIONS, other));
        assertThat(RowText.of(LegacyMappings.CART_PROMOTIONS, nullText))
            .isNotEqualTo(RowText.of(LegacyMappings.CART_PROMOTIONS, backslashN));
    }

    @Test
    void theChecksumIsMd5OfTheLinesInOrder() {
        assertThat(RowText.md5(List.of())).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
        // printf 'a\nb\n' | md5sum
        assertThat(RowText.md5(List.of("a", "b"))).isEqualTo("dd8c6a395b5dd36c56d23275028f526c");
        assertThat(RowText.md5(List.of("a", "b"))).isNotEqualTo(RowText.md5(List.of("b", "a")));
    }

    private static Map<String, Object> promotion(String cart, String code) {
        Map<String, Object> row = new HashMap<>();
        row.put("cart_id", cart);
        row.put("code", code);
        row.put("applied_at", null);
        return row;
    }
}
