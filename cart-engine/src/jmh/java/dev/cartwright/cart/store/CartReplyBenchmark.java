package dev.cartwright.cart.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
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

import dev.cartwright.cart.MutationResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.ParserHandler;
import io.vertx.redis.client.impl.RESPParser;

/**
 * What the service spends on the reply of one cart change before it can price the cart: the Redis client's RESP
 * parser reading the reply bytes, then {@link RedisCartStore#toResult} turning it into a cart. {@code format=flat} is
 * the reply as cart-mutate.lua sent it before (two bulk strings per hash field), {@code format=packed} as it sends it
 * now (one MessagePack bulk string), for carts of 1, 10 and 100 lines.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CartReplyBenchmark {

    @Param({"1", "10", "100"})
    int lines;

    @Param({"flat", "packed"})
    String format;

    private byte[] reply;
    private RESPParser parser;
    private Response parsed;

    @Setup(Level.Trial)
    public void setUp() {
        Map<String, String> hash = new LinkedHashMap<>();
        hash.put("id", "k2v7c3mqa4t6x1zr8pbn0sdf5e");
        hash.put("cu", "customer-0042");
        hash.put("st", "ACTIVE");
        hash.put("cur", "USD");
        hash.put("rg", "US-CA");
        hash.put("v", "17");
        hash.put("ca", "1764064800000");
        hash.put("ua", "1764065400123");
        hash.put("mi", "");
        hash.put("oid", "");
        hash.put("pr", "SPRING10=1764064900000");
        for (int i = 0; i < lines; i++) {
            hash.put("l:sku-" + i, (1 + i % 3) + "|" + (999 + 37 * i) + "|" + (1764064800000L + i) + "|cat-" + (i % 5)
                + "|Product number " + i + " (Größe M)");
        }
        reply = "flat".equals(format) ? flat(hash) : packed(hash);
        parser = new RESPParser(new ParserHandler() {
            @Override
            public void handle(Response response) {
                parsed = response;
            }

            @Override
            public void fail(Throwable t) {
                throw new IllegalStateException(t);
            }
        }, 32);
        MutationResult result = replyToResult();
        if (!(result instanceof MutationResult.Applied applied) || applied.cart().lines().size() != lines) {
            throw new IllegalStateException("the reply must decode to a cart of " + lines + " lines: " + result);
        }
    }

    @Benchmark
    public MutationResult replyToResult() {
        parser.handle(Buffer.buffer(reply));
        return RedisCartStore.toResult(parsed);
    }

    private static byte[] flat(Map<String, String> hash) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ascii(out, "*" + (2 + 2 * hash.size()) + "\r\n");
        bulk(out, "OK".getBytes(StandardCharsets.UTF_8));
        bulk(out, "0".getBytes(StandardCharsets.UTF_8));
        hash.forEach((field, value) -> {
            bulk(out, field.getBytes(StandardCharsets.UTF_8));
            bulk(out, value.getBytes(StandardCharsets.UTF_8));
        });
        return out.toByteArray();
    }

    private static byte[] packed(Map<String, String> hash) {
        ByteArrayOutputStream map = new ByteArrayOutputStream();
        if (hash.size() < 16) {
            map.write(0x80 | hash.size());
        } else {
            map.write(0xde);
            map.write(hash.size() >>> 8);
            map.write(hash.size() & 0xff);
        }
        hash.forEach((field, value) -> {
            packString(map, field);
            packString(map, value);
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ascii(out, "*3\r\n");
        bulk(out, "OK".getBytes(StandardCharsets.UTF_8));
        bulk(out, "0".getBytes(StandardCharsets.UTF_8));
        bulk(out, map.toByteArray());
        return out.toByteArray();
    }

    /** A string as cmsgpack writes it: the shortest header for its length. */
    private static void packString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length < 32) {
            out.write(0xa0 | b.length);
        } else if (b.length <= 0xff) {
            out.write(0xd9);
            out.write(b.length);
        } else {
            out.write(0xda);
            out.write(b.length >>> 8);
            out.write(b.length & 0xff);
        }
        out.writeBytes(b);
    }

    private static void bulk(ByteArrayOutputStream out, byte[] value) {
        ascii(out, "$" + value.length + "\r\n");
        out.writeBytes(value);
        ascii(out, "\r\n");
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }
}
