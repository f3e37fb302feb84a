package dev.cartwright.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TurnFlush on a real channel (Netty's in-process transport) with an event loop of its own. What the test does in one
 * task of that loop is one turn; a task submitted after it runs after the flush TurnFlush submitted in it. A counter
 * between TurnFlush and the socket counts the flushes that reach the socket; the peer collects what arrives.
 */
class TurnFlushTest {

    private static final int PATIENCE_SECONDS = 30;

    /** Counts the flushes that pass it; placed next to the socket, below TurnFlush. Used on the channel's loop only. */
    private static final class Flushes extends ChannelOutboundHandlerAdapter {
        int count;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            count++;
            ctx.flush();
        }
    }

    private final EventLoopGroup clientLoop = new DefaultEventLoopGroup(1);
    private final EventLoopGroup serverLoop = new DefaultEventLoopGroup(1);
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final Flushes flushes = new Flushes();
    private Channel channel;

    @BeforeEach
    void connect() throws Exception {
        LocalAddress address = new LocalAddress("turn-flush-" + UUID.randomUUID());
        new ServerBootstrap().group(serverLoop).channel(LocalServerChannel.class)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel peer) {
                    peer.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            received.add(msg);
                        }
                    });
                }
            })
            .bind(address).sync();
        channel = new Bootstrap().group(clientLoop).channel(LocalChannel.class).handler(new ChannelInboundHandlerAdapter())
            .connect(address).sync().channel();
        on(() -> {
            TurnFlush.install(channel);
            channel.pipeline().addFirst(flushes);
            return null;
        });
    }

    @AfterEach
    void close() throws Exception {
        clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** Runs {@code turn} as one task of the channel's event loop. */
    private <T> T on(Callable<T> turn) throws Exception {
        return channel.eventLoop().submit(turn).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }

    private List<Object> receive(int count) throws InterruptedException {
        List<Object> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Object message = received.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
            assertThat(message).as("message %d of %d", i + 1, count).isNotNull();
            messages.add(message);
        }
        return messages;
    }

    @Test
    void theFlushesOfOneTurnReachTheSocketAsOne() throws Exception {
        int inTheTurn = on(() -> {
            for (int i = 0; i < 10; i++) {
                channel.writeAndFlush("m" + i);
            }
            return flushes.count;
        });

        assertThat(inTheTurn).as("flushes reaching the socket during the turn").isZero();
        assertThat(on(() -> flushes.count)).as("flushes reaching the socket once the turn is over").isEqualTo(1);
        assertThat(receive(10)).containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
    }

    @Test
    void eachTurnIsFlushedOnItsOwn() throws Exception {
        for (int turn = 1; turn <= 3; turn++) {
            on(() -> {
                channel.writeAndFlush("a");
                channel.writeAndFlush("b");
                return null;
            });
            assertThat(on(() -> flushes.count)).isEqualTo(turn);
            assertThat(receive(2)).containsExactly("a", "b");
        }
    }

    @Test
    void theMostHeldFlushGoesThroughAtOnceAndTheRestWaitForTheTurnsEnd() throws Exception {
        List<Integer> counts = on(() -> {
            List<Integer> seen = new ArrayList<>();
            for (int i = 1; i <= TurnFlush.MOST_HELD; i++) {
                channel.writeAndFlush(i);
            }
            seen.add(flushes.count);
            channel.writeAndFlush("after");
            seen.add(flushes.count);
            return seen;
        });

        assertThat(counts).as("after the most held, then after one more").containsExactly(1, 1);
        assertThat(on(() -> flushes.count)).isEqualTo(2);
        assertThat(receive(TurnFlush.MOST_HELD + 1)).endsWith(TurnFlush.MOST_HELD, "after");
    }

    @Test
    void whatIsHeldLeavesBeforeTheChannelCloses() throws Exception {
        on(() -> {
            channel.writeAndFlush("last words");
            channel.close();
            return null;
        });

        assertThat(receive(1)).containsExactly("last words");
    }

    @Test
    void whatIsHeldLeavesWhenTheHandlerIsRemoved() throws Exception {
        int inTheTurn = on(() -> {
            channel.writeAndFlush("held");
            channel.pipeline().remove(TurnFlush.NAME);
            return flushes.count;
        });

        assertThat(inTheTurn).isEqualTo(1);
        assertThat(receive(1)).containsExactly("held");
    }

    @Test
    void installingTwiceKeepsOneHandler() throws Exception {
        on(() -> {
            TurnFlush.install(channel);
            return null;
        });

        assertThat(TurnFlush.installed(channel)).isTrue();
        assertThat(channel.pipeline().names().stream().filter(TurnFlush.NAME::equals)).hasSize(1);
        assertThat(TurnFlush.installed(new LocalChannel())).isFalse();
    }
}
