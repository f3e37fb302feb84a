package dev.cartwright.cart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The identifier checks run on every request, written by hand for speed, accept exactly what their documented
 * patterns accept: checked against the regular expressions they replaced, on strings made mostly of the
 * characters near the edges of the allowed sets.
 */
class CartTextProperties {

    private static final Pattern CART_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern PROMOTION_CODE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    @Provide
    Arbitrary<String> candidates() {
        // Mostly allowed characters (so that long valid ids are common), sometimes anything near the edges.
        Arbitrary<String> allowed = Arbitraries.strings().withChars("azAZ09-_.").ofMaxLength(70);
        Arbitrary<String> mixed = Arbitraries.strings().withChars("azAZ09-_.@`[{/: |\u00e9\u0000\n").ofMaxLength(70);
        return Arbitraries.frequencyOf(Tuple.of(3, allowed), Tuple.of(2, mixed))
            .edgeCases(config -> config.add("").add("a".repeat(64)).add("a".repeat(65)).add("USD").add("usd"));
    }

    @Property(tries = 2000)
    void cartIdsMatchTheirPattern(@ForAll("candidates") String candidate) {
        assertThat(CartText.isCartId(candidate)).isEqualTo(CART_ID.matcher(candidate).matches());
    }

    @Property(tries = 2000)
    void promotionCodesMatchTheirPattern(@ForAll("candidates") String candidate) {
        assertThat(CartText.isPromotionCode(candidate)).isEqualTo(PROMOTION_CODE.matcher(candidate).matches());
    }

    @Property(tries = 2000)
    void currenciesMatchTheirPattern(@ForAll("candidates") String candidate) {
        if (CURRENCY.matcher(candidate).matches()) {
            assertThatCode(() -> CartText.requireCurrency(candidate)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> CartText.requireCurrency(candidate)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Property(tries = 1000)
    void aCustomerIdIsWhatRequireCustomerIdAccepts(@ForAll("candidates") String candidate) {
        boolean accepted;
        try {
            CartText.requireCustomerId(candidate);
            accepted = true;
        } catch (IllegalArgumentException e) {
            accepted = false;
        }
        assertThat(CartText.isCustomerId(candidate)).isEqualTo(accepted);
    }
}
