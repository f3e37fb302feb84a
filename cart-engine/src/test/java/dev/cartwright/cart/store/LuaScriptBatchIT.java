package dev.cartwright.cart.store;

import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The write-behind's calls of one script over a whole batch read from the change stream (up to 10 000 entries): a
 * client refuses a batch of more commands than its waiting queue holds (2 048 by default, "Redis waiting queue is
 * full"), and a batch refused so is refused again at every retry, so the write-behind would never get past it.
 */
@ExtendWith(RealServices.class)
class LuaScriptBatchIT {

    private Vertx vertx;
    private Redis redis;
    private RedisInfo info;

    @BeforeEach
    void open(RedisInfo redisInfo) {
        info = redisInfo;
        vertx = Vertx.vertx();
        redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(info.url()));
    }

    @AfterEach
    void close() {
        await(redis.close());
        await(vertx.close());
    }

    @Test
    void callsFarMoreThanTheClientsWaitingQueueHoldsAreAllAnsweredInOrder() {
        LuaScript read = LuaScript.load("cart-read.lua");
        int calls = 3 * new RedisOptions().getMaxWaitingHandlers() + 17;
        List<String> keys = new ArrayList<>(calls);
        List<LuaScript.Invocation> invocations = new ArrayList<>(calls);
        for (int i = 0; i < calls; i++) {
            keys.add(info.key("batch-cart-" + i));
            invocations.add(new LuaScript.Invocation(List.of(keys.get(i)), List.of()));
        }
        // Every 500th key holds a hash naming its own index; the others are absent.
        for (int i = 0; i < calls; i += 500) {
            await(redis.send(Request.cmd(Command.HSET).arg(keys.get(i)).arg("index").arg(String.valueOf(i))));
        }
        await(read.preload(redis));
        try {
            List<Response> replies = await(read.callAll(redis, invocations));

            assertThat(replies).hasSize(calls);
            byte[] absent = await(read.call(redis, List.of(info.key("batch-cart-absent")), List.of())).toBytes();
            for (int i = 0; i < calls; i++) {
                byte[] expected = i % 500 == 0 ? await(read.call(redis, List.of(keys.get(i)), List.of())).toBytes() : absent;
                assertThat(replies.get(i).toBytes()).as("reply %d", i).isEqualTo(expected);
            }
        } finally {
            for (int i = 0; i < calls; i += 500) {
                await(redis.send(Request.cmd(Command.DEL).arg(keys.get(i))));
            }
        }
    }
}
