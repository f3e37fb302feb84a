package dev.cartwright.cart.store;

import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartLine;
import dev.cartwright.cart.CartStatus;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * The write-behind's writes on a real PostgreSQL: a cart's lines and codes are made what the newest version holds by
 * difference (an unchanged row is not written again), and whatever sequence of versions is written, in batches of
 * several carts with stale versions among them, every cart loads as the newest version written.
 */
@ExtendWith(RealServices.class)
class PgCartRepositoryIT {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final AtomicInteger IDS = new AtomicInteger();

    private static StoreHarness harness;

    @BeforeAll
    static void open(PostgresInfo postgres, RedisInfo redis) {
        harness = StoreHarness.open(postgres, redis, "cart_repository");
    }

    @AfterAll
    static void close() {
        harness.close();
    }

    private static CartLine line(int product, int quantity, long price, Instant added) {
        return new CartLine("p-" + product, "cat-" + product % 3, "Product " + product, quantity, price, added);
    }

    /** A cart as the store hands it over: lines in the order they were added, codes in the order applied. */
    private static StoredCart cart(String cartId, long version, List<CartLine> lines, List<String> codes, List<Instant> applied) {
        List<CartLine> ordered = new ArrayList<>(lines);
        ordered.sort(Comparator.comparing(CartLine::addedAt).thenComparing(CartLine::productId));
        Cart cart = new Cart(cartId, "", CartStatus.ACTIVE, "EUR", "DE", ordered, codes, version, T0, T0.plusSeconds(version), "");
        return new StoredCart(cart, applied, "");
    }

    private static StoredCart loaded(String cartId) {
        return await(harness.repository.load(cartId)).orElseThrow();
    }

    /** The transaction that last wrote each row of the cart's lines (or codes), by product (or code). */
    private static Map<String, String> rowVersions(String table, String key, String cartId) {
        Map<String, String> versions = new HashMap<>();
        for (Row row : await(harness.pool.preparedQuery("SELECT " + key + ", xmin::text FROM " + table + " WHERE cart_id = $1")
            .execute(Tuple.of(cartId)))) {
            versions.put(row.getString(0), row.getString(1));
        }
        return versions;
    }

    @Test
    void aChangedLineIsTheOnlyRowWrittenAgainAndTheCartLoadsAsWritten() {
        String id = "repo-" + IDS.incrementAndGet();
        List<CartLine> lines = IntStream.range(0, 10).mapToObj(i -> line(i, 1 + i, 100L * (i + 1), T0.plusMillis(i))).toList();
        List<String> codes = List.of("SAVE10", "FREESHIP");
        List<Instant> applied = List.of(T0.plusSeconds(1), T0.plusSeconds(2));
        StoredCart first = cart(id, 1, lines, codes, applied);
        assertThat(await(harness.repository.upsert(List.of(first)))).containsExactly(id);
        Map<String, String> itemsBefore = rowVersions("cart_items", "product_id", id);
        Map<String, String> codesBefore = rowVersions("cart_promotions", "code", id);

        List<CartLine> changed = new ArrayList<>(lines);
        changed.set(3, line(3, 7, 400, T0.plusMillis(3)));
        changed.remove(9);
        changed.add(line(10, 1, 1_100, T0.plusMillis(10)));
        StoredCart second = cart(id, 2, changed, codes, applied);
        assertThat(await(harness.repository.upsert(List.of(second)))).containsExactly(id);

        assertThat(loaded(id)).isEqualTo(second);
        Map<String, String> itemsAfter = rowVersions("cart_items", "product_id", id);
        assertThat(itemsAfter.keySet()).containsExactlyInAnyOrder("p-0", "p-1", "p-2", "p-3", "p-4", "p-5", "p-6", "p-7", "p-8", "p-10");
        for (String product : List.of("p-0", "p-1", "p-2", "p-4", "p-5", "p-6", "p-7", "p-8")) {
            assertThat(itemsAfter.get(product)).as("row of unchanged line %s", product).isEqualTo(itemsBefore.get(product));
        }
        assertThat(itemsAfter.get("p-3")).isNotEqualTo(itemsBefore.get("p-3"));
        assertThat(rowVersions("cart_promotions", "code", id)).isEqualTo(codesBefore);
    }

    @Test
    void whateverVersionsAreWrittenEveryCartLoadsAsTheNewestWritten() {
        for (long seed = 1; seed <= 3; seed++) {
            writeRandomVersions(new Random(seed));
        }
    }

    private static void writeRandomVersions(Random random) {
        int count = 6;
        List<StoredCart> newest = new ArrayList<>();
        List<StoredCart> previous = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "repo-" + IDS.incrementAndGet();
            StoredCart first = cart(id, 1, List.of(line(0, 1, 100, T0)), List.of(), List.of());
            newest.add(first);
            previous.add(first);
        }
        await(harness.repository.upsert(newest));
        for (int round = 0; round < 60; round++) {
            List<StoredCart> batch = new ArrayList<>();
            Set<Integer> changedNow = new HashSet<>();
            for (int i = 0; i < count; i++) {
                if (random.nextInt(4) != 0) {
                    StoredCart next = changed(newest.get(i), random, round);
                    previous.set(i, newest.get(i));
                    newest.set(i, next);
                    batch.add(next);
                    changedNow.add(i);
                }
            }
            // Now and then a stale version of a cart not changed this round comes too (a repeated or late write): it must
            // change nothing.
            for (int i = 0; i < count; i++) {
                if (!changedNow.contains(i) && previous.get(i) != newest.get(i) && random.nextInt(3) == 0) {
                    batch.add(previous.get(i));
                }
            }
            Collections.shuffle(batch, random);
            await(harness.repository.upsert(batch));
            for (StoredCart cart : newest) {
                assertThat(loaded(cart.cart().cartId())).as("round %d", round).isEqualTo(cart);
            }
        }
    }

    /** The next version of the cart: a line added, removed or changed, or a code applied or removed. */
    private static StoredCart changed(StoredCart stored, Random random, int round) {
        Cart cart = stored.cart();
        List<CartLine> lines = new ArrayList<>(cart.lines());
        List<String> codes = new ArrayList<>(cart.promotionCodes());
        List<Instant> applied = new ArrayList<>(stored.promotionsAppliedAt());
        Instant now = T0.plusSeconds(10L + round);
        switch (random.nextInt(7)) {
            case 0, 1 -> {
                int product = random.nextInt(15);
                if (cart.line("p-" + product).isEmpty() && lines.size() < 12) {
                    lines.add(line(product, 1 + random.nextInt(5), 50 + random.nextInt(5_000), now));
                }
            }
            case 2 -> {
                if (!lines.isEmpty()) {
                    lines.remove(random.nextInt(lines.size()));
                }
            }
            case 3 -> {
                if (!lines.isEmpty()) {
                    int at = random.nextInt(lines.size());
                    CartLine old = lines.get(at);
                    lines.set(at, new CartLine(old.productId(), old.categoryId(), old.name(), 1 + random.nextInt(20), old.unitPriceMinor(),
                        old.addedAt()));
                }
            }
            case 4 -> {
                if (!lines.isEmpty()) {
                    int at = random.nextInt(lines.size());
                    CartLine old = lines.get(at);
                    String name = random.nextBoolean() ? "" : "Renamed " + round;
                    lines.set(at, new CartLine(old.productId(), "cat-" + random.nextInt(5), name, old.quantity(),
                        1 + random.nextInt(9_000), old.addedAt()));
                }
            }
            case 5 -> {
                String code = "CODE" + random.nextInt(4);
                if (!codes.contains(code)) {
                    codes.add(code);
                    applied.add(now);
                }
            }
            default -> {
                if (!codes.isEmpty()) {
                    int at = random.nextInt(codes.size());
                    codes.remove(at);
                    applied.remove(at);
                }
            }
        }
        return cart(cart.cartId(), cart.version() + 1, lines, codes, applied);
    }
}
