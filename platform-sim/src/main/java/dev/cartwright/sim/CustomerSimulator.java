package dev.cartwright.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import dev.cartwright.proto.common.v1.Address;
import dev.cartwright.proto.platform.v1.Customer;
import dev.cartwright.proto.platform.v1.CustomerServiceService;
import dev.cartwright.proto.platform.v1.GetCustomerRequest;

import io.vertx.core.Future;

import static dev.cartwright.sim.ProtoValues.timestamp;

/**
 * The simulated customer neighbour: every customer id exists and looks the same on every run, derived from the id
 * alone. Ids starting with "de-" live in Germany, "gb-" in Great Britain, every other id in one of five US states
 * (tax regions "US-CA", "US-NY", "US-TX", "US-WA", "US-OR"). Ids starting with "missing" do not exist (NOT_FOUND), so
 * callers can exercise that path. It owns no state.
 */
public final class CustomerSimulator extends CustomerServiceService {

    private record Home(String taxRegion, String city, String state, String postalCode, String country, String street) {
    }

    private static final List<Home> US_HOMES = List.of(
        new Home("US-CA", "San Francisco", "CA", "94105", "US", "Market St"),
        new Home("US-NY", "New York", "NY", "10001", "US", "W 34th St"),
        new Home("US-TX", "Austin", "TX", "78701", "US", "Congress Ave"),
        new Home("US-WA", "Seattle", "WA", "98101", "US", "Pike St"),
        new Home("US-OR", "Portland", "OR", "97201", "US", "SW Broadway"));
    private static final Home GERMANY = new Home("DE", "Berlin", "", "10115", "DE", "Invalidenstrasse");
    private static final Home BRITAIN = new Home("GB", "London", "", "EC1A 1BB", "GB", "St Martin's Le Grand");
    private static final Instant FIRST_SIGN_UP = Instant.parse("2020-01-01T00:00:00Z");

    private final ServiceKnobs knobs;

    CustomerSimulator(ServiceKnobs knobs) {
        this.knobs = knobs;
    }

    public ServiceKnobs knobs() {
        return knobs;
    }

    /** The customer with this id, as GetCustomer answers it (ids starting with "missing" excepted). */
    public static Customer customer(String customerId) {
        long hash = StableHash.fnv64(customerId);
        String lower = customerId.toLowerCase(Locale.ROOT);
        Home home;
        if (lower.startsWith("de-")) {
            home = GERMANY;
        } else if (lower.startsWith("gb-")) {
            home = BRITAIN;
        } else {
            home = US_HOMES.get((int) Long.remainderUnsigned(hash, US_HOMES.size()));
        }
        String name = "Customer " + customerId;
        Address address = Address.newBuilder()
            .setName(name)
            .setLine1((1 + Long.remainderUnsigned(hash >>> 8, 999)) + " " + home.street())
            .setCity(home.city())
            .setRegion(home.state())
            .setPostalCode(home.postalCode())
            .setCountryCode(home.country())
            .build();
        return Customer.newBuilder()
            .setCustomerId(customerId)
            .setEmail("customer-" + customerId.replaceAll("[^A-Za-z0-9._-]", "_") + "@example.test")
            .setName(name)
            .setRegion(home.taxRegion())
            .setDefaultAddress(address)
            .setCreatedAt(timestamp(FIRST_SIGN_UP.plus(Duration.ofDays(Long.remainderUnsigned(hash >>> 16, 1500)))))
            .build();
    }

    @Override
    public Future<Customer> getCustomer(GetCustomerRequest request) {
        return knobs.gate(() -> {
            String id = request.getCustomerId();
            if (id.isEmpty()) {
                return Status.invalidField("customer_id", "is required");
            }
            if (id.toLowerCase(Locale.ROOT).startsWith("missing")) {
                return Status.notFound("CUSTOMER_NOT_FOUND", "no customer " + id);
            }
            return Future.succeededFuture(customer(id));
        });
    }
}
