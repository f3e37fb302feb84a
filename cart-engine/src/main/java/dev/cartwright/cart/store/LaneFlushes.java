package dev.cartwright.cart.store;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.cartwright.net.TurnFlush;
import io.netty.channel.Channel;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.impl.PooledRedisConnection;
import io.vertx.redis.client.impl.RedisClusterConnection;
import io.vertx.redis.client.impl.RedisStandaloneConnection;

/**
 * Makes the commands a pipelined connection writes in one turn of its event loop leave in one write to the socket.
 * The Redis client flushes each command as it writes it: one system call per command, and as many reads for Redis,
 * although under load one turn of an event loop writes tens of commands on a lane (one per cart request read in that
 * turn). A {@link TurnFlush} (netkit) at the head of the connection's channel makes the flushes of a turn one, made by
 * a task of the event loop once the turn's other work is done.
 *
 * <p>The client does not hand out its channel: it is reached through the client's connection classes of
 * vertx-redis-client 5.0 (a standalone connection's socket, a cluster connection's connection to each node), and
 * {@code PipelinedRedisIT} fails if they change. If the channel cannot be reached, the connection works as before, one
 * flush per command, and a warning says so once.
 */
public final class LaneFlushes {

    private static final Logger LOG = LoggerFactory.getLogger(LaneFlushes.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private LaneFlushes() {
    }

    /**
     * Consolidates the flushes of {@code connection}'s channels (one, or one per node of a cluster). Call it before the
     * connection carries commands.
     */
    public static void consolidate(RedisConnection connection) {
        List<Channel> channels;
        try {
            channels = channels(connection);
        } catch (RuntimeException e) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.warn("event=redis_flush_consolidation_unavailable connection={} error=\"{}\": each command is flushed on its own",
                    connection.getClass().getName(), e.toString());
            }
            return;
        }
        channels.forEach(TurnFlush::install);
    }

    /**
     * The channels under {@code connection}: its socket's, or its connection's to each node of a cluster; an
     * IllegalStateException when the client's classes no longer hold them where this looks.
     */
    static List<Channel> channels(RedisConnection connection) {
        try {
            List<Channel> channels = new ArrayList<>();
            if (connection instanceof RedisClusterConnection cluster) {
                for (Object node : ((Map<?, ?>) field(RedisClusterConnection.class, "connections").get(cluster)).values()) {
                    channels.add(channel((RedisConnection) node));
                }
            } else {
                channels.add(channel(connection));
            }
            return channels;
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("the channel of " + connection.getClass().getName() + " could not be reached", e);
        }
    }

    private static Channel channel(RedisConnection connection) throws ReflectiveOperationException {
        Object actual = connection instanceof PooledRedisConnection pooled ? pooled.actual() : connection;
        if (!(actual instanceof RedisStandaloneConnection standalone)) {
            throw new IllegalArgumentException("not a standalone connection: " + actual.getClass().getName());
        }
        return ((ConnectionBase) field(RedisStandaloneConnection.class, "netSocket").get(standalone)).channel();
    }

    private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
        Field field = owner.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
