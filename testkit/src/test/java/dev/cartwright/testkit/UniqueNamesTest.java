package dev.cartwright.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class UniqueNamesTest {

    @Test
    void namesCarryTheBaseTheRunAndACounter() {
        UniqueNames names = new UniqueNames("0a1b2c3d");

        assertThat(names.next("checkout")).isEqualTo("checkout_0a1b2c3d_1");
        assertThat(names.next("checkout")).isEqualTo("checkout_0a1b2c3d_2");
        assertThat(names.next("orders")).isEqualTo("orders_0a1b2c3d_3");
    }

    @Test
    void twoInstancesDoNotCollideBecauseEachPicksItsOwnRunId() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            assertThat(seen.add(new UniqueNames().next("cart"))).isTrue();
        }
    }

    @Test
    void everyNameIsAnUnquotedSqlIdentifierEvenFromTheLongestBase() {
        UniqueNames names = new UniqueNames();
        String longest = "a".repeat(40);

        assertThat(UniqueNames.requireIdentifier(names.next(longest))).startsWith(longest);
    }

    @Test
    void basesThatWouldNeedQuotingAreRejected() {
        UniqueNames names = new UniqueNames();

        assertThatThrownBy(() -> names.next("Checkout")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> names.next("drop table x;--")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> names.next("1cart")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UniqueNames.requireIdentifier("public; drop")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTestNameFoldsToAUsableBase() {
        assertThat(UniqueNames.toBase("RedisHarnessIT_setThenGet()")).isEqualTo("redisharnessit_setthenget");
        assertThat(UniqueNames.toBase("[1] quantity=3")).isEqualTo("t_1_quantity_3");
        assertThat(UniqueNames.toBase("x".repeat(100))).hasSize(40);
        assertThat(UniqueNames.toBase("!!!")).isEqualTo("t_");
    }
}
