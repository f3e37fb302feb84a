package dev.cartwright.chaos;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owns what the load driver knows to have happened: every cart change the service acknowledged (cart, version,
 * change), in order per cart, and the state each cart must therefore have. Each cart is written by one driver thread
 * only; the ledger itself may be read and written from several.
 */
public final class Ledger {

    public static final String CREATED = "cart.created";
    public static final String ITEM_ADDED = "cart.item.added";
    public static final String ITEM_UPDATED = "cart.item.updated";
    public static final String ITEM_REMOVED = "cart.item.removed";
    public static final String CLEARED = "cart.cleared";

    /** The changes that become Kafka events; clearing is internal (acknowledged without an event). */
    public static final Set<String> PUBLISHED = Set.of(CREATED, ITEM_ADDED, ITEM_UPDATED, ITEM_REMOVED);

    /**
     * One acknowledged change.
     *
     * @param cartId    the cart
     * @param version   the version the change gave the cart
     * @param change    one of the change types above
     * @param productId the line it touched ("" for created and cleared)
     * @param retried   acknowledged only after the same request (same idempotency key) was sent again
     */
    public record Entry(String cartId, long version, String change, String productId, boolean retried) {
    }

    /** What one cart must look like: its version and line quantities by product. */
    public record Expected(long version, Map<String, Integer> lines) {
    }

    private final Map<String, List<Entry>> entries = new ConcurrentHashMap<>();
    private final Map<String, Expected> expected = new ConcurrentHashMap<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();

    /** Records an acknowledged change and the cart state it left. */
    public void record(Entry entry, Map<String, Integer> linesAfter) {
        entries.computeIfAbsent(entry.cartId(), k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(entry);
        expected.put(entry.cartId(), new Expected(entry.version(), Map.copyOf(linesAfter)));
        acknowledged.incrementAndGet();
        if (entry.retried()) {
            retried.incrementAndGet();
        }
    }

    public long acknowledged() {
        return acknowledged.get();
    }

    /** Acknowledged changes that needed a second try with the same key after an unknown outcome. */
    public long retried() {
        return retried.get();
    }

    public Collection<String> carts() {
        return List.copyOf(entries.keySet());
    }

    public List<Entry> entries(String cartId) {
        List<Entry> list = entries.getOrDefault(cartId, List.of());
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    public Expected expected(String cartId) {
        return expected.get(cartId);
    }

    /** Every published change by cart, in version order. */
    public Map<String, List<Entry>> published() {
        Map<String, List<Entry>> out = new LinkedHashMap<>();
        for (String cart : carts()) {
            out.put(cart, entries(cart).stream().filter(e -> PUBLISHED.contains(e.change())).toList());
        }
        return out;
    }
}
