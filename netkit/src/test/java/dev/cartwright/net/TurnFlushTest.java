package dev.cartwright.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/**
 * TurnFlush on a channel whose event loop runs its tasks when the test says ({@link EmbeddedChannel#runPendingTasks}):
 * what is written before that is one turn. Writes go through the pipeline, since the channel's own writeAndFlush runs
 * the tasks. A counter between TurnFlush and the socket counts the flushes that reach the socket, and the channel's
 * outbound queue holds what was written to it.
 */
class TurnFlushTest {

    /** Counts the flushes that pass it; placed next to the socket, below TurnFlush. */
    private static final class Flushes extends ChannelOutboundHandlerAdapter {
        int count;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            count++;
            ctx.flush();
        }
    }

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Flushes flushes = new Flushes();

    TurnFlushTest() {
        TurnFlush.install(channel);
        channel.pipeline().addFirst(flushes);
    }

    @Test
    void theFlushesOfOneTurnReachTheSocketAsOne() {
        for (int i = 0; i < 10; i++) {
            channel.pipeline().writeAndFlush("m" + i);
        }
        assertThat(flushes.count).isZero();
        assertThat(channel.outboundMessages()).isEmpty();

        channel.runPendingTasks();

        assertThat(flushes.count).isEqualTo(1);
        assertThat(channel.outboundMessages()).hasSize(10);
        assertThat((String) channel.readOutbound()).isEqualTo("m0");
    }

    @Test
    void eachTurnIsFlushedOnItsOwn() {
        for (int turn = 1; turn <= 3; turn++) {
            channel.pipeline().writeAndFlush("a");
            channel.pipeline().writeAndFlush("b");
            channel.runPendingTasks();
            assertThat(flushes.count).isEqualTo(turn);
            assertThat(channel.outboundMessages()).hasSize(2 * turn);
        }
    }

    @Test
    void theMostHeldFlushGoesThroughAtOnceAndTheRestWaitForTheTask() {
        for (int i = 1; i <= TurnFlush.MOST_HELD; i++) {
            channel.pipeline().writeAndFlush(i);
        }
        assertThat(flushes.count).isEqualTo(1);
        assertThat(channel.outboundMessages()).hasSize(TurnFlush.MOST_HELD);

        channel.pipeline().writeAndFlush("after");
        assertThat(flushes.count).isEqualTo(1);
        channel.runPendingTasks();
        assertThat(flushes.count).isEqualTo(2);
        assertThat(channel.outboundMessages()).hasSize(TurnFlush.MOST_HELD + 1);
    }

    @Test
    void whatIsHeldLeavesBeforeTheChannelCloses() {
        channel.pipeline().writeAndFlush("last words");
        assertThat(channel.outboundMessages()).isEmpty();

        channel.pipeline().close();

        assertThat(channel.outboundMessages()).containsExactly("last words");
    }

    @Test
    void whatIsHeldLeavesWhenTheHandlerIsRemoved() {
        channel.pipeline().writeAndFlush("held");
        channel.pipeline().remove(TurnFlush.NAME);

        assertThat(channel.outboundMessages()).containsExactly("held");
        channel.runPendingTasks();
        assertThat(flushes.count).isEqualTo(2);
    }

    @Test
    void installingTwiceKeepsOneHandler() {
        TurnFlush.install(channel);

        assertThat(TurnFlush.installed(channel)).isTrue();
        assertThat(channel.pipeline().names().stream().filter(TurnFlush.NAME::equals)).hasSize(1);
        assertThat(TurnFlush.installed(new EmbeddedChannel())).isFalse();
    }
}
