package dev.cartwright.cart.store;

import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.IntFunction;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.cartwright.cart.CartCommand.AddItem;
import dev.cartwright.cart.CartCommand.SetQuantity;
import dev.cartwright.cart.CartIds;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.pricing.CartLimits;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import dev.cartwright.testkit.TestClock;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * What carts cost in Redis, measured: many signed-in customers' carts of ten lines, made through the store's own
 * scripts (every add with an idempotency key shaped as the API edge scopes them), then taken apart key kind by key
 * kind. Prints, per cart: {@code MEMORY USAGE key SAMPLES 0} of the cart hash, of the customer index entry and of the
 * idempotency records; the stream's bytes per entry still in it; and {@code INFO memory} deltas as each kind of key is
 * deleted again (those include what per-key figures leave out, such as the expiry table, but on a shared server they
 * also include other clients' work: run it against a Redis of its own for those, see BENCHMARKS.md "Memory and
 * capacity"). {@code -Dfootprint.carts} (default 2 000) sets how many carts, {@code -Dfootprint.nameLength} pads each
 * product name to that many characters (default: names of 23). Asserts only what must hold whatever the
 * machine: bytes are positive and a cart grows with its lines.
 */
@ExtendWith(RealServices.class)
class RedisFootprintIT {

    private static final int CARTS = Integer.getInteger("footprint.carts", 2_000);
    private static final int NAME_LENGTH = Integer.getInteger("footprint.nameLength", 0);
    private static final int LINES = 10;
    private static final int IN_FLIGHT = 200;
    private static final int SAMPLED = 200;
    private static final CartLimits LIMITS = CartLimits.defaults();
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    private static StoreHarness harness;
    private static RedisCartStore store;

    @BeforeAll
    static void open(PostgresInfo postgres, RedisInfo redis) {
        harness = StoreHarness.open(postgres, redis, "footprint");
        store = harness.store(TestClock.at(T0));
    }

    @AfterAll
    static void close() {
        if (harness != null) {
            deleteMatching(harness.redisInfo.keyPrefix() + "*");
            harness.close();
        }
    }

    @Test
    void tenLineCartsIdempotencyRecordsAndStreamEntries() {
        Random random = new Random(42);
        CartIds ids = new CartIds(random);
        List<String> carts = new ArrayList<>(CARTS);
        List<String> customers = new ArrayList<>(CARTS);
        List<List<String>> keys = new ArrayList<>(CARTS);
        for (int i = 0; i < CARTS; i++) {
            carts.add(ids.next());
            customers.add(String.format(Locale.ROOT, "customer-%08d", i));
            List<String> cartKeys = new ArrayList<>(LINES);
            for (int line = 0; line < LINES; line++) {
                cartKeys.add("k-" + token(random));
            }
            keys.add(cartKeys);
        }
        String stream = harness.config.streamKey();

        long before = usedMemory();
        inWindows(i -> store.createOrGetActive(carts.get(i), customers.get(i), "EUR", "DE", "").mapEmpty());
        long afterCreate = usedMemory();
        for (int line = 0; line < LINES; line++) {
            int l = line;
            inWindows(i -> store.apply(new Mutation(carts.get(i), add(l, i), java.util.OptionalLong.empty(), "")
                    .withIdempotencyKey(keys.get(i).get(l), token(new Random(i * 31L + l))))
                .map(MutationResult.Applied.class::cast).mapEmpty());
        }
        long afterLines = usedMemory();
        long streamLength = xlen(stream);
        long streamBytes = memoryUsage(stream);

        // One more change to every ten-line cart, without a key: what one entry in flight costs for a cart of this size.
        inWindows(i -> store.apply(Mutation.of(carts.get(i), new SetQuantity(product(0, i), 3, LIMITS)))
            .map(MutationResult.Applied.class::cast).mapEmpty());
        long afterUpdate = usedMemory();
        long streamBytesAfterUpdate = memoryUsage(stream);

        int sampled = Math.min(SAMPLED, CARTS);
        long hashBytes = 0;
        long indexBytes = 0;
        long idemBytes = 0;
        String encoding = "";
        for (int i = 0; i < sampled; i++) {
            hashBytes += memoryUsage(harness.config.cartKey(carts.get(i)));
            indexBytes += memoryUsage(harness.config.customerIndexKey(customers.get(i)));
            for (String key : keys.get(i)) {
                idemBytes += memoryUsage(harness.config.idempotencyKey(carts.get(i), key));
            }
            encoding = str(Request.cmd(Command.OBJECT).arg("ENCODING").arg(harness.config.cartKey(carts.get(i))));
        }
        double perHash = (double) hashBytes / sampled;
        double perIndex = (double) indexBytes / sampled;
        double perIdem = (double) idemBytes / ((long) sampled * LINES);
        double perEntryMixed = (double) streamBytes / streamLength;
        double perEntryTenLines = (double) (streamBytesAfterUpdate - streamBytes) / CARTS;

        // A one-line cart beside them, for the growth with lines.
        String small = ids.next();
        await(store.createOrGetActive(small, "", "EUR", "DE", ""));
        await(store.apply(Mutation.of(small, add(0, 0))));
        long oneLineHash = memoryUsage(harness.config.cartKey(small));

        // Taken apart kind by kind: the used-memory drop is what each kind held, overheads included.
        long m0 = usedMemory();
        del(stream);
        long m1 = usedMemory();
        deleteMatching(harness.config.cartKey("*") + ":idem:*");
        deleteMatching(harness.redisInfo.keyPrefix() + "idem-keys:*");
        long m2 = usedMemory();
        deleteMatching(harness.redisInfo.keyPrefix() + "customer-cart:*");
        long m3 = usedMemory();
        deleteMatching(harness.config.cartKey("*"));
        long m4 = usedMemory();

        System.out.printf(Locale.ROOT, "footprint: carts=%d lines=%d name_length=%d stream_entries=%d sampled=%d encoding=%s%n",
            CARTS, LINES, add(0, 0).name().length(), streamLength + CARTS, sampled, encoding);
        System.out.printf(Locale.ROOT, "footprint: MEMORY USAGE per key (SAMPLES 0): cart hash %.1f B (one-line cart %d B),"
            + " customer index %.1f B, idempotency record %.1f B%n", perHash, oneLineHash, perIndex, perIdem);
        System.out.printf(Locale.ROOT, "footprint: stream bytes per entry: %.1f B over the %d entries that built the carts,"
            + " %.1f B per change of a ten-line cart%n", perEntryMixed, streamLength, perEntryTenLines);
        System.out.printf(Locale.ROOT, "footprint: INFO used_memory per cart: create %.1f B, ten adds with keys %.1f B,"
            + " one more change %.1f B%n", perCart(afterCreate - before), perCart(afterLines - afterCreate),
            perCart(afterUpdate - afterLines));
        System.out.printf(Locale.ROOT, "footprint: INFO used_memory released per cart: stream %.1f B, idempotency records %.1f B"
            + " (%.1f B each), customer index %.1f B, cart hash %.1f B%n", perCart(m0 - m1), perCart(m1 - m2),
            perCart(m1 - m2) / LINES, perCart(m2 - m3), perCart(m3 - m4));

        assertThat(streamLength).isEqualTo((long) CARTS * (LINES + 1));
        assertThat(encoding).isIn("listpack", "hashtable");
        assertThat(perIndex).isPositive();
        assertThat(perIdem).isPositive();
        assertThat(perEntryTenLines).isGreaterThan(perEntryMixed);
        assertThat(perHash).isGreaterThan(oneLineHash);
        assertThat(oneLineHash).isPositive();
    }

    private static AddItem add(int line, int cart) {
        String name = "Product name " + product(line, cart);
        if (NAME_LENGTH > name.length()) {
            name = name + " " + "x".repeat(NAME_LENGTH - name.length() - 1);
        }
        return new AddItem(product(line, cart), "category-" + (line % 7), name, 1 + line % 3, 499 + 100L * line, LIMITS);
    }

    private static String product(int line, int cart) {
        return String.format(Locale.ROOT, "sku-%06d", (cart * 13 + line * 101) % 1_000_000);
    }

    private static String token(Random random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).substring(0, 22);
    }

    private static double perCart(long bytes) {
        return (double) bytes / CARTS;
    }

    /** Runs {@code step} for every cart, {@link #IN_FLIGHT} at a time. */
    private static void inWindows(IntFunction<Future<Void>> step) {
        for (int from = 0; from < CARTS; from += IN_FLIGHT) {
            List<Future<Void>> window = new ArrayList<>(IN_FLIGHT);
            for (int i = from; i < Math.min(CARTS, from + IN_FLIGHT); i++) {
                window.add(step.apply(i));
            }
            await(Future.all(window));
        }
    }

    private static long usedMemory() {
        for (String line : str(Request.cmd(Command.INFO).arg("memory")).split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new IllegalStateException("INFO memory has no used_memory");
    }

    private static long memoryUsage(String key) {
        Response reply = await(harness.redis.send(Request.cmd(Command.MEMORY).arg("USAGE").arg(key).arg("SAMPLES").arg(0)));
        assertThat(reply).as("MEMORY USAGE %s", key).isNotNull();
        return reply.toLong();
    }

    private static long xlen(String key) {
        return await(harness.redis.send(Request.cmd(Command.XLEN).arg(key))).toLong();
    }

    private static String str(Request request) {
        return await(harness.redis.send(request)).toString();
    }

    private static void del(String key) {
        await(harness.redis.send(Request.cmd(Command.DEL).arg(key)));
    }

    private static void deleteMatching(String pattern) {
        String cursor = "0";
        do {
            Response page = await(harness.redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern)
                .arg("COUNT").arg(1_000)));
            cursor = page.get(0).toString();
            Request unlink = Request.cmd(Command.DEL);
            int n = 0;
            for (Response key : page.get(1)) {
                unlink.arg(key.toString());
                n++;
            }
            if (n > 0) {
                await(harness.redis.send(unlink));
            }
        } while (!"0".equals(cursor));
    }
}
