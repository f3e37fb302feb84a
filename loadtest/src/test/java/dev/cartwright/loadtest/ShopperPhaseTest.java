package dev.cartwright.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.loadtest.LoadDriver.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * In the closed loop every shopper takes one step per answer from the same start, so shoppers whose sessions are
 * equally long would keep in step for the whole run: their carts would fill and empty together, and so would the
 * service's cost per request. Each shopper first reads its empty cart a number of times of its own, which puts the
 * shoppers of one session length at every point of their cycle.
 */
class ShopperPhaseTest {

    @Test
    void aShopperReadsItsEmptyCartFirstThenRepeatsOneSession() {
        LoadDriver.Shopper shopper = new LoadDriver.Shopper("cart", 2, 3);

        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < 3 + 2 * LoadDriver.Shopper.sessionLength(2); i++) {
            steps.add(shopper.nextStep());
        }

        assertThat(steps).containsExactly(
            Step.GET, Step.GET, Step.GET,
            Step.ADD, Step.ADD, Step.UPDATE, Step.GET, Step.REMOVE, Step.GET, Step.CLEAR,
            Step.ADD, Step.ADD, Step.UPDATE, Step.GET, Step.REMOVE, Step.GET, Step.CLEAR);
        assertThat(shopper.session).isEqualTo(2);
    }

    @Test
    void inTheClosedLoopShoppersOfOneSessionLengthStartAtEveryPointOfTheirCycle() {
        LoadDriver driver = driver("--closed", "1000", "--shoppers", "1000");

        // For each session length, the step at which each of its shoppers first clears its cart: the same step for
        // all of them if they started in step, every step of the cycle if not.
        Map<Integer, Set<Integer>> firstClearByLength = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            LoadDriver.Shopper shopper = driver.shopper(i);
            int length = LoadDriver.Shopper.sessionLength(shopper.itemsPerSession);
            int step = 0;
            while (shopper.nextStep() != Step.CLEAR) {
                step++;
            }
            firstClearByLength.computeIfAbsent(length, l -> new HashSet<>()).add(step % length);
        }

        assertThat(firstClearByLength).hasSize(10);
        firstClearByLength.forEach((length, phases) ->
            assertThat(phases).as("phases of the shoppers whose sessions are %d steps", length).hasSize(length));
    }

    @Test
    void inTheOpenLoopShoppersStartTheirFirstSessionAtOnce() {
        LoadDriver driver = driver("--shoppers", "50");

        for (int i = 0; i < 50; i++) {
            assertThat(driver.shopper(i).nextStep()).as("shopper %d's first step", i).isEqualTo(Step.ADD);
        }
    }

    private static LoadDriver driver(String... args) {
        LoadDriver driver = new LoadDriver(null, LoadDriver.DriverOptions.parse(args), new OverlapCircumstanceTest.InMemoryCart());
        assertThat(driver.createCarts().succeeded()).isTrue();
        return driver;
    }
}
