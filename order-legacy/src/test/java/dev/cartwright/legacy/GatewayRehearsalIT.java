package dev.cartwright.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.order.flags.FlagSetting;
import dev.cartwright.order.flags.ServiceRouting;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.GrpcStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rollout rehearsal: shoppers fill carts through the gateway while the checkout share moves 0 → 10 → 50 → 100 →
 * 0 → 100% and the kill switch is flipped off and on once. Checked afterwards:
 * <ul>
 *   <li>no call failed at the gateway (no UNAVAILABLE, no transport error): every call was answered by one side;</li>
 *   <li>every acknowledged change is on the side that acknowledged it (read back from that side directly);</li>
 *   <li>a shopper whose journey ran between two changes stayed on one side, the side the share gives it;</li>
 *   <li>journeys that straddled a change are counted; a cart left behind on the side a customer moved away from is
 *       what data following (dual-write and lazy import, order-adapter) must carry across, and is reported.</li>
 * </ul>
 * It records how long each change took to reach the first call routed by it and the gateway's cost (p95 of GetCart
 * through the gateway and straight to the service, interleaved in the same run), in target/rehearsal.txt. Load and
 * length: {@code -Drehearsal.shoppers} (default 8), {@code -Drehearsal.holdMillis} per step (default 1500).
 */
@ExtendWith(RealServices.class)
class GatewayRehearsalIT {

    private static final int SHOPPERS = Integer.getInteger("rehearsal.shoppers", 8);
    private static final long HOLD_MILLIS = Long.getLong("rehearsal.holdMillis", 1500);
    private static final Set<GrpcStatus> GATEWAY_FAILURES = Set.of(GrpcStatus.UNAVAILABLE, GrpcStatus.UNKNOWN, GrpcStatus.INTERNAL,
        GrpcStatus.DEADLINE_EXCEEDED);

    private static SplitStack stack;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        stack = SplitStack.start(postgres, redis, kafka);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /** One step of the rollout: a share or the switch, and the epoch (its index) the calls after it belong to. */
    private record Step(String name, Integer shareBasisPoints, Boolean switchOn) {
    }

    /** One acknowledged change: which cart, which product and how many, on which side. */
    private record Ack(String customer, String cartId, String productId, int quantity, String side) {
    }

    /** One journey of one customer: the epochs its calls ran in, and the sides that answered. */
    private record Journey(String customer, int firstEpoch, int lastEpoch, List<String> sides, List<GrpcStatus> statuses) {
    }

    @Test
    void sharesMoveUnderLoadWithoutAFailedCallOrALostAcknowledgedChange() throws Exception {
        ServiceRouting checkout = ServiceRouting.CHECKOUT;
        stack.gateway.admin().useNewService(checkout, true);
        stack.gateway.admin().share(checkout, FlagSetting.OFF);
        List<Step> steps = List.of(new Step("0% -> 10%", 1000, null), new Step("10% -> 50%", 5000, null),
            new Step("50% -> 100%", 10_000, null), new Step("100% -> 0% (gradual rollback in one step)", 0, null),
            new Step("0% -> 100%", 10_000, null), new Step("kill switch off (rollback)", null, false),
            new Step("kill switch on", null, true));

        AtomicInteger epoch = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Journey> journeys = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> gatewayFailures = new ConcurrentLinkedQueue<>();
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(SHOPPERS);
        for (int s = 0; s < SHOPPERS; s++) {
            int shopper = s;
            Thread thread = new Thread(() -> {
                try {
                    int n = 0;
                    while (running.get()) {
                        shop("shopper-" + shopper + "-" + (n++), epoch, acks, journeys, gatewayFailures, calls);
                    }
                } finally {
                    done.countDown();
                }
            }, "shopper-" + s);
            thread.setDaemon(true);
            thread.start();
        }

        Map<String, Double> takeEffectMillis = new LinkedHashMap<>();
        Thread.sleep(HOLD_MILLIS);
        int share = 0;
        boolean switchOn = true;
        for (Step step : steps) {
            int newShare = step.shareBasisPoints() == null ? share : step.shareBasisPoints();
            boolean newSwitch = step.switchOn() == null ? switchOn : step.switchOn();
            String probe = probeFor(checkout, share, switchOn, newShare, newSwitch);
            // The epoch moves before and after the change, so a journey that overlaps it in any way spans two epochs.
            epoch.incrementAndGet();
            long before = System.nanoTime();
            if (step.shareBasisPoints() != null) {
                stack.gateway.admin().share(checkout, new FlagSetting(newShare));
            } else {
                stack.gateway.admin().useNewService(checkout, newSwitch);
            }
            epoch.incrementAndGet();
            String expected = checkout.servesNew(newSwitch, new FlagSetting(newShare), probe) ? "checkout_service"
                    : "order_service_checkout";
            while (!expected.equals(sideOf(probe))) {
                Thread.onSpinWait();
            }
            takeEffectMillis.put(step.name(), (System.nanoTime() - before) / 1e6);
            share = newShare;
            switchOn = newSwitch;
            Thread.sleep(HOLD_MILLIS);
        }
        running.set(false);
        done.await();

        // Nothing failed at the gateway: every call was answered by one of the sides.
        assertThat(gatewayFailures).as("calls the gateway failed").isEmpty();

        // Every acknowledged change is on the side that acknowledged it.
        int checked = 0;
        for (Ack ack : acks) {
            SocketAddress side = ack.side().equals("checkout_service")
                ? SocketAddress.inetSocketAddress(stack.checkout.grpcPort(), "127.0.0.1")
                : SocketAddress.inetSocketAddress(stack.legacy.port(), "127.0.0.1");
            SplitStack.Reply<Cart> cart = SplitStack.await(stack.call(side, ack.customer(), CartServiceGrpcClient.GetCart,
                GetCartRequest.newBuilder().setCartId(ack.cartId()).build()));
            assertThat(cart.status()).as("cart %s on %s", ack.cartId(), ack.side()).isEqualTo(GrpcStatus.OK);
            assertThat(cart.body().getItemsList()).as("cart %s on %s", ack.cartId(), ack.side())
                .anySatisfy(line -> assertThat(line.getProductId()).isEqualTo(ack.productId()));
            checked++;
        }
        assertThat(checked).isPositive();

        // A journey inside one epoch stayed on one side.
        int straddling = 0;
        int moved = 0;
        int leftBehind = 0;
        for (Journey journey : journeys) {
            if (journey.firstEpoch() == journey.lastEpoch()) {
                assertThat(Set.copyOf(journey.sides())).as(journey.customer()).hasSize(1);
                assertThat(journey.statuses()).as(journey.customer()).containsOnly(GrpcStatus.OK);
                continue;
            }
            straddling++;
            if (Set.copyOf(journey.sides()).size() > 1) {
                moved++;
                leftBehind += journey.statuses().contains(GrpcStatus.NOT_FOUND) ? 1 : 0;
            } else {
                // A change that did not move this customer cannot have hidden its cart.
                assertThat(journey.statuses()).as(journey.customer()).doesNotContain(GrpcStatus.NOT_FOUND);
            }
        }

        Latencies latencies = gatewayCost();
        StringBuilder report = new StringBuilder("Rollout rehearsal (GatewayRehearsalIT): ")
            .append(SHOPPERS).append(" shoppers, ").append(calls.get()).append(" calls, ").append(acks.size())
            .append(" acknowledged changes checked on their side, ").append(journeys.size()).append(" journeys\n");
        takeEffectMillis.forEach((name, ms) -> report.append(String.format("  %-45s in force after %.1f ms%n", name, ms)));
        report.append("  calls failed at the gateway: ").append(gatewayFailures.size()).append('\n');
        report.append("  journeys straddling a change: ").append(straddling).append("; moved to the other side mid-journey: ").append(moved)
            .append(", of which ").append(leftBehind)
            .append(" did not find their cart there (NOT_FOUND: what data following, dual-write + lazy import, must carry)\n");
        report.append(String.format("  GetCart p50/p95/p99 through the gateway: %.2f / %.2f / %.2f ms; direct: %.2f / %.2f / %.2f ms "
            + "(%d calls each, interleaved)%n", latencies.gateway(50), latencies.gateway(95), latencies.gateway(99),
            latencies.direct(50), latencies.direct(95), latencies.direct(99), latencies.count()));
        System.out.print(report);
        Path out = Path.of("target", "rehearsal.txt");
        try {
            Files.createDirectories(out.getParent());
            Files.writeString(out, report.toString());
        } catch (IOException e) {
            // The report is also on standard output.
        }
    }

    /** A customer's journey: a cart, three items (in the stack's 500-product catalogue), a read; every call recorded. */
    private static void shop(String customer, AtomicInteger epoch, ConcurrentLinkedQueue<Ack> acks, ConcurrentLinkedQueue<Journey> journeys,
                             ConcurrentLinkedQueue<String> gatewayFailures, AtomicInteger calls) {
        int first = epoch.get();
        List<String> sides = new ArrayList<>();
        List<GrpcStatus> statuses = new ArrayList<>();
        SplitStack.Reply<Cart> created = record(stack.callNow(customer, CartServiceGrpcClient.CreateCart,
            CreateCartRequest.newBuilder().setCustomerId(customer).setCurrencyCode("USD").build()), customer, sides, statuses,
            gatewayFailures, calls);
        if (created.ok()) {
            String[] products = {"456", "101", "202"};
            for (String product : products) {
                SplitStack.Reply<Cart> added = record(stack.callNow(customer, CartServiceGrpcClient.AddItem, AddItemRequest.newBuilder()
                        .setCartId(created.body().getCartId()).setProductId(product).setQuantity(1).build()), customer, sides, statuses,
                    gatewayFailures, calls);
                if (added.ok()) {
                    acks.add(new Ack(customer, created.body().getCartId(), product, 1, added.side()));
                }
            }
            record(stack.callNow(customer, CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId(created.body().getCartId())
                .build()), customer, sides, statuses, gatewayFailures, calls);
        }
        journeys.add(new Journey(customer, first, epoch.get(), sides, statuses));
    }

    private static <T> SplitStack.Reply<T> record(SplitStack.Reply<T> reply, String customer, List<String> sides, List<GrpcStatus> statuses,
                                                  ConcurrentLinkedQueue<String> gatewayFailures, AtomicInteger calls) {
        calls.incrementAndGet();
        statuses.add(reply.status());
        if (reply.side() != null) {
            sides.add(reply.side());
        }
        if (reply.side() == null || GATEWAY_FAILURES.contains(reply.status())) {
            gatewayFailures.add(customer + ": " + reply.status() + " " + reply.message() + " side " + reply.side());
        }
        return reply;
    }

    /** A customer whose side changes with this step, so the first call that sees the new side shows the change in force. */
    private static String probeFor(ServiceRouting service, int share, boolean switchOn, int newShare, boolean newSwitch) {
        for (int i = 0; ; i++) {
            String candidate = "probe-" + i;
            if (service.servesNew(switchOn, new FlagSetting(share), candidate)
                != service.servesNew(newSwitch, new FlagSetting(newShare), candidate)) {
                return candidate;
            }
        }
    }

    private static String sideOf(String customer) {
        return stack.callNow(customer, CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId("no-such-cart").build()).side();
    }

    private record Latencies(List<Double> through, List<Double> straight) {
        int count() {
            return through.size();
        }

        double gateway(int percentile) {
            return at(through, percentile);
        }

        double direct(int percentile) {
            return at(straight, percentile);
        }

        private static double at(List<Double> sorted, int percentile) {
            int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(0, index));
        }
    }

    /** GetCart of one existing cart, through the gateway and straight to the Checkout Service, interleaved. */
    private static Latencies gatewayCost() {
        stack.gateway.admin().useNewService(ServiceRouting.CHECKOUT, true);
        stack.gateway.admin().share(ServiceRouting.CHECKOUT, FlagSetting.ON);
        String customer = "latency-probe";
        Cart cart = stack.callNow(customer, CartServiceGrpcClient.CreateCart, CreateCartRequest.newBuilder().setCustomerId(
                customer).build())
            .body();
        GetCartRequest get = GetCartRequest.newBuilder().setCartId(cart.getCartId()).build();
        SocketAddress direct = SocketAddress.inetSocketAddress(stack.checkout.grpcPort(), "127.0.0.1");
        List<Double> through = new ArrayList<>();
        List<Double> straight = new ArrayList<>();
        int rounds = Integer.getInteger("rehearsal.latencyCalls", 2000);
        for (int i = 0; i < rounds + 200; i++) {
            long a = System.nanoTime();
            SplitStack.Reply<Cart> viaGateway = stack.callNow(customer, CartServiceGrpcClient.GetCart, get);
            long b = System.nanoTime();
            SplitStack.Reply<Cart> viaDirect = SplitStack.await(stack.call(direct, customer, CartServiceGrpcClient.GetCart, get));
            long c = System.nanoTime();
            assertThat(viaGateway.ok() && viaDirect.ok()).isTrue();
            if (i >= 200) {
                // The first 200 rounds warm both paths up (JIT, connections) and are not counted.
                through.add((b - a) / 1e6);
                straight.add((c - b) / 1e6);
            }
        }
        Collections.sort(through);
        Collections.sort(straight);
        return new Latencies(through, straight);
    }
}
