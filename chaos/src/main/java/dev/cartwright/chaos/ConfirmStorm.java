package dev.cartwright.chaos;

import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.Checkout;
import dev.cartwright.proto.checkout.v1.CheckoutServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CheckoutStatus;
import dev.cartwright.proto.checkout.v1.ConfirmCheckoutRequest;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCheckoutRequest;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.checkout.v1.SelectShippingMethodRequest;
import dev.cartwright.proto.checkout.v1.StartCheckoutRequest;
import dev.cartwright.proto.checkout.v1.UpdateAddressRequest;
import dev.cartwright.proto.common.v1.Address;
import dev.cartwright.proto.platform.v1.AuthorizationStatus;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.PaymentAuthorization;
import dev.cartwright.sim.Knobs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent checkouts with ambiguous failures: for each cart, several callers at once start a checkout and confirm it
 * (some with a shared idempotency key, some with none), while the order and payment simulators now and then answer
 * only after the service's neighbour timeout, having done the work (commit, then time out). Afterwards: at most one
 * order per cart, every order resting on a live authorization (authorized or captured), and no live authorization
 * without its order.
 */
public final class ConfirmStorm {

    /**
     * @param carts              carts checked out
     * @param confirmAttempts    ConfirmCheckout calls made
     * @param outcomes           their answers by status
     * @param orders             orders the order simulator holds for these carts' checkouts
     * @param doubleOrders       carts with more than one order
     * @param liveAuthorizations authorizations left authorized or captured
     * @param orphanCharges      live authorizations no order rests on (a customer charged for nothing)
     * @param unpaidOrders       orders whose authorization is not live (voided or declined: goods without payment)
     * @param unsettled          checkouts still confirming when the run gave up waiting
     * @param problems           the first few findings
     */
    public record Result(int carts, long confirmAttempts, Map<String, Long> outcomes, long orders, long doubleOrders,
                         long liveAuthorizations, long orphanCharges, long unpaidOrders, long unsettled, List<String> problems) {
        /** Charges beyond the orders: an authorization with no order, or two for one order. */
        public long extraCharges() {
            return Math.max(0, liveAuthorizations - orders);
        }

        public boolean clean() {
            return doubleOrders == 0 && orphanCharges == 0 && unpaidOrders == 0;
        }

        public String summary() {
            return String.format("carts %d, confirm attempts %d, outcomes %s, orders %d, carts with two orders %d, "
                + "live authorizations %d, of them with no order %d, orders without a live authorization %d, still confirming %d",
                carts, confirmAttempts, new java.util.TreeMap<>(outcomes), orders, doubleOrders, liveAuthorizations, orphanCharges,
                unpaidOrders, unsettled);
        }
    }

    private ConfirmStorm() {
    }

    public static Result run(ChaosRig rig, String runId, int carts, int attemptsPerCart, Duration settle) {
        int authBefore = rig.sim.payment().authorizationCount();
        List<String> cartIds = new ArrayList<>();
        for (int i = 0; i < carts; i++) {
            Calls.Reply<Cart> cart = rig.calls.call(CartServiceGrpcClient.CreateCart,
                CreateCartRequest.newBuilder().setCustomerId("storm-" + runId + "-" + i).build());
            if (!cart.ok()) {
                throw new IllegalStateException("could not create a cart for the confirm storm: " + cart);
            }
            Calls.Reply<Cart> added = rig.calls.call(CartServiceGrpcClient.AddItem, AddItemRequest.newBuilder()
                .setCartId(cart.body().getCartId()).setProductId("456").setQuantity(1).build());
            if (!added.ok()) {
                throw new IllegalStateException("could not fill a cart for the confirm storm: " + added);
            }
            cartIds.add(cart.body().getCartId());
        }
        Map<String, Set<String>> checkoutsByCart = new ConcurrentHashMap<>();
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        AtomicLong confirms = new AtomicLong();
        AtomicBoolean storming = new AtomicBoolean(true);
        Thread trouble = new Thread(() -> {
            Random random = new Random(runId.hashCode());
            while (storming.get()) {
                boolean slow = random.nextBoolean();
                rig.sim.knobs(random.nextBoolean() ? dev.cartwright.sim.SimService.ORDER : dev.cartwright.sim.SimService.PAYMENT)
                    .set(slow ? Knobs.NONE.withLatencyMs(2500) : Knobs.NONE);
                Loopback.pause(Duration.ofMillis(700));
            }
            rig.sim.knobs(dev.cartwright.sim.SimService.ORDER).reset();
            rig.sim.knobs(dev.cartwright.sim.SimService.PAYMENT).reset();
        }, "storm-trouble");
        trouble.start();
        ExecutorService callers = Executors.newFixedThreadPool(24);
        for (String cartId : cartIds) {
            for (int a = 0; a < attemptsPerCart; a++) {
                int attempt = a;
                callers.submit(() -> {
                    Calls.Reply<Checkout> started = rig.calls.call(CheckoutServiceGrpcClient.StartCheckout,
                        StartCheckoutRequest.newBuilder().setCartId(cartId).build());
                    if (!started.ok()) {
                        outcomes.computeIfAbsent("start " + name(started), k -> new AtomicLong()).incrementAndGet();
                        return;
                    }
                    String checkoutId = started.body().getCheckoutId();
                    checkoutsByCart.computeIfAbsent(cartId, k -> ConcurrentHashMap.newKeySet()).add(checkoutId);
                    rig.calls.call(CheckoutServiceGrpcClient.UpdateShippingAddress, UpdateAddressRequest.newBuilder()
                        .setCheckoutId(checkoutId).setAddress(address()).build());
                    rig.calls.call(CheckoutServiceGrpcClient.SelectShippingMethod, SelectShippingMethodRequest.newBuilder()
                        .setCheckoutId(checkoutId).setShippingMethodId("standard").build());
                    ConfirmCheckoutRequest.Builder confirm = ConfirmCheckoutRequest.newBuilder().setCheckoutId(checkoutId)
                        .setPaymentMethodId("pm-visa");
                    if (attempt % 2 == 0) {
                        confirm.setIdempotencyKey("storm-" + checkoutId);
                    }
                    confirms.incrementAndGet();
                    Calls.Reply<Order> order = rig.calls.call(CheckoutServiceGrpcClient.ConfirmCheckout, confirm.build());
                    outcomes.computeIfAbsent("confirm " + name(order), k -> new AtomicLong()).incrementAndGet();
                });
            }
        }
        Loopback.finishStorm(callers, Duration.ofMinutes(10), storming, trouble);

        // Let sagas that met an unknown outcome resolve it (recovery, sweeps) before counting.
        List<String> checkouts = checkoutsByCart.values().stream().flatMap(Set::stream).toList();
        long unsettled = checkouts.size();
        long deadline = System.nanoTime() + settle.toNanos();
        while (unsettled > 0 && System.nanoTime() < deadline) {
            unsettled = checkouts.stream().filter(id -> {
                Calls.Reply<Checkout> read = rig.calls.call(CheckoutServiceGrpcClient.GetCheckout,
                    GetCheckoutRequest.newBuilder().setCheckoutId(id).build());
                return !read.ok() || read.body().getStatus() == CheckoutStatus.CHECKOUT_STATUS_CONFIRMING;
            }).count();
            if (unsettled > 0) {
                Loopback.pause(Duration.ofSeconds(2));
            }
        }

        List<String> problems = new ArrayList<>();
        long orders = 0;
        long doubleOrders = 0;
        Set<String> paidWith = new java.util.HashSet<>();
        List<OrderDetails> placedOrders = new ArrayList<>();
        for (Map.Entry<String, Set<String>> cart : checkoutsByCart.entrySet()) {
            List<String> placed = new ArrayList<>();
            for (String checkoutId : cart.getValue()) {
                Optional<OrderDetails> order = rig.sim.order().orderByIdempotencyKey(checkoutId);
                if (order.isPresent()) {
                    placed.add(checkoutId + " (order " + order.get().getOrderId() + ")");
                    paidWith.add(order.get().getPaymentReference());
                    placedOrders.add(order.get());
                }
            }
            orders += placed.size();
            if (placed.size() > 1) {
                doubleOrders++;
                if (problems.size() < 20) {
                    problems.add("cart " + cart.getKey() + " has orders from checkouts " + placed);
                }
            }
        }
        // An authorization whose order never came may be voided by a later sweep: wait for it, within the settle time.
        List<PaymentAuthorization> orphans;
        long live;
        long orphanDeadline = System.nanoTime() + settle.toNanos();
        while (true) {
            List<PaymentAuthorization> liveNow = liveAuthorizations(rig, authBefore);
            live = liveNow.size();
            orphans = liveNow.stream().filter(a -> !paidWith.contains(a.getAuthorizationId())).toList();
            if (orphans.isEmpty() || System.nanoTime() > orphanDeadline) {
                break;
            }
            Loopback.pause(Duration.ofSeconds(2));
        }
        for (PaymentAuthorization orphan : orphans) {
            if (problems.size() < 20) {
                problems.add("authorization " + orphan.getAuthorizationId() + " (" + orphan.getAmount().getAmountMinor() + " "
                    + orphan.getAmount().getCurrencyCode() + ") is " + orphan.getStatus() + " with no order");
            }
        }
        long unpaid = 0;
        for (OrderDetails order : placedOrders) {
            Optional<PaymentAuthorization> auth = rig.sim.payment().authorization(order.getPaymentReference());
            boolean charged = auth.isPresent() && (auth.get().getStatus() == AuthorizationStatus.AUTHORIZATION_STATUS_AUTHORIZED
                || auth.get().getStatus() == AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED);
            if (!charged) {
                unpaid++;
                if (problems.size() < 20) {
                    problems.add("order " + order.getOrderId() + " of checkout " + order.getCheckoutId() + " rests on authorization "
                        + order.getPaymentReference() + " which is " + auth.map(a -> a.getStatus().name()).orElse("unknown"));
                }
            }
        }
        if (live != orders && problems.size() < 20) {
            problems.add(live + " live authorizations for " + orders + " orders");
        }
        Map<String, Long> counts = new HashMap<>();
        outcomes.forEach((k, v) -> counts.put(k, v.get()));
        return new Result(carts, confirms.get(), counts, orders, doubleOrders, live, orphans.size(), unpaid, unsettled, problems);
    }

    private static List<PaymentAuthorization> liveAuthorizations(ChaosRig rig, int authBefore) {
        List<PaymentAuthorization> live = new ArrayList<>();
        long idBase = rig.sim.config().idBase();
        for (long n = authBefore + 1; n <= rig.sim.payment().authorizationCount(); n++) {
            Optional<PaymentAuthorization> auth = rig.sim.payment().authorization("auth-" + (idBase + n));
            if (auth.isPresent() && (auth.get().getStatus() == AuthorizationStatus.AUTHORIZATION_STATUS_AUTHORIZED
                || auth.get().getStatus() == AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED)) {
                live.add(auth.get());
            }
        }
        return live;
    }

    private static Address address() {
        return Address.newBuilder().setName("Ada Lovelace").setLine1("1 Market St").setCity("San Francisco").setRegion("CA")
            .setPostalCode("94105").setCountryCode("US").build();
    }

    private static String name(Calls.Reply<?> reply) {
        return reply.status() == null ? "no status" : reply.status().name();
    }
}
