package dev.cartwright.net;

import java.util.concurrent.RejectedExecutionException;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;

/**
 * Makes the flushes a channel sees in one turn of its event loop one write to the socket. Under load one turn writes
 * many small things on a connection: the commands of tens of cart requests on a Redis lane, the message and then the
 * trailers of each gRPC answer on an HTTP/2 connection. Each is flushed as it is written, one system call apiece.
 * Installed at the head of the channel's pipeline (next to the socket), this handler holds those flushes: the first of
 * a turn submits one task to the channel's event loop, which flushes once, after the turn's other work. The
 * {@link #MOST_HELD}th flush held in a turn goes through at once, so a turn's unflushed bytes stay bounded.
 *
 * <p>Nothing is kept between turns: the task always flushes, and a flush is let through before the channel closes or
 * disconnects and when the handler is removed. Netty's FlushConsolidationHandler was tried first and not kept: it
 * tracks reads, and a flush it held while it thought a read was in progress waited for a read that did not come (an
 * HTTP/2 answer left unsent in 2 of 8 runs of {@code RequestLimitIT}). This one does not look at reads at all.
 *
 * <p>One instance per channel; it is used on the channel's event loop only, as Netty calls it.
 */
public final class TurnFlush extends ChannelOutboundHandlerAdapter {

    /** The handler's name in a channel's pipeline. */
    public static final String NAME = "cartwright-turn-flush";

    /** Flushes held back in one turn before one is let through at once. */
    public static final int MOST_HELD = 256;

    private ChannelHandlerContext context;
    private boolean scheduled;
    private int held;
    private final Runnable flushTask = () -> {
        scheduled = false;
        held = 0;
        context.flush();
    };

    /**
     * Puts a TurnFlush at the head of {@code channel}'s pipeline, unless it holds one already. Call it before the
     * channel carries traffic, or from its event loop.
     */
    public static void install(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        synchronized (pipeline) {
            if (pipeline.get(NAME) == null) {
                pipeline.addFirst(NAME, new TurnFlush());
            }
        }
    }

    /** Whether {@code channel}'s flushes go through a TurnFlush. */
    public static boolean installed(Channel channel) {
        return channel.pipeline().get(NAME) instanceof TurnFlush;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (++held >= MOST_HELD) {
            held = 0;
            ctx.flush();
            return;
        }
        if (!scheduled) {
            scheduled = true;
            try {
                ctx.executor().execute(flushTask);
            } catch (RejectedExecutionException shuttingDown) {
                scheduled = false;
                held = 0;
                ctx.flush();
            }
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.flush();
        ctx.close(promise);
    }

    @Override
    public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.flush();
        ctx.disconnect(promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        ctx.flush();
    }
}
