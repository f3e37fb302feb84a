package dev.cartwright.sim;

import java.util.Locale;
import java.util.Optional;

/** The neighbours this module simulates, each with its default port offset from the base port (9100 + offset). */
public enum SimService {
    CATALOG(1),
    PRICING(2),
    PROMOTION(3),
    WAREHOUSE(4),
    PAYMENT(5),
    SHIPPING(6),
    ORDER(7),
    CUSTOMER(8);

    private final int portOffset;

    SimService(int portOffset) {
        this.portOffset = portOffset;
    }

    /** Added to the base port to give this simulator's default port. */
    public int portOffset() {
        return portOffset;
    }

    /** The lower-case name used in configuration keys and the admin endpoint, e.g. {@code "payment"}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The service for a lower-case key, if there is one. */
    public static Optional<SimService> byKey(String key) {
        for (SimService service : values()) {
            if (service.key().equalsIgnoreCase(key)) {
                return Optional.of(service);
            }
        }
        return Optional.empty();
    }
}
