package dev.cartwright.sim;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.cartwright.proto.events.v1.PriceChanged;
import dev.cartwright.proto.platform.v1.GetPricesRequest;
import dev.cartwright.proto.platform.v1.GetPricesResponse;
import dev.cartwright.proto.platform.v1.ListPricesRequest;
import dev.cartwright.proto.platform.v1.ListPricesResponse;
import dev.cartwright.proto.platform.v1.PricingServiceService;
import dev.cartwright.proto.platform.v1.ProductPrice;

import io.vertx.core.Future;

import static dev.cartwright.sim.ProtoValues.timestamp;
import static dev.cartwright.sim.ProtoValues.usd;

/**
 * The simulated pricing neighbour. Owns the current unit price of every catalogue product: the catalogue's list price
 * until {@link #changePrice} replaces it (which also publishes price.changed). Only USD is priced.
 */
public final class PricingSimulator extends PricingServiceService {

    /** When the catalogue's list prices took effect. */
    public static final Instant LIST_PRICES_FROM = Instant.parse("2024-01-01T00:00:00Z");

    private record Price(long amountMinor, Instant effectiveFrom) {
    }

    private final Catalogue catalogue;
    private final ServiceKnobs knobs;
    private final SimEvents events;
    private final Clock clock;
    private final Map<String, Price> changed = new ConcurrentHashMap<>();

    PricingSimulator(Catalogue catalogue, ServiceKnobs knobs, SimEvents events, Clock clock) {
        this.catalogue = catalogue;
        this.knobs = knobs;
        this.events = events;
        this.clock = clock;
    }

    public ServiceKnobs knobs() {
        return knobs;
    }

    /** The current unit price of a product in USD cents. */
    public long priceOf(String productId) {
        return price(requireProduct(productId)).amountMinor();
    }

    /**
     * Sets a product's price from now on and publishes price.changed (when Kafka is configured); the future completes
     * when the event is sent.
     */
    public Future<Void> changePrice(String productId, long newPriceMinor) {
        CatalogueProduct product = requireProduct(productId);
        if (newPriceMinor <= 0) {
            throw new IllegalArgumentException("price must be > 0 cents, was " + newPriceMinor);
        }
        Price price = new Price(newPriceMinor, clock.instant());
        changed.put(product.productId(), price);
        PriceChanged event = PriceChanged.newBuilder()
            .setProductId(product.productId())
            .setUnitPrice(usd(newPriceMinor))
            .setEffectiveFrom(timestamp(price.effectiveFrom()))
            .build();
        return events.publish(events.topics().pricingEvents(), SimTopics.PRICE_CHANGED, SimTopics.PRICING_SOURCE,
            product.productId(), event);
    }

    @Override
    public Future<GetPricesResponse> getPrices(GetPricesRequest request) {
        return knobs.gate(() -> {
            if (!isUsd(request.getCurrencyCode())) {
                return Status.invalidField("currency_code", "only USD is priced, not " + request.getCurrencyCode(),
                    "currency_code: only USD is priced, not " + request.getCurrencyCode());
            }
            GetPricesResponse.Builder response = GetPricesResponse.newBuilder();
            for (String id : request.getProductIdsList()) {
                catalogue.find(id).ifPresent(p -> response.addPrices(toProto(p)));
            }
            return Future.succeededFuture(response.build());
        });
    }

    @Override
    public Future<ListPricesResponse> listPrices(ListPricesRequest request) {
        return knobs.gate(() -> {
            if (!isUsd(request.getCurrencyCode())) {
                return Status.invalidField("currency_code", "only USD is priced, not " + request.getCurrencyCode(),
                    "currency_code: only USD is priced, not " + request.getCurrencyCode());
            }
            Page page;
            try {
                page = Page.of(request.getPageToken(), request.getPageSize(), catalogue.size());
            } catch (Page.Invalid e) {
                return Status.invalidPage(e);
            }
            ListPricesResponse.Builder response = ListPricesResponse.newBuilder().setNextPageToken(page.nextToken());
            for (CatalogueProduct p : catalogue.products().subList(page.offset(), page.end())) {
                response.addPrices(toProto(p));
            }
            return Future.succeededFuture(response.build());
        });
    }

    private ProductPrice toProto(CatalogueProduct product) {
        Price price = price(product);
        return ProductPrice.newBuilder()
            .setProductId(product.productId())
            .setUnitPrice(usd(price.amountMinor()))
            .setEffectiveFrom(timestamp(price.effectiveFrom()))
            .build();
    }

    private Price price(CatalogueProduct product) {
        Price price = changed.get(product.productId());
        return price != null ? price : new Price(product.priceMinor(), LIST_PRICES_FROM);
    }

    private CatalogueProduct requireProduct(String productId) {
        return catalogue.find(productId)
            .orElseThrow(() -> new IllegalArgumentException("no product " + productId + " in the catalogue"));
    }

    private static boolean isUsd(String currencyCode) {
        return currencyCode.isEmpty() || Catalogue.CURRENCY.equals(currencyCode);
    }
}
