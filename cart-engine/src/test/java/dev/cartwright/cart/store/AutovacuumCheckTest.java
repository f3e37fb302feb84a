package dev.cartwright.cart.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class AutovacuumCheckTest {

    @Test
    void autovacuumOnWithCountsAndNoTableTurnedOffHasNoProblem() {
        assertThat(AutovacuumCheck.problems(new AutovacuumCheck.Settings(true, true, List.of()))).isEmpty();
    }

    @Test
    void eachProblemIsNamedWithWhatToSet() {
        List<String> problems = AutovacuumCheck.problems(new AutovacuumCheck.Settings(false, false, List.of("cart_items", "carts")));

        assertThat(problems).hasSize(4);
        assertThat(problems.get(0)).contains("autovacuum is off").contains("autovacuum = on");
        assertThat(problems.get(1)).contains("track_counts is off").contains("track_counts = on");
        assertThat(problems.get(2)).contains("table cart_items").contains("ALTER TABLE cart_items RESET (autovacuum_enabled)");
        assertThat(problems.get(3)).contains("table carts").contains("ALTER TABLE carts RESET (autovacuum_enabled)");
    }

    @Test
    void aTableTurnedOffIsAProblemEvenWithTheServerOn() {
        assertThat(AutovacuumCheck.problems(new AutovacuumCheck.Settings(true, true, List.of("cart_promotions"))))
            .singleElement().asString().contains("cart_promotions");
    }
}
