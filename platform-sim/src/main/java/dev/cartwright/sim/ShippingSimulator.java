package dev.cartwright.sim;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.cartwright.proto.platform.v1.CreateReturnLabelRequest;
import dev.cartwright.proto.platform.v1.GetRatesRequest;
import dev.cartwright.proto.platform.v1.GetRatesResponse;
import dev.cartwright.proto.platform.v1.ReturnLabel;
import dev.cartwright.proto.platform.v1.ShippingRate;
import dev.cartwright.proto.platform.v1.ShippingServiceService;

import io.vertx.core.Future;

import static dev.cartwright.sim.ProtoValues.money;

/**
 * The simulated shipping neighbour. Rates are a fixed table: standard $4.99 in 5 days (free for orders of $100 or
 * more), express $14.99 in 2 days, and overnight $29.99 in 1 day for US destinations. Owns the return labels issued so
 * far, one per idempotency key, carrier {@value #CARRIER}, tracking number derived from the key alone.
 */
public final class ShippingSimulator extends ShippingServiceService {

    public static final String CARRIER = "SIMPOST";
    public static final String STANDARD = "standard";
    public static final String EXPRESS = "express";
    public static final String OVERNIGHT = "overnight";
    public static final long STANDARD_PRICE = 499;
    public static final long EXPRESS_PRICE = 1499;
    public static final long OVERNIGHT_PRICE = 2999;
    public static final long FREE_STANDARD_FROM = 10_000;
    /** Destinations nothing ships to (Antarctica): GetRates refuses them, as a carrier that does not serve them would. */
    public static final Set<String> NOT_SERVED = Set.of("AQ");

    private final ServiceKnobs knobs;
    /** idempotency key → label; guarded by {@code this}. */
    private final Map<String, ReturnLabel> labels = new HashMap<>();

    ShippingSimulator(ServiceKnobs knobs) {
        this.knobs = knobs;
    }

    public ServiceKnobs knobs() {
        return knobs;
    }

    /** The label issued under this key, if any. */
    public synchronized Optional<ReturnLabel> label(String idempotencyKey) {
        return Optional.ofNullable(labels.get(idempotencyKey));
    }

    /** Labels issued since start (one per distinct key). */
    public synchronized int labelCount() {
        return labels.size();
    }

    /** The tracking number a return label created under this key carries. */
    public static String trackingNumber(String idempotencyKey) {
        long hash = StableHash.fnv64(idempotencyKey);
        return String.format("SP%012d", Long.remainderUnsigned(hash, 1_000_000_000_000L));
    }

    @Override
    public Future<GetRatesResponse> getRates(GetRatesRequest request) {
        return knobs.gate(() -> {
            if (request.getOrderValue().getAmountMinor() < 0) {
                return Status.invalidField("order_value.amount_minor", "must be >= 0");
            }
            String currency = request.getOrderValue().getCurrencyCode().isEmpty() ? Catalogue.CURRENCY
                : request.getOrderValue().getCurrencyCode();
            long standard = request.getOrderValue().getAmountMinor() >= FREE_STANDARD_FROM ? 0 : STANDARD_PRICE;
            GetRatesResponse.Builder response = GetRatesResponse.newBuilder()
                .addRates(rate(STANDARD, standard == 0 ? "Standard (free over $100)" : "Standard", standard, currency, 5))
                .addRates(rate(EXPRESS, "Express", EXPRESS_PRICE, currency, 2));
            String country = request.getDestination().getCountryCode();
            if (NOT_SERVED.contains(country.toUpperCase(Locale.ROOT))) {
                return Status.failedPrecondition("DESTINATION_NOT_SERVED", "countries/" + country.toUpperCase(Locale.ROOT),
                    "no shipping to " + country);
            }
            if (country.isEmpty() || country.equalsIgnoreCase("US")) {
                response.addRates(rate(OVERNIGHT, "Overnight", OVERNIGHT_PRICE, currency, 1));
            }
            return Future.succeededFuture(response.build());
        });
    }

    @Override
    public Future<ReturnLabel> createReturnLabel(CreateReturnLabelRequest request) {
        return knobs.gate(() -> {
            if (request.getIdempotencyKey().isEmpty()) {
                return Status.invalidField("idempotency_key", "is required");
            }
            synchronized (this) {
                ReturnLabel label = labels.computeIfAbsent(request.getIdempotencyKey(), key -> {
                    String tracking = trackingNumber(key);
                    return ReturnLabel.newBuilder()
                        .setCarrier(CARRIER)
                        .setTrackingNumber(tracking)
                        .setLabelUrl("https://labels.simpost.invalid/" + tracking + ".pdf")
                        .build();
                });
                return Future.succeededFuture(label);
            }
        });
    }

    private static ShippingRate rate(String id, String name, long price, String currency, int days) {
        return ShippingRate.newBuilder()
            .setShippingMethodId(id)
            .setName(name)
            .setPrice(money(price, currency))
            .setEstimatedDays(days)
            .build();
    }
}
