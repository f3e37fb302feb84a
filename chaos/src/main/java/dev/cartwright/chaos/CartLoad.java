package dev.cartwright.chaos;

import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartLine;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.ClearCartRequest;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.proto.checkout.v1.RemoveItemRequest;
import dev.cartwright.proto.checkout.v1.UpdateItemRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The load driver of the fault suite: shoppers, one thread each, each owning some carts and changing them one request
 * at a time (add, update, remove, clear), every change guarded by the version the shopper knows and carrying an
 * idempotency key. An answer that is not definite (connection lost, UNAVAILABLE, time limit) is "maybe done": the
 * shopper sends the same request with the same key again until it gets one, as a storefront should. Every acknowledged
 * change goes into the {@link Ledger}; anything that contradicts what the shopper knows is an anomaly.
 */
public final class CartLoad {

    /** Products the simulators' seeded catalogue sells and keeps well stocked (see platform-sim's Catalogue rules). */
    private static final List<String> PRODUCTS = List.of("2", "3", "5", "7", "11", "13", "17", "19", "23", "29", "31", "37",
        "41", "43", "47", "53", "59", "61", "67", "71");
    private static final int MAX_LINES = 8;

    private final Calls calls;
    private final Ledger ledger;
    private final String runId;
    private final Duration giveUpAfter;
    private final List<String> anomalies = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> unknownOutcomes = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Thread> shoppers = new ArrayList<>();

    /**
     * @param giveUpAfter how long one change may keep meeting unknown outcomes before the shopper gives up on its cart
     *                    (an anomaly: nothing in the suite's faults lasts that long)
     */
    public CartLoad(Calls calls, Ledger ledger, String runId, Duration giveUpAfter) {
        this.calls = calls;
        this.ledger = ledger;
        this.runId = runId;
        this.giveUpAfter = giveUpAfter;
    }

    /** Starts {@code shopperCount} shoppers with {@code cartsEach} carts each; they run until {@link #stop()}. */
    public void start(int shopperCount, int cartsEach, long seed) {
        for (int s = 0; s < shopperCount; s++) {
            int shopper = s;
            Thread thread = new Thread(() -> shop(shopper, cartsEach, new Random(seed * 31 + shopper)), "shopper-" + s);
            thread.setDaemon(true);
            shoppers.add(thread);
            thread.start();
        }
    }

    /** Asks the shoppers to finish the change each is making and waits for them. */
    public void stop() {
        stopping.set(true);
        for (Thread thread : shoppers) {
            try {
                thread.join(giveUpAfter.toMillis() + 30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public List<String> anomalies() {
        return List.copyOf(anomalies);
    }

    /** Requests sent, retries included. */
    public long requests() {
        return requests.get();
    }

    /** Unknown outcomes met, by status (or "no status"), each followed by a retry with the same key. */
    public Map<String, Long> unknownOutcomes() {
        Map<String, Long> out = new HashMap<>();
        unknownOutcomes.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    private static final class Model {
        final String cartId;
        long version;
        final Map<String, Integer> lines = new HashMap<>();

        Model(String cartId, long version) {
            this.cartId = cartId;
            this.version = version;
        }
    }

    private void shop(int shopper, int cartsEach, Random random) {
        List<Model> carts = new ArrayList<>();
        for (int c = 0; c < cartsEach && !stopping.get(); c++) {
            Model model = create("chaos-" + runId + "-" + shopper + "-" + c);
            if (model != null) {
                carts.add(model);
            }
        }
        int turn = 0;
        while (!stopping.get() && !carts.isEmpty()) {
            Model model = carts.get(turn++ % carts.size());
            if (!change(model, random)) {
                carts.remove(model);
            }
        }
    }

    private Model create(String customer) {
        String key = customer + ":create";
        CreateCartRequest request = CreateCartRequest.newBuilder().setCustomerId(customer).setIdempotencyKey(key).build();
        Calls.Reply<Cart> reply = untilDefinite(customer, r -> calls.call(CartServiceGrpcClient.CreateCart, r), request);
        if (reply == null || !reply.ok()) {
            anomalies.add("CreateCart for " + customer + " ended " + describe(reply));
            return null;
        }
        Cart cart = reply.body();
        Model model = new Model(cart.getCartId(), cart.getVersion());
        ledger.record(new Ledger.Entry(cart.getCartId(), cart.getVersion(), Ledger.CREATED, "", retriedLast.get()), Map.of());
        if (!cart.getItemsList().isEmpty()) {
            anomalies.add("cart " + cart.getCartId() + " was created with lines " + cart.getItemsList());
        }
        return model;
    }

    /** Whether the last {@link #untilDefinite} call of this thread needed more than one attempt. */
    private final ThreadLocal<Boolean> retriedLast = ThreadLocal.withInitial(() -> false);

    /** One change of one cart; false when the shopper must give the cart up. */
    private boolean change(Model model, Random random) {
        String key = model.cartId + ":" + (model.version + 1);
        Map<String, Integer> after = new HashMap<>(model.lines);
        String change;
        String product;
        Function<Long, Calls.Reply<Cart>> send;
        double roll = random.nextDouble();
        List<String> present = new ArrayList<>(model.lines.keySet());
        present.sort(null);
        if (present.isEmpty() || roll < 0.45 && present.size() < MAX_LINES) {
            product = PRODUCTS.get(random.nextInt(PRODUCTS.size()));
            int quantity = 1 + random.nextInt(3);
            after.merge(product, quantity, Integer::sum);
            change = Ledger.ITEM_ADDED;
            AddItemRequest request = AddItemRequest.newBuilder().setCartId(model.cartId).setProductId(product)
                .setQuantity(quantity).setExpectedVersion(model.version).setIdempotencyKey(key).build();
            send = v -> calls.call(CartServiceGrpcClient.AddItem, request);
        } else if (roll < 0.75) {
            product = present.get(random.nextInt(present.size()));
            int quantity = 1 + random.nextInt(9);
            if (quantity == model.lines.get(product)) {
                quantity = quantity % 9 + 1;
            }
            after.put(product, quantity);
            change = Ledger.ITEM_UPDATED;
            UpdateItemRequest request = UpdateItemRequest.newBuilder().setCartId(model.cartId).setProductId(product)
                .setQuantity(quantity).setExpectedVersion(model.version).setIdempotencyKey(key).build();
            send = v -> calls.call(CartServiceGrpcClient.UpdateItem, request);
        } else if (roll < 0.95) {
            product = present.get(random.nextInt(present.size()));
            after.remove(product);
            change = Ledger.ITEM_REMOVED;
            RemoveItemRequest request = RemoveItemRequest.newBuilder().setCartId(model.cartId).setProductId(product)
                .setExpectedVersion(model.version).setIdempotencyKey(key).build();
            send = v -> calls.call(CartServiceGrpcClient.RemoveItem, request);
        } else {
            product = "";
            after.clear();
            change = Ledger.CLEARED;
            ClearCartRequest request = ClearCartRequest.newBuilder().setCartId(model.cartId).setExpectedVersion(model.version)
                .setIdempotencyKey(key).build();
            send = v -> calls.call(CartServiceGrpcClient.ClearCart, request);
        }
        Calls.Reply<Cart> reply = untilDefinite(model.cartId, send, model.version);
        if (reply == null) {
            anomalies.add("cart " + model.cartId + ": " + change + " at version " + model.version + " got no definite answer within "
                + giveUpAfter);
            return false;
        }
        if (!reply.ok()) {
            anomalies.add("cart " + model.cartId + ": " + change + " " + product + " at version " + model.version + " refused "
                + describe(reply) + (retriedLast.get() ? " (on a retry with the same key)" : ""));
            return adoptServiceState(model);
        }
        Cart cart = reply.body();
        Map<String, Integer> seen = lines(cart);
        if (cart.getVersion() != model.version + 1 || !seen.equals(after)) {
            anomalies.add("cart " + model.cartId + ": " + change + " " + product + " at version " + model.version
                + " answered version " + cart.getVersion() + " lines " + seen + ", expected version " + (model.version + 1)
                + " lines " + after);
            return adoptServiceState(model);
        }
        model.version = cart.getVersion();
        model.lines.clear();
        model.lines.putAll(after);
        ledger.record(new Ledger.Entry(model.cartId, model.version, change, product, retriedLast.get()), after);
        return true;
    }

    /** After an anomaly: carry on from what the service says, so one surprise is reported once, not on every change. */
    private boolean adoptServiceState(Model model) {
        Calls.Reply<Cart> read = untilDefinite(model.cartId,
            v -> calls.call(CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId(model.cartId).build()), 0L);
        if (read == null || !read.ok()) {
            return false;
        }
        model.version = read.body().getVersion();
        model.lines.clear();
        model.lines.putAll(lines(read.body()));
        return false; // the ledger cannot vouch for this cart any more; the shopper leaves it
    }

    private <Q> Calls.Reply<Cart> untilDefinite(String what, Function<Q, Calls.Reply<Cart>> send, Q request) {
        long deadline = System.nanoTime() + giveUpAfter.toNanos();
        long backoff = 50;
        retriedLast.set(false);
        while (true) {
            requests.incrementAndGet();
            Calls.Reply<Cart> reply = send.apply(request);
            if (!reply.unknown()) {
                return reply;
            }
            unknownOutcomes.computeIfAbsent(reply.status() == null ? "no status" : reply.status().name(), k -> new AtomicLong())
                .incrementAndGet();
            retriedLast.set(true);
            if (System.nanoTime() > deadline) {
                return null;
            }
            Loopback.pause(Duration.ofMillis(backoff));
            backoff = Math.min(1000, backoff * 2);
        }
    }

    private static Map<String, Integer> lines(Cart cart) {
        Map<String, Integer> out = new HashMap<>();
        for (CartLine line : cart.getItemsList()) {
            out.put(line.getProductId(), line.getQuantity());
        }
        return out;
    }

    private static String describe(Calls.Reply<?> reply) {
        if (reply == null) {
            return "without a definite answer";
        }
        return (reply.status() == null ? "no status" : reply.status().name()) + " " + reply.message();
    }
}
