package dev.cartwright.order.client;

import java.util.concurrent.TimeUnit;

import dev.cartwright.proto.platform.v1.CreateOrderRequest;
import dev.cartwright.proto.platform.v1.GetOrderRequest;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.OrderServiceGrpcClient;

import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.circuitbreaker.TimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcErrorException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;

/**
 * Owns the calls to the legacy Order service ({@code platform.v1.OrderService}): one gRPC client, one circuit breaker
 * with a deadline per attempt, and bounded retries of outages. Every call ends in an {@link OrderResult}; nothing here
 * throws or fails its future for the service's own trouble.
 *
 * <p>CreateOrder is idempotent by checkout id: the checkout id goes out as the idempotency key, so a retry — ours after
 * a timeout, or the caller's after UNAVAILABLE — returns the order the first attempt created. Only outages count
 * against the breaker (transport failures, deadlines, UNAVAILABLE and other server-side statuses); a refusal such as
 * INVALID_ARGUMENT or NOT_FOUND is an answer, not an outage, and is never retried.
 *
 * <p>Calls use the generated method descriptors of {@link OrderServiceGrpcClient} on a {@link GrpcClient} rather than
 * the generated stub's methods, because the stub drops the status message of a refusal and the caller needs it.
 */
public final class LegacyOrderClient {

    private static final long FIRST_BACKOFF_MS = 50;

    private final Vertx vertx;
    private final GrpcClient client;
    private final SocketAddress address;
    private final CircuitBreaker breaker;
    private final OrderClientSettings settings;

    private LegacyOrderClient(Vertx vertx, GrpcClient client, SocketAddress address, OrderClientSettings settings) {
        this.vertx = vertx;
        this.client = client;
        this.address = address;
        this.settings = settings;
        this.breaker = CircuitBreaker.create("legacy-order-service", vertx, new CircuitBreakerOptions()
                .setTimeout(settings.timeout().toMillis())
                .setMaxFailures(settings.maxFailures())
                .setResetTimeout(settings.resetTimeout().toMillis())
                .setMaxRetries(0)
                .setNotificationAddress(null))
            .failurePolicy(outcome -> outcome.failed() && isOutage(outcome.cause()));
    }

    /** A client with its own HTTP/2 connection pool to the Order service at {@code address}. */
    public static LegacyOrderClient create(Vertx vertx, SocketAddress address, OrderClientSettings settings) {
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis());
        GrpcClient client = GrpcClient.client(vertx,
            new GrpcClientOptions().setTimeout(timeoutMs).setTimeoutUnit(TimeUnit.MILLISECONDS).setScheduleDeadlineAutomatically(true),
            new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false).setConnectTimeout(timeoutMs));
        return new LegacyOrderClient(vertx, client, address, settings);
    }

    /**
     * Creates the order of a checkout, or returns the one an earlier attempt created. The idempotency key is the
     * checkout id: left empty it is filled in; set to anything else the request is refused here, without a call.
     */
    public Future<OrderResult> createOrder(CreateOrderRequest request) {
        if (request.getCheckoutId().isEmpty()) {
            return Future.succeededFuture(new OrderResult.Refused(GrpcStatus.INVALID_ARGUMENT, "checkout_id is required"));
        }
        if (!request.getIdempotencyKey().isEmpty() && !request.getIdempotencyKey().equals(request.getCheckoutId())) {
            return Future.succeededFuture(new OrderResult.Refused(GrpcStatus.INVALID_ARGUMENT,
                "idempotency_key must be the checkout id " + request.getCheckoutId() + ", was " + request.getIdempotencyKey()));
        }
        CreateOrderRequest keyed = request.toBuilder().setIdempotencyKey(request.getCheckoutId()).build();
        return call("CreateOrder", OrderServiceGrpcClient.CreateOrder, keyed, "");
    }

    /** The order as the Order service holds it, or {@link OrderResult.NotFound}. */
    public Future<OrderResult> getOrder(String orderId) {
        if (orderId == null || orderId.isEmpty()) {
            return Future.succeededFuture(new OrderResult.Refused(GrpcStatus.INVALID_ARGUMENT, "order_id is required"));
        }
        return call("GetOrder", OrderServiceGrpcClient.GetOrder, GetOrderRequest.newBuilder().setOrderId(orderId).build(), orderId);
    }

    /** Closed while the Order service answers; open (calls fail at once) after repeated outages. */
    public CircuitBreakerState breakerState() {
        return breaker.state();
    }

    public OrderClientSettings settings() {
        return settings;
    }

    public Future<Void> close() {
        breaker.close();
        return client.close();
    }

    private <Q> Future<OrderResult> call(String operation, ServiceMethod<OrderDetails, Q> method, Q request, String orderId) {
        return attempt(method, request, 0).transform(outcome -> {
            if (outcome.succeeded()) {
                return Future.succeededFuture(new OrderResult.Order(outcome.result()));
            }
            Throwable failure = outcome.cause();
            GrpcStatus status = statusOf(failure);
            if (!isOutage(failure) && !(failure instanceof OpenCircuitException) && status != null) {
                if (status == GrpcStatus.NOT_FOUND && !orderId.isEmpty()) {
                    return Future.succeededFuture(new OrderResult.NotFound(orderId));
                }
                return Future.succeededFuture(new OrderResult.Refused(status, messageOf(failure)));
            }
            return Future.succeededFuture(new OrderResult.Unavailable("order service unavailable (" + operation + ": "
                + describe(failure) + ")"));
        });
    }

    private <Q> Future<OrderDetails> attempt(ServiceMethod<OrderDetails, Q> method, Q request, int attempt) {
        return breaker.<OrderDetails>execute(() -> unary(method, request)).recover(failure -> {
            if (attempt >= settings.retries() || failure instanceof OpenCircuitException || !isOutage(failure)) {
                return Future.failedFuture(failure);
            }
            Promise<OrderDetails> retried = Promise.promise();
            vertx.setTimer(FIRST_BACKOFF_MS << attempt, id -> attempt(method, request, attempt + 1).onComplete(retried));
            return retried.future();
        });
    }

    /** One call; a non-OK status fails with {@link CallRefused} carrying the service's status and message. */
    private <Q> Future<OrderDetails> unary(ServiceMethod<OrderDetails, Q> method, Q request) {
        return client.request(address, method)
            .compose(req -> req.send(request))
            .compose(resp -> resp.last().recover(e -> {
                GrpcStatus status = resp.status();
                if (status != null && status != GrpcStatus.OK) {
                    return Future.failedFuture(new CallRefused(status, resp.statusMessage()));
                }
                return Future.failedFuture(e);
            }));
    }

    /** A non-OK answer from the Order service, as it was sent. */
    static final class CallRefused extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final transient GrpcStatus status;

        CallRefused(GrpcStatus status, String message) {
            super(message == null || message.isEmpty() ? status.name() : message, null, false, false);
            this.status = status;
        }

        GrpcStatus status() {
            return status;
        }
    }

    static GrpcStatus statusOf(Throwable e) {
        if (e instanceof CallRefused refused) {
            return refused.status();
        }
        if (e instanceof InvalidStatusException invalid) {
            return invalid.actualStatus();
        }
        if (e instanceof GrpcErrorException error) {
            return error.status();
        }
        return null;
    }

    /** The service's own trouble (or the road to it), as opposed to an answer. */
    static boolean isOutage(Throwable e) {
        if (e instanceof OpenCircuitException) {
            return false;
        }
        if (e instanceof TimeoutException || e instanceof StreamResetException) {
            return true;
        }
        GrpcStatus status = statusOf(e);
        if (status == null) {
            return true;
        }
        return switch (status) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, UNKNOWN, RESOURCE_EXHAUSTED, CANCELLED, ABORTED -> true;
            default -> false;
        };
    }

    private static String messageOf(Throwable e) {
        return String.valueOf(e.getMessage());
    }

    private static String describe(Throwable e) {
        if (e instanceof OpenCircuitException) {
            return "circuit open";
        }
        if (e instanceof TimeoutException) {
            return "timed out";
        }
        GrpcStatus status = statusOf(e);
        return status != null ? status.name() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
