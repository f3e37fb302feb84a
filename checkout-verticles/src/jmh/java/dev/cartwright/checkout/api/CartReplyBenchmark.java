package dev.cartwright.checkout.api;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartLine;
import dev.cartwright.cart.CartStatus;
import dev.cartwright.pricing.CartLimits;
import dev.cartwright.pricing.Money;
import dev.cartwright.pricing.PriceBook;
import dev.cartwright.pricing.PriceEntry;
import dev.cartwright.pricing.PricingCore;
import dev.cartwright.pricing.PricingRequest;
import dev.cartwright.pricing.PricingSnapshot;
import dev.cartwright.pricing.Promotion;
import dev.cartwright.pricing.PromotionRule;
import dev.cartwright.pricing.PromotionSet;
import dev.cartwright.pricing.RegionTax;
import dev.cartwright.pricing.TaxTable;
import dev.cartwright.pricing.Target;
import dev.cartwright.pricing.Totals;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.service.grpc.JsonCodec;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The reply half of a CartService call, for carts of 1, 10 and 100 lines with two promotions applied:
 * <ul>
 *   <li>{@code toProto}: {@link CartReplies#toProto}, the stored cart and its totals mapped to the Cart message;</li>
 *   <li>{@code toProtoAndBytes}: the mapping and the message serialised ({@code toByteArray}, a fresh message each
 *       time as in the service, so its size is computed too), what gRPC writes to the stream;</li>
 *   <li>{@code priceAndReply}: everything the endpoint does once the store has answered: the cart's lines as
 *       pricing lines, totals through the pricing core, the mapping and the bytes.</li>
 *   <li>{@code toJsonFormat} and {@code toJsonDirect}: the Cart message as an HTTP/JSON reply, printed by JsonFormat
 *       (compact) and by {@link CartJson}, the same bytes;</li>
 *   <li>{@code addItemJsonFormat} and {@code addItemDirect}: an AddItem request as the transcoder hands it on, parsed
 *       as the generated decoder does (a new JsonFormat parser into a new builder) and by {@link CartRequestJson}.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CartReplyBenchmark {

    private static final Currency USD = Currency.getInstance("USD");
    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    private static final List<String> CODES = List.of("CAT0-10", "SAVE5");

    @Param({"1", "10", "100"})
    int lines;

    private PricingCore pricing;
    private PricingSnapshot snapshot;
    private Cart cart;
    private Totals totals;
    private dev.cartwright.proto.checkout.v1.Cart message;
    private final JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
    private final Buffer addItem = Buffer.buffer("{\"cart_id\":\"k2v7c3mqa4t6x1zr8pbn0sdf5e\",\"product_id\":\"sku-7\","
        + "\"quantity\":2,\"idempotency_key\":\"k-8f3a2c\"}");
    private JsonCodec<?> addItemReader;

    @Setup(Level.Trial)
    public void setUp() {
        List<PriceEntry> entries = new ArrayList<>();
        List<CartLine> cartLines = new ArrayList<>();
        for (int i = 0; i < Math.max(lines, 100); i++) {
            entries.add(new PriceEntry("sku-" + i, Money.of(999 + 37L * i, USD), "cat-" + (i % 5), true,
                i % 4 == 0 ? "reduced" : PriceEntry.STANDARD_TAX_CLASS));
        }
        for (int i = 0; i < lines; i++) {
            cartLines.add(new CartLine("sku-" + i, "cat-" + (i % 5), "Product number " + i, 1 + i % 3, 999 + 37L * i,
                NOW.minusSeconds(600 - i)));
        }
        PromotionSet promotions = PromotionSet.of(3, List.of(
            Promotion.simple("CAT0-10", new PromotionRule.PercentOff(1000, Target.category("cat-0")), USD),
            Promotion.simple("SAVE5", new PromotionRule.AmountOff(Money.of(500, USD), Target.wholeOrder()), USD)
                .withMinimumOrder(Money.of(500, USD))));
        TaxTable taxes = TaxTable.of(Map.of("US-CA", RegionTax.exclusive(725).withClassRate("reduced", 0)));
        pricing = new PricingCore(PriceBook.of(USD, entries), promotions, taxes, CartLimits.defaults());
        snapshot = pricing.current();
        cart = new Cart("k2v7c3mqa4t6x1zr8pbn0sdf5e", "customer-0042", CartStatus.ACTIVE, "USD", "US-CA", cartLines, CODES, 17,
            NOW.minusSeconds(600), NOW, "");
        totals = pricing.totals(snapshot, request());
        message = toProto();
        if (message.getItemsCount() != lines || totals.applied().size() != 2) {
            throw new IllegalStateException("the benchmark cart must have " + lines + " lines and both promotions: " + totals);
        }
        for (JsonCodec<?> codec : CartRequestJson.all()) {
            if (codec.typeName().equals(AddItemRequest.getDescriptor().getFullName())) {
                addItemReader = codec;
            }
        }
        if (CartJson.print(message) == null || addItemReader.parse(addItem) == null) {
            throw new IllegalStateException("the direct JSON path must answer for the benchmark's messages");
        }
    }

    private PricingRequest request() {
        return new PricingRequest(cart.pricingLines(), cart.promotionCodes(), cart.region(), 0, Map.of(), NOW);
    }

    @Benchmark
    public dev.cartwright.proto.checkout.v1.Cart toProto() {
        return CartReplies.toProto(cart, totals, snapshot);
    }

    @Benchmark
    public byte[] toProtoAndBytes() {
        return CartReplies.toProto(cart, totals, snapshot).toByteArray();
    }

    @Benchmark
    public byte[] priceAndReply() {
        PricingSnapshot current = pricing.current();
        Totals priced = pricing.totals(current, request());
        return CartReplies.toProto(cart, priced, current).toByteArray();
    }

    @Benchmark
    public byte[] toJsonFormat() throws InvalidProtocolBufferException {
        return printer.print(message).getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public byte[] toJsonDirect() {
        return CartJson.print(message);
    }

    @Benchmark
    public AddItemRequest addItemJsonFormat() throws InvalidProtocolBufferException {
        AddItemRequest.Builder builder = AddItemRequest.newBuilder();
        JsonFormat.parser().merge(addItem.toString(StandardCharsets.UTF_8), builder);
        return builder.build();
    }

    @Benchmark
    public Object addItemDirect() {
        return addItemReader.parse(addItem);
    }
}
