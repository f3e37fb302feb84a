package dev.cartwright.cart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class CartIdsTest {

    @Test
    void idsAre26CharactersOfLowerCaseBase32AndValidCartIds() {
        CartIds ids = new CartIds(new Random(7));
        for (int i = 0; i < 1_000; i++) {
            String id = ids.next();
            assertThat(id).hasSize(26).matches("[a-z2-7]{26}");
            assertThat(CartText.isCartId(id)).isTrue();
        }
    }

    @Test
    void encodingFollowsRfc4648() {
        // RFC 4648 test vector "foobar" -> MZXW6YTBOI (lower-cased, no padding).
        assertThat(CartIds.encode("foobar".getBytes(java.nio.charset.StandardCharsets.US_ASCII))).isEqualTo("mzxw6ytboi");
        assertThat(CartIds.encode(new byte[16])).isEqualTo("a".repeat(26));
    }

    @Test
    void theSameSeedGivesTheSameIdsAndDifferentDrawsDiffer() {
        assertThat(new CartIds(new Random(1)).next()).isEqualTo(new CartIds(new Random(1)).next());
        CartIds ids = CartIds.secure();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            seen.add(ids.next());
        }
        assertThat(seen).hasSize(10_000);
    }
}
