package dev.cartwright.testkit;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * One way of obtaining a service, and the rule that tries the ways in order.
 *
 * <p>A step answers empty when its way is simply not available here (nothing on the port, no Docker), so the
 * next one is tried; it throws when its way was asked for but is broken (an address in the environment that does
 * not answer), because silently falling through would test against something other than what was configured.
 */
record ResolutionStep<T>(String description, Callable<Optional<T>> attempt) {

    /**
     * Tries {@code steps} in order and returns the first service obtained.
     *
     * @throws IllegalStateException naming every way tried and how to start the service when none worked
     */
    static <T> T firstAvailable(String service, List<ResolutionStep<T>> steps, String howToStart) {
        StringBuilder tried = new StringBuilder();
        for (ResolutionStep<T> step : steps) {
            Optional<T> found;
            try {
                found = step.attempt().call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(service + ": " + step.description() + " failed: " + e.getMessage(), e);
            }
            if (found.isPresent()) {
                return found.get();
            }
            tried.append("\n  - ").append(step.description()).append(": not available");
        }
        throw new IllegalStateException("No " + service + " for integration tests. Tried:" + tried + "\n" + howToStart);
    }
}
