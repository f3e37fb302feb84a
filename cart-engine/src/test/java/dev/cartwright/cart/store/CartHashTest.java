package dev.cartwright.cart.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartLine;
import dev.cartwright.cart.CartStatus;

/** The hash layout shared with cart-mutate.lua: what the script writes decodes to the cart, and back. */
class CartHashTest {

    private static final Instant T = Instant.parse("2026-02-01T10:15:30.250Z");

    @Test
    void aHashAsTheScriptWritesItDecodesToTheCart() {
        List<String> hash = List.of(
            "id", "c1", "cu", "customer-9", "st", "ACTIVE", "cur", "EUR", "rg", "DE", "v", "7",
            "ca", "1769940930250", "ua", "1769940931000", "mi", "", "oid", "",
            "pr", "SPRING10=1769940930300,FREESHIP=1769940930301",
            "l:p2", "1|999|1769940930400|cat-b|Mug",
            "l:p1", "3|1999|1769940930300|cat-a|Bär | Größe M",
            "mf:c0", "1769940930500");

        StoredCart stored = CartHash.decode(hash);

        Cart cart = stored.cart();
        assertThat(cart.cartId()).isEqualTo("c1");
        assertThat(cart.customerId()).isEqualTo("customer-9");
        assertThat(cart.version()).isEqualTo(7);
        assertThat(cart.createdAt()).isEqualTo(T);
        assertThat(cart.updatedAt()).isEqualTo(Instant.ofEpochMilli(1769940931000L));
        assertThat(cart.promotionCodes()).containsExactly("SPRING10", "FREESHIP");
        assertThat(stored.promotionsAppliedAt())
            .containsExactly(Instant.ofEpochMilli(1769940930300L), Instant.ofEpochMilli(1769940930301L));
        assertThat(cart.lines()).containsExactly(
            new CartLine("p1", "cat-a", "Bär | Größe M", 3, 1_999, Instant.ofEpochMilli(1769940930300L)),
            new CartLine("p2", "cat-b", "Mug", 1, 999, Instant.ofEpochMilli(1769940930400L)));
    }

    @Test
    void encodingAndDecodingAreInverse() {
        List<CartLine> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lines.add(new CartLine("product-" + i, "cat", i % 2 == 0 ? "" : "name|with|bars " + i, i + 1, 100L * i,
                T.plus(Duration.ofMillis(i))));
        }
        Cart cart = new Cart("c2", "", CartStatus.MERGED, "SEK", "", lines, List.of("A", "B"), 12, T, T.plusSeconds(9), "c3");
        StoredCart stored = new StoredCart(cart, List.of(T, T.plusMillis(1)), "");

        assertThat(CartHash.decode(CartHash.encode(stored))).isEqualTo(stored);
    }

    @Test
    void linesAddedAtTheSameMomentAreOrderedByProduct() {
        StoredCart stored = CartHash.decode(List.of("id", "c1", "st", "ACTIVE", "cur", "EUR", "v", "2", "ca", "0", "ua", "0",
            "l:b", "1|1|5|c|", "l:a", "1|1|5|c|", "l:c", "1|1|4|c|"));

        assertThat(stored.cart().lines()).extracting(CartLine::productId).containsExactly("c", "a", "b");
    }

    @Test
    void aHashWithoutItsHeaderIsRefused() {
        assertThatThrownBy(() -> CartHash.decode(List.of("l:p1", "1|1|1|c|n"))).hasMessageContaining("'id'");
        assertThatThrownBy(() -> CartHash.decodeLine("p1", "1|1|1")).hasMessageContaining("malformed");
        assertThatThrownBy(() -> CartHash.decode(List.of("id", "c1", "st", "ACTIVE", "cur", "EUR", "v", "2", "ca", "0", "ua", "0",
            "pr", "A=1,B"))).hasMessageContaining("malformed promotions");
    }
}
