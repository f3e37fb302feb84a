package dev.cartwright.cart.store;

import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.net.OnContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.cartwright.net.TurnFlush;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The cart store's Redis lanes on a real server: everything one event loop sends shares one connection (many commands
 * in flight at once, answered in order), each event loop has its own, a lost connection is replaced by the next
 * command, and callers off the event loops still get answers (through the pool).
 */
@ExtendWith(RealServices.class)
class PipelinedRedisIT {

    private Vertx vertx;
    private PipelinedRedis redis;
    private String key;

    @BeforeEach
    void open(RedisInfo info) {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        redis = PipelinedRedis.create(vertx, new RedisOptions().setConnectionString(info.url()).setMaxPoolSize(4));
        key = info.key("lanes-" + System.nanoTime());
    }

    @AfterEach
    void close() {
        await(redis.send(Request.cmd(Command.DEL).arg(key)));
        await(redis.close());
        await(vertx.close());
    }

    /** Runs {@code work} on {@code context} and waits for the future it returns. */
    private static <T> T on(Context context, Supplier<Future<T>> work) {
        return await(OnContext.call(context, work));
    }

    /** The replies, in the order sent, as numbers. */
    private static Future<List<Long>> longs(List<Future<Response>> sends) {
        return Future.all(sends).map(all -> {
            List<Long> values = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                values.add(all.<Response>resultAt(i).toLong());
            }
            return values;
        });
    }

    private Future<Long> clientId() {
        return redis.send(Request.cmd(Command.CLIENT).arg("ID")).map(Response::toLong);
    }

    @Test
    void thousandsOfCommandsInFlightFromOneEventLoopShareOneConnectionAndAreAnsweredInOrder() {
        Context loop = vertx.getOrCreateContext();

        List<Long> replies = on(loop, () -> {
            List<Future<Response>> sends = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                sends.add(redis.send(Request.cmd(Command.INCR).arg(key)));
            }
            sends.add(redis.send(Request.cmd(Command.CLIENT).arg("ID")));
            sends.add(redis.send(Request.cmd(Command.CLIENT).arg("ID")));
            return longs(sends);
        });

        for (int i = 0; i < 3000; i++) {
            assertThat(replies.get(i)).isEqualTo(i + 1L);
        }
        assertThat(replies.get(3000)).isEqualTo(replies.get(3001));
        assertThat(redis.openLanes()).isEqualTo(1);
    }

    /**
     * The client flushes each command as it writes it; on a lane, the commands written in one turn of the event loop
     * reach the socket in one flush (counted by a handler at the head of the lane's channel), and are all answered, in
     * order.
     */
    @Test
    void theCommandsOfOneTurnOfTheEventLoopLeaveInOneFlush() {
        Context loop = vertx.getOrCreateContext();
        AtomicInteger flushes = new AtomicInteger();
        List<Channel> channels = on(loop, () -> redis.laneConnection().map(LaneFlushes::channels));
        assertThat(channels).hasSize(1);
        assertThat(channels.get(0).pipeline().get(TurnFlush.NAME)).isInstanceOf(TurnFlush.class);
        channels.get(0).pipeline().addFirst("count-flushes", new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes.incrementAndGet();
                ctx.flush();
            }
        });

        List<Long> replies = on(loop, () -> {
            List<Future<Response>> sends = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                sends.add(redis.send(Request.cmd(Command.INCR).arg(key)));
            }
            return longs(sends);
        });

        for (int i = 0; i < 200; i++) {
            assertThat(replies.get(i)).isEqualTo(i + 1L);
        }
        assertThat(flushes.get()).as("flushes reaching the socket for 200 commands written in one turn").isEqualTo(1);
    }

    /**
     * A held flush never waits for anything but its own turn's end: one command at a time on an otherwise idle lane,
     * each sent only once the one before is answered, is answered every time.
     */
    @Test
    void aLoneCommandOnAnIdleLaneIsAnsweredEveryTime() {
        Context loop = vertx.getOrCreateContext();
        for (int i = 1; i <= 500; i++) {
            assertThat(on(loop, () -> redis.send(Request.cmd(Command.INCR).arg(key)).map(Response::toLong))).isEqualTo(i);
        }
        assertThat(redis.openLanes()).isEqualTo(1);
    }

    @Test
    void eachEventLoopHasItsOwnConnection() {
        List<Context> loops = eventLoops(2);
        Set<String> threads = new HashSet<>();
        Set<Long> ids = new HashSet<>();

        for (Context loop : loops) {
            threads.add(on(loop, () -> Future.succeededFuture(Thread.currentThread().getName())));
            ids.add(on(loop, this::clientId));
            ids.add(on(loop, this::clientId));
        }

        assertThat(threads).hasSize(2);
        assertThat(ids).hasSize(2);
        assertThat(redis.openLanes()).isEqualTo(2);
    }

    /** Contexts on {@code n} different event loops: verticle instances are spread over the event loops in turn. */
    private List<Context> eventLoops(int n) {
        List<Context> contexts = new CopyOnWriteArrayList<>();
        await(vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                contexts.add(context);
                return Future.succeededFuture();
            }
        }, new DeploymentOptions().setInstances(n)));
        return contexts;
    }

    @Test
    void aKilledConnectionIsReplacedByTheNextCommand() {
        Context loop = vertx.getOrCreateContext();
        long first = on(loop, this::clientId);

        await(redis.send(Request.cmd(Command.CLIENT).arg("KILL").arg("ID").arg(first)));
        // The lane learns of the loss when the socket closes; until then a command may fail, never hang.
        long replaced = -1;
        for (int attempt = 0; attempt < 50 && (replaced == -1 || replaced == first); attempt++) {
            try {
                replaced = on(loop, this::clientId);
            } catch (RuntimeException failedOnTheDeadConnection) {
                replaced = -1;
            }
        }

        assertThat(replaced).isNotEqualTo(first).isPositive();
        assertThat(on(loop, () -> redis.send(Request.cmd(Command.INCR).arg(key)).map(Response::toLong))).isEqualTo(1L);
    }

    /**
     * Several lanes per event loop (for changes that WAIT for replicas, each holding up its connection) are taken in
     * turn, and the pool is sized for them on top of its own size: with a pool of one and three lanes, a caller off the
     * event loops is still answered.
     */
    @Test
    void severalLanesOfAnEventLoopAreTakenInTurnAndLeaveThePoolItsSize(RedisInfo info) {
        PipelinedRedis three = PipelinedRedis.create(vertx, new RedisOptions().setConnectionString(info.url()).setMaxPoolSize(1), 2, 3);
        try {
            Context loop = vertx.getOrCreateContext();
            List<Long> ids = on(loop, () -> {
                List<Future<Response>> sends = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    sends.add(three.send(Request.cmd(Command.CLIENT).arg("ID")));
                }
                return longs(sends);
            });

            assertThat(new HashSet<>(ids.subList(0, 3))).hasSize(3);
            assertThat(ids.subList(3, 6)).isEqualTo(ids.subList(0, 3));
            assertThat(three.openLanes()).isEqualTo(3);
            assertThat(await(three.send(Request.cmd(Command.CLIENT).arg("ID"))).toLong()).isNotIn(ids);
        } finally {
            await(three.close());
        }
    }

    @Test
    void aCallerOffTheEventLoopsIsAnsweredThroughThePool() {
        assertThat(await(redis.send(Request.cmd(Command.INCRBY).arg(key).arg(5))).toLong()).isEqualTo(5);
        assertThat(redis.openLanes()).isZero();
    }
}
