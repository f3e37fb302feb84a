package dev.cartwright.sim;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.cartwright.proto.platform.v1.CodeUsage;
import dev.cartwright.proto.platform.v1.GetCustomerUsageRequest;
import dev.cartwright.proto.platform.v1.GetCustomerUsageResponse;
import dev.cartwright.proto.platform.v1.ListPromotionsRequest;
import dev.cartwright.proto.platform.v1.ListPromotionsResponse;
import dev.cartwright.proto.platform.v1.PromotionDefinition;
import dev.cartwright.proto.platform.v1.PromotionServiceService;
import dev.cartwright.proto.platform.v1.RecordUsageRequest;
import dev.cartwright.proto.platform.v1.RecordUsageResponse;

import io.vertx.core.Future;

import static dev.cartwright.sim.ProtoValues.timestamp;
import static dev.cartwright.sim.ProtoValues.usd;

/**
 * The simulated promotion neighbour. Owns a fixed set of promotion codes, one or more of every kind promotion.proto
 * names, and how often each customer used each code (in memory, recorded idempotently).
 *
 * <table>
 *   <caption>The seeded codes</caption>
 *   <tr><th>code</th><th>kind</th><th>what</th><th>combinable</th></tr>
 *   <tr><td>SAVE10</td><td>percent_off_order</td><td>10% off the order</td><td>yes</td></tr>
 *   <tr><td>FIVEOFF</td><td>amount_off_order</td><td>$5 off orders of $25 or more</td><td>yes</td></tr>
 *   <tr><td>TSHIRT20</td><td>percent_off_category</td><td>20% off category c1 (t-shirts)</td><td>yes</td></tr>
 *   <tr><td>MUGS2</td><td>amount_off_category</td><td>$2 off each item of category c3 (mugs)</td><td>yes</td></tr>
 *   <tr><td>HOT456</td><td>percent_off_product</td><td>15% off product 456</td><td>yes</td></tr>
 *   <tr><td>DEAL456</td><td>amount_off_product</td><td>$1 off each unit of product 456</td><td>yes</td></tr>
 *   <tr><td>B2G1</td><td>buy_x_get_y</td><td>buy 2 get 1 free in category c2 (socks)</td><td>yes</td></tr>
 *   <tr><td>FREESHIP</td><td>free_shipping</td><td>free shipping</td><td>yes</td></tr>
 *   <tr><td>EXPIRED2020</td><td>percent_off_order</td><td>15% off, valid only in 2020</td><td>yes</td></tr>
 *   <tr><td>FUTURE</td><td>percent_off_order</td><td>25% off, valid only from 2100</td><td>yes</td></tr>
 *   <tr><td>ONCE</td><td>amount_off_order</td><td>$10 off, once per customer</td><td>yes</td></tr>
 *   <tr><td>SOLO</td><td>percent_off_order</td><td>25% off, with no other code</td><td>no</td></tr>
 * </table>
 * A cart carries at most {@value #MAX_PER_CART} codes. Every code but EXPIRED2020 and FUTURE is valid from 2020-01-01
 * to 2099-12-31.
 */
public final class PromotionSimulator extends PromotionServiceService {

    public static final int MAX_PER_CART = 3;

    private static final Instant ALWAYS_FROM = Instant.parse("2020-01-01T00:00:00Z");
    private static final Instant ALWAYS_UNTIL = Instant.parse("2099-12-31T23:59:59Z");

    /** The seeded definitions, in the order ListPromotions returns them. */
    public static final List<PromotionDefinition> PROMOTIONS = List.of(
        promotion("SAVE10", "10% off your order", "percent_off_order").setPercentBp(1000).build(),
        promotion("FIVEOFF", "$5 off orders of $25 or more", "amount_off_order")
            .setAmount(usd(500)).setMinimumOrder(usd(2500)).build(),
        promotion("TSHIRT20", "20% off t-shirts", "percent_off_category").setPercentBp(2000).setCategoryId("c1").build(),
        promotion("MUGS2", "$2 off every mug", "amount_off_category").setAmount(usd(200)).setCategoryId("c3").build(),
        promotion("HOT456", "15% off product 456", "percent_off_product").setPercentBp(1500).setProductId("456").build(),
        promotion("DEAL456", "$1 off each unit of product 456", "amount_off_product").setAmount(usd(100)).setProductId("456").build(),
        promotion("B2G1", "Socks: buy 2, get 1 free", "buy_x_get_y").setCategoryId("c2").setBuyQuantity(2).setGetQuantity(1).build(),
        promotion("FREESHIP", "Free shipping", "free_shipping").build(),
        promotion("EXPIRED2020", "15% off, 2020 only", "percent_off_order").setPercentBp(1500)
            .setValidFrom(timestamp(Instant.parse("2020-01-01T00:00:00Z")))
            .setValidUntil(timestamp(Instant.parse("2020-12-31T23:59:59Z"))).build(),
        promotion("FUTURE", "25% off, from 2100", "percent_off_order").setPercentBp(2500)
            .setValidFrom(timestamp(Instant.parse("2100-01-01T00:00:00Z")))
            .setValidUntil(timestamp(Instant.parse("2100-12-31T23:59:59Z"))).build(),
        promotion("ONCE", "$10 off, once per customer", "amount_off_order").setAmount(usd(1000)).setPerCustomerLimit(1).build(),
        promotion("SOLO", "25% off, not with any other code", "percent_off_order").setPercentBp(2500).setCombinable(false).build());

    private static final Set<String> CODES = PROMOTIONS.stream().map(PromotionDefinition::getCode).collect(Collectors.toUnmodifiableSet());

    private final ServiceKnobs knobs;
    /** customer id → code → times used; guarded by {@code this}. */
    private final Map<String, Map<String, Integer>> usage = new HashMap<>();
    /** RecordUsage idempotency keys already applied; guarded by {@code this}. */
    private final Set<String> recordedKeys = new HashSet<>();

    PromotionSimulator(ServiceKnobs knobs) {
        this.knobs = knobs;
    }

    public ServiceKnobs knobs() {
        return knobs;
    }

    /** How often a customer used a code so far. */
    public synchronized int timesUsed(String customerId, String code) {
        return usage.getOrDefault(customerId, Map.of()).getOrDefault(code.toUpperCase(Locale.ROOT), 0);
    }

    @Override
    public Future<ListPromotionsResponse> listPromotions(ListPromotionsRequest request) {
        return knobs.gate(() -> Future.succeededFuture(
            ListPromotionsResponse.newBuilder().addAllPromotions(PROMOTIONS).setMaxPerCart(MAX_PER_CART).build()));
    }

    @Override
    public Future<GetCustomerUsageResponse> getCustomerUsage(GetCustomerUsageRequest request) {
        return knobs.gate(() -> {
            if (request.getCustomerId().isEmpty()) {
                return Status.invalidField("customer_id", "is required");
            }
            GetCustomerUsageResponse.Builder response = GetCustomerUsageResponse.newBuilder();
            synchronized (this) {
                Map<String, Integer> used = usage.getOrDefault(request.getCustomerId(), Map.of());
                List<String> codes = request.getCodesCount() > 0 ? request.getCodesList() : List.copyOf(used.keySet());
                for (String code : codes) {
                    String normalised = code.toUpperCase(Locale.ROOT);
                    response.addUsage(CodeUsage.newBuilder().setCode(normalised).setTimesUsed(used.getOrDefault(normalised, 0)));
                }
            }
            return Future.succeededFuture(response.build());
        });
    }

    @Override
    public Future<RecordUsageResponse> recordUsage(RecordUsageRequest request) {
        return knobs.gate(() -> {
            if (request.getCustomerId().isEmpty()) {
                return Status.invalidField("customer_id", "is required");
            }
            if (request.getIdempotencyKey().isEmpty()) {
                return Status.invalidField("idempotency_key", "is required");
            }
            for (String code : request.getCodesList()) {
                if (!CODES.contains(code.toUpperCase(Locale.ROOT))) {
                    return Status.notFound("PROMOTION_NOT_FOUND", "no promotion " + code);
                }
            }
            synchronized (this) {
                if (recordedKeys.add(request.getIdempotencyKey())) {
                    Map<String, Integer> used = usage.computeIfAbsent(request.getCustomerId(), c -> new HashMap<>());
                    for (String code : request.getCodesList()) {
                        used.merge(code.toUpperCase(Locale.ROOT), 1, Integer::sum);
                    }
                }
            }
            return Future.succeededFuture(RecordUsageResponse.getDefaultInstance());
        });
    }

    private static PromotionDefinition.Builder promotion(String code, String description, String kind) {
        return PromotionDefinition.newBuilder()
            .setCode(code)
            .setDescription(description)
            .setKind(kind)
            .setValidFrom(timestamp(ALWAYS_FROM))
            .setValidUntil(timestamp(ALWAYS_UNTIL))
            .setCombinable(true);
    }
}
