package dev.cartwright.service.grpc;

import dev.cartwright.net.TurnFlush;
import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes what the endpoint writes on an HTTP/2 connection in one turn of its event loop leave in one write to the
 * socket. A gRPC answer is written as its message and then its trailers, each flushed on its own, and under load a turn
 * answers several calls of one connection (each answer is written when its cart's store replies, outside the
 * connection's read, where Vert.x does not batch flushes): two system calls per answer, or more. A {@link TurnFlush}
 * at the head of the connection's channel makes them one per turn.
 *
 * <p>A turn's answers then wait in the channel's outbound buffer until the turn ends, and on a connection carrying tens
 * of calls they pass Netty's default high-water mark of 64 KiB: the channel turned unwritable and writable again in
 * every busy turn, and each time the HTTP/2 flow controller visited every open stream of the connection and Vert.x
 * drained each one's queue (3 % of the event loops' time at 1000 calls in flight). The connection's water marks are
 * raised to {@value #HIGH_WATER_MARK} and {@value #LOW_WATER_MARK} bytes, above what a turn's answers hold; what waits
 * is still bounded by the connection's concurrent streams, each answered once.
 *
 * <p>HTTP/1.1 connections (HTTP/JSON, gRPC-Web) are left alone: there an answer is one write, and a connection carries
 * one call at a time. The channel is reached through Vert.x's connection class ({@code ConnectionBase}, Vert.x 5.0);
 * should that change, each write is flushed on its own, as before, and a warning says so once.
 */
final class AnswerFlushes {

    private static final Logger LOG = LoggerFactory.getLogger(AnswerFlushes.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    /** Bytes waiting to be written above which an HTTP/2 connection reads as unwritable. */
    static final int HIGH_WATER_MARK = 1024 * 1024;
    /** Bytes waiting to be written below which it reads as writable again. */
    static final int LOW_WATER_MARK = 512 * 1024;

    private AnswerFlushes() {
    }

    /** Consolidates the flushes of {@code connection} if it is an HTTP/2 connection. */
    static void consolidate(HttpConnection connection) {
        if (!(connection instanceof ConnectionBase base)) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.warn("event=http2_flush_consolidation_unavailable connection={}: each answer's writes are flushed on their own",
                    connection.getClass().getName());
            }
            return;
        }
        Channel channel = base.channel();
        if (channel.pipeline().get(Http2ConnectionHandler.class) != null) {
            channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(LOW_WATER_MARK, HIGH_WATER_MARK));
            TurnFlush.install(channel);
        }
    }
}
