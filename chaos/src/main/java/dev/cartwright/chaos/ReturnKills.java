package dev.cartwright.chaos;

import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.PaymentRefund;
import dev.cartwright.proto.platform.v1.PaymentRefundStatus;
import dev.cartwright.proto.returns.v1.ApproveReturnRequest;
import dev.cartwright.proto.returns.v1.CreateReturnRequest;
import dev.cartwright.proto.returns.v1.GetReturnRequestRequest;
import dev.cartwright.proto.returns.v1.ListReturnRequestsRequest;
import dev.cartwright.proto.returns.v1.ListReturnRequestsResponse;
import dev.cartwright.proto.returns.v1.ProcessRefundRequest;
import dev.cartwright.proto.returns.v1.ReceiveItemsRequest;
import dev.cartwright.proto.returns.v1.ReceivedItem;
import dev.cartwright.proto.returns.v1.RefundStatus;
import dev.cartwright.proto.returns.v1.ReturnItemRequest;
import dev.cartwright.proto.returns.v1.ReturnRequest;
import dev.cartwright.proto.returns.v1.ReturnServiceGrpcClient;
import dev.cartwright.proto.returns.v1.ReturnStatus;
import dev.cartwright.sim.OrderSimulator;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * SIGKILL of the Return Service, repeatedly, under load: shoppers return a unit of a delivered order, staff approve it,
 * receive the item and refund it, each call repeated with the same request after an unknown outcome until the answer
 * is definite, and every acknowledged step goes into a ledger. Afterwards, once no refund is pending: every return
 * acknowledged exists (none lost), no order has two returns (none doubled: the create key held across restarts),
 * every refund acknowledged was paid by payment once (none lost, none doubled), and no order was refunded twice or
 * more than its return's amount.
 */
public final class ReturnKills {

    public static final String RETURN_KILL = "Return Service SIGKILL";
    private static final Duration UNKNOWN_PAUSE = Duration.ofMillis(250);
    private static final Duration STEP_LIMIT = Duration.ofMinutes(3);

    /**
     * @param kills           Return Service SIGKILLs made
     * @param acknowledged    steps acknowledged (creates, approvals, receipts, refunds)
     * @param returns         returns acknowledged as created
     * @param refundsAsked    refunds acknowledged (ProcessRefund OK)
     * @param lostReturns     acknowledged returns that do not exist afterwards
     * @param doubledReturns  orders with more than one return
     * @param lostRefunds     acknowledged refunds payment never paid, or shown failed
     * @param doubledRefunds  orders refunded more than once, or more than their return's amount
     * @param unsettled       refunds still pending when the run stopped waiting
     * @param completed       refunds shown completed
     * @param unknown         calls repeated after an unknown outcome
     * @param problems        the first few findings
     */
    public record Result(int kills, long acknowledged, long returns, long refundsAsked, long lostReturns, long doubledReturns,
                         long lostRefunds, long doubledRefunds, long unsettled, long completed, long unknown, List<String> problems) {
        public boolean clean() {
            return lostReturns == 0 && doubledReturns == 0 && lostRefunds == 0 && doubledRefunds == 0 && unsettled == 0
                && returns > 0 && refundsAsked > 0;
        }

        public String summary() {
            return String.format("kills %d, acknowledged steps %d, returns %d (lost %d, doubled %d), refunds %d (completed %d, lost %d, "
                    + "doubled %d, still pending %d), calls repeated after an unknown outcome %d", kills, acknowledged, returns,
                lostReturns, doubledReturns, refundsAsked, completed, lostRefunds, doubledRefunds, unsettled, unknown);
        }
    }

    /** One shopper's return, as far as it was acknowledged. */
    private record Journey(String orderId, String returnId, boolean refundAsked) {
    }

    /** Settings that keep refund retries short, so that refunds cut by a kill are driven again within the run. */
    public static Map<String, String> serviceSettings() {
        return Map.of("CARTWRIGHT_RETURN_RETRY_BASE", "200ms", "CARTWRIGHT_RETURN_RETRY_MAX", "2s",
            "CARTWRIGHT_RETURN_WORKER_INTERVAL", "200ms");
    }

    private ReturnKills() {
    }

    /**
     * @param workers  shoppers returning at once
     * @param kills    SIGKILLs asked for, {@code between} apart
     * @param deadline no kill starts after it
     * @param settle   how long to wait for pending refunds afterwards
     */
    public static Result run(ReturnRig rig, String runId, int workers, int kills, Duration between, Instant deadline, Duration settle) {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger next = new AtomicInteger();
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong unknown = new AtomicLong();
        Map<String, Journey> ledger = new ConcurrentHashMap<>();
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> shoppers = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Thread shopper = new Thread(() -> {
                while (running.get()) {
                    int n = next.getAndIncrement();
                    try {
                        journey(rig, runId, n, ledger, acknowledged, unknown, running);
                    } catch (RuntimeException e) {
                        note(problems, "return journey " + n + ": " + e.getMessage());
                        Loopback.pause(Duration.ofSeconds(1));
                    }
                }
            }, "return-shopper-" + w);
            shopper.start();
            shoppers.add(shopper);
        }
        int done = 0;
        for (int k = 0; k < kills && Instant.now().isBefore(deadline); k++) {
            Loopback.pause(between);
            kill(rig);
            done++;
        }
        Loopback.pause(between);
        running.set(false);
        for (Thread shopper : shoppers) {
            try {
                shopper.join(STEP_LIMIT.toMillis() * 4);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return judge(rig, ledger, settle, done, acknowledged.get(), unknown.get(), problems);
    }

    /** SIGKILL, a restart, and a wait until the service answers calls again. */
    private static void kill(ReturnRig rig) {
        rig.service.kill();
        Loopback.pause(Duration.ofMillis(300));
        try {
            rig.service.restart();
        } catch (IllegalStateException e) {
            rig.service.restart();
        }
        Loopback.waitFor(() -> rig.calls.call(ReturnServiceGrpcClient.GetReturnRequest,
            GetReturnRequestRequest.newBuilder().setReturnId("readiness-probe").build()).status() != null, Duration.ofSeconds(120));
    }

    private static void journey(ReturnRig rig, String runId, int n, Map<String, Journey> ledger, AtomicLong acknowledged,
                                AtomicLong unknown, AtomicBoolean running) {
        String customer = "kills-" + runId + "-" + n;
        OrderDetails order;
        try {
            order = rig.sim.order().createDeliveredOrder(customer, Instant.now().minus(Duration.ofDays(2)),
                new OrderSimulator.Line(rig.sim.catalogue().products().get(10 + n % 200).productId(), 2)).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not make an order: " + e, e);
        }
        String orderId = order.getOrderId();
        CreateReturnRequest create = CreateReturnRequest.newBuilder().setOrderId(orderId).setCustomerId(customer)
            .setIdempotencyKey("kills-" + runId + "-" + n)
            .addItems(ReturnItemRequest.newBuilder().setOrderItemId("1").setQuantity(1).setReason("defective")).build();
        Calls.Reply<ReturnRequest> created = definite(unknown, () -> rig.calls.call(ReturnServiceGrpcClient.CreateReturnRequest, create));
        if (!created.ok()) {
            throw new IllegalStateException("create refused: " + created.status() + " " + created.message());
        }
        String returnId = created.body().getReturnId();
        ledger.put(orderId, new Journey(orderId, returnId, false));
        acknowledged.incrementAndGet();
        if (!running.get()) {
            return;
        }
        step(rig, unknown, returnId, "approve", r -> r.getStatus() != ReturnStatus.RETURN_STATUS_REQUESTED,
            () -> rig.calls.call(ReturnServiceGrpcClient.ApproveReturn, ApproveReturnRequest.newBuilder().setReturnId(returnId).build()));
        acknowledged.incrementAndGet();
        step(rig, unknown, returnId, "receive", r -> r.getItems(0).getQuantityReceived() > 0,
            () -> rig.calls.call(ReturnServiceGrpcClient.ReceiveItems, ReceiveItemsRequest.newBuilder().setReturnId(returnId)
                .addItems(ReceivedItem.newBuilder().setOrderItemId("1").setQuantityReceived(1).setCondition("resellable")
                    .setPassedInspection(true)).build()));
        acknowledged.incrementAndGet();
        step(rig, unknown, returnId, "refund", r -> r.getRefundsCount() > 0,
            () -> rig.calls.call(ReturnServiceGrpcClient.ProcessRefund, ProcessRefundRequest.newBuilder().setReturnId(returnId).build()));
        ledger.put(orderId, new Journey(orderId, returnId, true));
        acknowledged.incrementAndGet();
    }

    /**
     * One step, repeated after an unknown outcome; a definite refusal after an unknown outcome is taken as done when
     * the return shows the step made (the first attempt went through before the kill).
     */
    private static void step(ReturnRig rig, AtomicLong unknown, String returnId, String what, Predicate<ReturnRequest> made,
                             Supplier<Calls.Reply<ReturnRequest>> call) {
        Calls.Reply<ReturnRequest> reply = definite(unknown, call);
        if (reply.ok()) {
            return;
        }
        Calls.Reply<ReturnRequest> read = definite(unknown, () -> rig.calls.call(ReturnServiceGrpcClient.GetReturnRequest,
            GetReturnRequestRequest.newBuilder().setReturnId(returnId).build()));
        if (read.ok() && made.test(read.body())) {
            return;
        }
        throw new IllegalStateException(what + " of " + returnId + " refused: " + reply.status() + " " + reply.message());
    }

    /** The call, repeated with the same request while its outcome is unknown, for at most {@link #STEP_LIMIT}. */
    private static Calls.Reply<ReturnRequest> definite(AtomicLong unknown, Supplier<Calls.Reply<ReturnRequest>> call) {
        long deadline = System.nanoTime() + STEP_LIMIT.toNanos();
        while (true) {
            Calls.Reply<ReturnRequest> reply = call.get();
            if (!reply.unknown()) {
                return reply;
            }
            unknown.incrementAndGet();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no definite answer within " + STEP_LIMIT + ": " + reply.status() + " " + reply.message());
            }
            Loopback.pause(UNKNOWN_PAUSE);
        }
    }

    private static Result judge(ReturnRig rig, Map<String, Journey> ledger, Duration settle, int kills, long acknowledged, long unknown,
                                List<String> findings) {
        List<String> problems = new ArrayList<>(findings);
        long deadline = System.nanoTime() + settle.toNanos();
        long lostReturns = 0;
        long doubledReturns = 0;
        long lostRefunds = 0;
        long doubledRefunds = 0;
        long unsettled = 0;
        long completed = 0;
        long refundsAsked = 0;
        for (Journey journey : ledger.values()) {
            Calls.Reply<ReturnRequest> read = settled(rig, journey, deadline);
            if (read.status() == GrpcStatus.NOT_FOUND) {
                lostReturns++;
                note(problems, "return " + journey.returnId() + " of order " + journey.orderId() + " was acknowledged and is gone");
                continue;
            }
            if (!read.ok()) {
                note(problems, "return " + journey.returnId() + " could not be read: " + read.status() + " " + read.message());
                continue;
            }
            Calls.Reply<ListReturnRequestsResponse> listed = rig.calls.call(ReturnServiceGrpcClient.ListReturnRequests,
                ListReturnRequestsRequest.newBuilder().setOrderId(journey.orderId()).setPageSize(50).build());
            if (listed.ok() && listed.body().getReturnRequestsCount() > 1) {
                doubledReturns++;
                note(problems, "order " + journey.orderId() + " has " + listed.body().getReturnRequestsCount() + " returns");
            }
            ReturnRequest r = read.body();
            List<PaymentRefund> refunds = rig.sim.payment().refundsForOrder(journey.orderId()).stream()
                .filter(p -> p.getStatus() == PaymentRefundStatus.PAYMENT_REFUND_STATUS_SUCCEEDED).toList();
            long owed = r.getRefundAmount().getAmountMinor();
            if (refunds.size() > 1 || rig.sim.payment().refundedForOrder(journey.orderId()) > owed) {
                doubledRefunds++;
                note(problems, "order " + journey.orderId() + " refunded " + refunds.size() + " times for a return of " + owed);
            }
            if (!journey.refundAsked()) {
                continue;
            }
            refundsAsked++;
            RefundStatus status = r.getRefundsCount() == 0 ? RefundStatus.REFUND_STATUS_UNSPECIFIED : r.getRefunds(0).getStatus();
            if (status == RefundStatus.REFUND_STATUS_PENDING || status == RefundStatus.REFUND_STATUS_UNSPECIFIED) {
                unsettled++;
                note(problems, "return " + journey.returnId() + " refund still " + status);
            } else if (status == RefundStatus.REFUND_STATUS_COMPLETED && refunds.size() == 1) {
                completed++;
            } else {
                lostRefunds++;
                note(problems, "return " + journey.returnId() + " refund " + status + ", paid by payment " + refunds.size() + " times");
            }
        }
        return new Result(kills, acknowledged, ledger.size(), refundsAsked, lostReturns, doubledReturns, lostRefunds, doubledRefunds,
            unsettled, completed, unknown, problems);
    }

    /** The return as last read, waiting (until {@code deadline}) while its refund is pending. */
    private static Calls.Reply<ReturnRequest> settled(ReturnRig rig, Journey journey, long deadline) {
        while (true) {
            Calls.Reply<ReturnRequest> read = rig.calls.call(ReturnServiceGrpcClient.GetReturnRequest,
                GetReturnRequestRequest.newBuilder().setReturnId(journey.returnId()).build());
            boolean pending = read.ok() && journey.refundAsked() && (read.body().getRefundsCount() == 0
                || read.body().getRefunds(0).getStatus() == RefundStatus.REFUND_STATUS_PENDING);
            if ((read.ok() && !pending) || (!read.unknown() && !read.ok()) || System.nanoTime() > deadline) {
                return read;
            }
            Loopback.pause(Duration.ofMillis(500));
        }
    }

    private static void note(List<String> problems, String problem) {
        synchronized (problems) {
            if (problems.size() < 20) {
                problems.add(problem);
            }
        }
    }
}
