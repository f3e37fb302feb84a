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
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rollout rehearsal, with data following the customer as {@code ./cartwright start} sets it up (both services
 * linked to order_db, dual-write on): shoppers fill carts through the gateway while the checkout share moves 0 → 10 →
 * 50 → 100 → 0 → 100% and the kill switch is flipped off and on once. Then dual-write is switched off at 100%, and the
 * operator's rollback ({@code ./cartwright rollout checkout off}) is refused, saying what must run first; that is run
 * ({@code ./cartwright dual-write on}, the copy back {@code backfill --to-legacy} until it copies nothing), and the
 * rollback and the way back are made with the launcher. Checked afterwards:
 * <ul>
 *   <li>no call failed at the gateway (no UNAVAILABLE, no transport error): every call was answered by one side;</li>
 *   <li>no call of any journey failed, not even of a customer moved to the other side mid-journey (no NOT_FOUND);</li>
 *   <li>every acknowledged change is present on the side that serves its customer now, read through the gateway;</li>
 *   <li>a shopper whose journey ran between two changes (not while one was being made) stayed on one side;</li>
 *   <li>the migration tool's {@code verify} finds 0 differences between order_db and checkout_db.</li>
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

    /** What a pass of the copy back prints when it changed nothing in order_db. */
    private static final Pattern NOTHING_CHANGED = Pattern.compile("rows changed 0\\b");

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
    void sharesMoveUnderLoadAndBackWithNothingLostAndARollbackWithoutDualWriteWaitsForTheCopyBack() throws Exception {
        ServiceRouting checkout = ServiceRouting.CHECKOUT;
        stack.gateway.admin().useNewService(checkout, true);
        stack.gateway.admin().share(checkout, FlagSetting.OFF);
        List<Step> steps = List.of(new Step("0% -> 10%", 1000, null), new Step("10% -> 50%", 5000, null),
            new Step("50% -> 100%", 10_000, null), new Step("100% -> 0% (gradual rollback in one step)", 0, null),
            new Step("0% -> 100%", 10_000, null), new Step("kill switch off (rollback)", null, false),
            new Step("kill switch on", null, true));

        AtomicInteger epoch = new AtomicInteger();
        // The epochs while a change was being made (between the two moves of the epoch around it): a journey inside one
        // of them may have met the change, so it counts as straddling it.
        Set<Integer> changeWindows = java.util.concurrent.ConcurrentHashMap.newKeySet();
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
        // The launcher's own run (bash and its runtime-API calls, until it exits), part of the time in force above.
        Map<String, Double> launcherMillis = new LinkedHashMap<>();
        Thread.sleep(HOLD_MILLIS);
        int share = 0;
        boolean switchOn = true;
        for (Step step : steps) {
            int newShare = step.shareBasisPoints() == null ? share : step.shareBasisPoints();
            boolean newSwitch = step.switchOn() == null ? switchOn : step.switchOn();
            String probe = probeFor(checkout, share, switchOn, newShare, newSwitch);
            // The epoch moves before and after the change, so a journey that overlaps it in any way spans two epochs.
            changeWindows.add(epoch.incrementAndGet());
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

        // Dual-write off at 100%: the new services stop mirroring, order_db falls behind, and the operator's rollback is
        // refused with what must run first.
        List<String> rollbackLog = new ArrayList<>();
        writeFlags("migration.dual_write=off");
        Thread.sleep(HOLD_MILLIS);
        SplitStack.Launched refused = stack.launcher("rollout", "checkout", "off");
        rollbackLog.add("$ ./cartwright rollout checkout off   (dual-write off)\n" + refused.output().strip());
        assertThat(refused.exitCode()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("dual-write is off").contains("./cartwright dual-write on")
            .contains("backfill --to-legacy");
        assertThat(stack.gateway.admin().rollout()).containsEntry(checkout.switchKey(), "1");

        // What it says, in that order: every write mirrored again, the copy back until it copies nothing, the rollback.
        SplitStack.Launched on = stack.launcher("dual-write", "on");
        assertThat(on.exitCode()).as(on.output()).isZero();
        awaitFlagsRead();
        int passes = 0;
        SplitStack.Launched copied;
        do {
            copied = stack.migration("backfill", "--to-legacy", "--aggregate", "cart");
            assertThat(copied.exitCode()).as(copied.output()).isZero();
            passes++;
        } while (!NOTHING_CHANGED.matcher(copied.output()).find() && passes < 5);
        // Shoppers keep writing at 100% meanwhile: rows of carts whose dual-write mirror is in flight are counted apart, so
        // the copy back still comes to a pass that changes nothing in order_db, as the operator is told to wait for.
        assertThat(copied.output()).as("the copy back after %d passes", passes).containsPattern(NOTHING_CHANGED);
        rollbackLog.add("$ ./cartwright dual-write on; backfill --to-legacy --aggregate cart (" + passes + " passes, the last: "
            + copied.output().strip() + ")");
        for (boolean newSwitch : new boolean[] {false, true}) {
            String name = newSwitch ? "kill switch on with the launcher" : "rollback with the launcher after the copy back";
            String probe = probeFor(checkout, 10_000, !newSwitch, 10_000, newSwitch);
            changeWindows.add(epoch.incrementAndGet());
            long before = System.nanoTime();
            SplitStack.Launched launched = stack.launcher("rollout", "checkout", newSwitch ? "on" : "off");
            double commandMillis = (System.nanoTime() - before) / 1e6;
            epoch.incrementAndGet();
            assertThat(launched.exitCode()).as(launched.output()).isZero();
            String expected = newSwitch ? "checkout_service" : "order_service_checkout";
            while (!expected.equals(sideOf(probe))) {
                Thread.onSpinWait();
            }
            takeEffectMillis.put(name, (System.nanoTime() - before) / 1e6);
            launcherMillis.put(name, commandMillis);
            rollbackLog.add("$ ./cartwright rollout checkout " + (newSwitch ? "on" : "off") + ": exit " + launched.exitCode());
            Thread.sleep(HOLD_MILLIS);
        }
        running.set(false);
        done.await();

        // Nothing failed at the gateway: every call was answered by one of the sides.
        assertThat(gatewayFailures).as("calls the gateway failed").isEmpty();

        // Every acknowledged change is present on the side that serves its customer now (the new side: switch on, 100%),
        // wherever it was acknowledged.
        int checked = 0;
        int acknowledgedByTheOrderService = 0;
        for (Ack ack : acks) {
            SplitStack.Reply<Cart> cart = stack.callNow(ack.customer(), CartServiceGrpcClient.GetCart,
                GetCartRequest.newBuilder().setCartId(ack.cartId()).build());
            assertThat(cart.status()).as("cart %s (acknowledged by %s) now on %s", ack.cartId(), ack.side(), cart.side())
                .isEqualTo(GrpcStatus.OK);
            assertThat(cart.side()).isEqualTo("checkout_service");
            assertThat(cart.body().getItemsList()).as("cart %s (acknowledged by %s) now on %s", ack.cartId(), ack.side(), cart.side())
                .anySatisfy(line -> assertThat(line.getProductId()).isEqualTo(ack.productId()));
            acknowledgedByTheOrderService += ack.side().equals("checkout_service") ? 0 : 1;
            checked++;
        }
        assertThat(checked).isPositive();
        assertThat(acknowledgedByTheOrderService).isPositive();

        // A journey inside one epoch stayed on one side.
        int straddling = 0;
        int moved = 0;
        int leftBehind = 0;
        for (Journey journey : journeys) {
            if (journey.firstEpoch() == journey.lastEpoch() && !changeWindows.contains(journey.firstEpoch())) {
                assertThat(Set.copyOf(journey.sides())).as(journey.customer()).hasSize(1);
                assertThat(journey.statuses()).as(journey.customer()).containsOnly(GrpcStatus.OK);
                continue;
            }
            straddling++;
            if (Set.copyOf(journey.sides()).size() > 1) {
                moved++;
                leftBehind += journey.statuses().contains(GrpcStatus.NOT_FOUND) ? 1 : 0;
            }
        }
        // Data follows the customer: no journey lost its cart or failed otherwise, moved mid-journey or not.
        assertThat(journeys).as("journeys with a failed call").allSatisfy(journey ->
            assertThat(journey.statuses()).as(journey.customer() + " on " + journey.sides()).containsOnly(GrpcStatus.OK));
        assertThat(moved).as("customers moved to the other side mid-journey").isPositive();

        // Both databases hold the same carts: the backfill tops up the carts only the Order service has (customers it
        // served who did not come back), then verify compares every cart; a write in flight may need one more look.
        writeFlags("migration.dual_write=on\nmigration.backfill=on\nmigration.verify=on");
        SplitStack.Launched toppedUp = stack.migration("backfill", "--aggregate", "cart");
        assertThat(toppedUp.exitCode()).as(toppedUp.output()).isZero();
        SplitStack.Launched verified = stack.migration("verify", "--aggregate", "cart");
        for (int attempt = 0; attempt < 10 && verified.exitCode() != 0; attempt++) {
            Thread.sleep(1000);
            verified = stack.migration("verify", "--aggregate", "cart");
        }
        assertThat(verified.exitCode()).as(verified.output()).isZero();
        assertThat(verified.output()).contains("CLEAN");

        Latencies latencies = gatewayCost();
        StringBuilder report = new StringBuilder("Rollout rehearsal (GatewayRehearsalIT): ")
            .append(SHOPPERS).append(" shoppers, ").append(calls.get()).append(" calls, ").append(acks.size())
            .append(" acknowledged changes checked on their side, ").append(journeys.size()).append(" journeys\n");
        takeEffectMillis.forEach((name, ms) -> report.append(String.format("  %-45s in force after %.1f ms%n", name, ms)));
        launcherMillis.forEach((name, ms) -> report.append(String.format("  %-45s the command itself %.1f ms%n", name, ms)));
        report.append("  calls failed at the gateway: ").append(gatewayFailures.size()).append('\n');
        report.append("  journeys straddling a change: ").append(straddling).append("; moved to the other side mid-journey: ").append(moved)
            .append(", of which ").append(leftBehind).append(" did not find their cart there (NOT_FOUND)\n");
        report.append("  acknowledged changes present on the side serving their customer now: ").append(checked).append(" of ")
            .append(acks.size()).append(" (").append(acknowledgedByTheOrderService).append(" acknowledged by the Order service)\n");
        report.append("  verify (order_db against checkout_db, carts): ").append(verified.output().strip()).append('\n');
        report.append("  rollback after dual-write was off:\n");
        rollbackLog.forEach(line -> report.append("    ").append(line.replace("\n", "\n    ")).append('\n'));
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

    /** Writes the migration flags file both services watch. */
    private static void writeFlags(String properties) throws IOException, InterruptedException {
        Files.writeString(stack.flags, properties + "\n");
        awaitFlagsRead();
    }

    /** The services re-read the flags file every 2 s (FeatureFlagStore.watch): two periods and a margin. */
    private static void awaitFlagsRead() throws InterruptedException {
        Thread.sleep(4500);
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
