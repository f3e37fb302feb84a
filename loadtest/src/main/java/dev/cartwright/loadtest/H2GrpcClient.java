package dev.cartwright.loadtest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.cartwright.net.TurnFlush;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.AsciiString;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Unary gRPC calls written straight on Netty's HTTP/2 codec, for the load driver ({@code --client h2}): a call is one
 * HEADERS and one DATA frame on a stream of one of {@code connections} connections, and its answer is
 * read from the frames as they arrive, with no stream object, queue or future of an HTTP layer in between. The
 * connections live on the event loop of the driver's own context, so a call and its answer never change threads, and
 * with {@code --flushes turn} each carries a {@link TurnFlush}: the calls a turn writes on a connection leave in one
 * write to the socket.
 *
 * <p>The driver shares the machine with the service it measures, and the service's throughput at 1000 requests in
 * flight is bounded by the CPU the two leave each other (BENCHMARKS.md measures both clients). An answer is decoded
 * only when the caller asks for it (a parser given), as redis-benchmark reads its replies without parsing what it does
 * not need; its grpc-status is always read, and a status other than OK fails the call with an
 * {@link InvalidStatusException}, as the Vert.x gRPC client fails it.
 *
 * <p>Which connection a call goes on ({@link Pick}): by default the one with the fewest calls open. The service serves
 * each connection on one of its event loops, and each loop gets an even share of the cores however many calls wait on
 * it; connections taken in turn, blind to how many calls each holds, let the calls open on each loop drift apart
 * (nothing pulls them back while every loop is busy), and a call then waits as long as its loop's backlog. 1000
 * shoppers on connections of their own hold one call each, and the loops' backlogs stay even. At 1000 calls in flight
 * on 16 connections, the fewest-open choice narrowed p95 ÷ p50 from 1.63 to 1.68 to 1.48 to 1.54 (five pairs), as
 * even as a connection per call (1.55 and 1.59), without the service's cost of 1000 connections (BENCHMARKS.md).
 *
 * <p>Every method is called on the connections' event loop, as the driver calls it.
 */
final class H2GrpcClient {

    private static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");

    /** How a call's connection is chosen among those that may open one more stream. */
    enum Pick {
        /** The one with the fewest calls open (ties: the next in turn). */
        FEWEST,
        /** The next in turn. */
        TURN;

        static Pick of(String name) {
            return switch (name) {
                case "fewest" -> FEWEST;
                case "turn" -> TURN;
                default -> throw new IllegalArgumentException("--h2-pick is fewest or turn, was " + name);
            };
        }
    }

    private final Connection[] connections;
    private final Pick pick;
    /** Calls that found every connection at the server's limit of streams, oldest first. */
    private final ArrayDeque<Call<?>> waiting = new ArrayDeque<>();
    private int next;

    private H2GrpcClient(List<Connection> connections, Pick pick) {
        this.connections = connections.toArray(new Connection[0]);
        this.pick = pick;
        for (Connection connection : this.connections) {
            connection.onStreamClosed = this::streamClosed;
        }
    }

    /**
     * Opens {@code count} connections to {@code host:port} on {@code loop}, with channels made by {@code channels} (they
     * must suit the loop's transport), each with a {@link TurnFlush} when {@code turnFlushes}, calls going on them as
     * {@code pick} says; completes once all are open and have the server's SETTINGS (its limit of concurrent streams),
     * or fails with the first that cannot be.
     */
    static Future<H2GrpcClient> connect(EventLoop loop, ChannelFactory<? extends Channel> channels, String host, int port, int count,
                                        boolean turnFlushes, Pick pick) {
        Bootstrap bootstrap = new Bootstrap().group(loop).channelFactory(channels)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel channel) {
                    channel.pipeline().addLast(new Builder(host + ":" + port).build());
                    if (turnFlushes) {
                        TurnFlush.install(channel);
                    }
                }
            });
        List<Future<Connection>> opened = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Promise<Connection> promise = Promise.promise();
            ChannelFuture connect = bootstrap.connect(host, port);
            connect.addListener(done -> {
                if (done.isSuccess()) {
                    // Ready once the server's SETTINGS are in: until then its limit of streams is not known.
                    Connection connection = connect.channel().pipeline().get(Connection.class);
                    connection.settled.future().onComplete(promise);
                    connect.channel().closeFuture().addListener(closed -> promise.tryFail("closed before the server's SETTINGS"));
                } else {
                    promise.fail(done.cause());
                }
            });
            opened.add(promise.future());
        }
        return Future.all(opened).map(all -> new H2GrpcClient(all.list(), pick));
    }

    /**
     * Calls {@code method} (its path, {@code /package.Service/Method}) with {@code request}; completes with the answer
     * parsed by {@code answer}, or with null when {@code answer} is null (the answer read but not decoded).
     */
    <T> Future<T> call(String method, MessageLite request, Parser<T> answer) {
        Promise<T> promise = Promise.promise();
        Call<T> call = new Call<>(method, request, promise, answer);
        if (!waiting.isEmpty() || !send(call)) {
            waiting.add(call);
        }
        return promise.future();
    }

    /**
     * Sends {@code call} on a connection that may open one more stream (the server's SETTINGS_MAX_CONCURRENT_STREAMS),
     * chosen as {@link #pick} says; false when none may.
     */
    private boolean send(Call<?> call) {
        Connection chosen = null;
        int fewest = Integer.MAX_VALUE;
        int start = next;
        next = following(start);
        for (int tried = 0, index = start; tried < connections.length; tried++, index = following(index)) {
            Connection connection = connections[index];
            if (!connection.canOpenStream()) {
                continue;
            }
            if (pick == Pick.TURN) {
                chosen = connection;
                next = following(index);
                break;
            }
            int open = connection.callsOpen();
            if (open < fewest) {
                chosen = connection;
                fewest = open;
            }
        }
        if (chosen == null) {
            return false;
        }
        chosen.send(call);
        return true;
    }

    private int following(int index) {
        return index + 1 == connections.length ? 0 : index + 1;
    }

    /** A stream closed somewhere: the oldest call waiting for one goes out. */
    private void streamClosed() {
        Call<?> call = waiting.peek();
        if (call != null && send(call)) {
            waiting.poll();
        }
    }

    /** Closes every connection. */
    Future<Void> close() {
        List<Future<Void>> closed = new ArrayList<>(connections.length);
        for (Connection connection : connections) {
            Promise<Void> promise = Promise.promise();
            connection.context.close().addListener(done -> promise.complete());
            closed.add(promise.future());
        }
        return Future.all(closed).mapEmpty();
    }

    /** One call in flight: what to do with its answer. */
    private static final class Call<T> {
        private final String method;
        private final MessageLite request;
        private final Promise<T> promise;
        private final Parser<T> parser;
        private ByteBuf body;

        Call(String method, MessageLite request, Promise<T> promise, Parser<T> parser) {
            this.method = method;
            this.request = request;
            this.promise = promise;
            this.parser = parser;
        }

        void data(ChannelHandlerContext ctx, ByteBuf data) {
            if (parser == null) {
                return;
            }
            if (body == null) {
                body = ctx.alloc().heapBuffer(data.readableBytes());
            }
            body.writeBytes(data);
        }

        void finish(CharSequence grpcStatus) {
            try {
                int code = grpcStatus == null ? GrpcStatus.UNKNOWN.code : Integer.parseInt(grpcStatus.toString());
                if (code != GrpcStatus.OK.code) {
                    promise.fail(new InvalidStatusException(GrpcStatus.OK, GrpcStatus.valueOf(code)));
                } else if (parser == null) {
                    promise.complete();
                } else if (body == null || body.readableBytes() < 5) {
                    promise.fail(new InvalidProtocolBufferException("an OK answer without a message"));
                } else {
                    body.skipBytes(5);
                    promise.complete(parser.parseFrom(ByteBufUtil.getBytes(body)));
                }
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                promise.tryFail(e);
            } finally {
                release();
            }
        }

        void fail(GrpcStatus status) {
            release();
            promise.tryFail(new InvalidStatusException(GrpcStatus.OK, status));
        }

        private void release() {
            if (body != null) {
                body.release();
                body = null;
            }
        }
    }

    /** One HTTP/2 connection: its calls in flight by stream id. */
    static final class Connection extends Http2ConnectionHandler {
        private final IntObjectMap<Call<?>> calls = new IntObjectHashMap<>();
        private final String authority;
        private final Map<String, Http2Headers> headers = new HashMap<>();
        private ChannelHandlerContext context;
        private Runnable onStreamClosed = () -> { };
        /** Completed when the server's first SETTINGS frame has been read. */
        private final Promise<Connection> settled = Promise.promise();

        Connection(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings, String authority) {
            super(decoder, encoder, settings);
            this.authority = authority;
            // A stream that closes with its call still waiting was reset, or its connection went away or closed: the
            // call gets no answer. A call answered is taken out before its stream closes.
            connection().addListener(new Http2ConnectionAdapter() {
                @Override
                public void onStreamClosed(Http2Stream stream) {
                    Call<?> call = calls.remove(stream.id());
                    if (call != null) {
                        call.fail(GrpcStatus.UNAVAILABLE);
                    }
                    onStreamClosed.run();
                }
            });
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
            context = ctx;
            super.handlerAdded(ctx);
        }

        boolean canOpenStream() {
            return context.channel().isActive() && connection().local().canOpenStream();
        }

        /** The calls sent on this connection and not answered yet (a stream answered may be still closing). */
        int callsOpen() {
            return calls.size();
        }

        void send(Call<?> call) {
            ChannelHandlerContext ctx = context;
            int id = connection().local().incrementAndGetNextStreamId();
            calls.put(id, call);
            byte[] message = call.request.toByteArray();
            ByteBuf body = ctx.alloc().buffer(5 + message.length);
            body.writeByte(0).writeInt(message.length).writeBytes(message);
            encoder().writeHeaders(ctx, id, headers.computeIfAbsent(call.method, this::headersOf), 0, false, ctx.newPromise());
            encoder().writeData(ctx, id, body, 0, true, ctx.newPromise()).addListener(written -> {
                if (!written.isSuccess()) {
                    Call<?> unsent = calls.remove(id);
                    if (unsent != null) {
                        unsent.fail(GrpcStatus.UNAVAILABLE);
                    }
                }
            });
            flush(ctx);
        }

        /** The request headers of {@code method}, made once per connection and method (the encoder only reads them). */
        private Http2Headers headersOf(String method) {
            return new DefaultHttp2Headers().method("POST").scheme("http").path(method).authority(authority)
                .add("content-type", "application/grpc").add("te", "trailers");
        }

        void onData(ChannelHandlerContext ctx, int streamId, ByteBuf data) {
            Call<?> call = calls.get(streamId);
            if (call != null) {
                call.data(ctx, data);
            }
        }

        void onHeaders(int streamId, Http2Headers headers, boolean endOfStream) {
            if (!endOfStream) {
                return;
            }
            // The trailers (or a trailers-only answer): the call's outcome.
            Call<?> call = calls.remove(streamId);
            if (call != null) {
                call.finish(headers.get(GRPC_STATUS));
            }
        }
    }

    /** Builds a client {@link Connection} that reads its frames itself. */
    private static final class Builder extends AbstractHttp2ConnectionHandlerBuilder<Connection, Builder> {
        private final String authority;

        Builder(String authority) {
            this.authority = authority;
            server(false);
        }

        @Override
        public Connection build() {
            return super.build();
        }

        @Override
        protected Connection build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
            Connection connection = new Connection(decoder, encoder, settings, authority);
            decoder.frameListener(new Http2FrameAdapter() {
                @Override
                public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
                    int processed = data.readableBytes() + padding;
                    connection.onData(ctx, streamId, data);
                    return processed;
                }

                @Override
                public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
                    connection.settled.tryComplete(connection);
                }

                @Override
                public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                          boolean endOfStream) {
                    connection.onHeaders(streamId, headers, endOfStream);
                }

                @Override
                public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                                          short weight, boolean exclusive, int padding, boolean endOfStream) {
                    connection.onHeaders(streamId, headers, endOfStream);
                }
            });
            return connection;
        }
    }
}
