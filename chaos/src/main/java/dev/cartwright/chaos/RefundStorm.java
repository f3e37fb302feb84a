package dev.cartwright.chaos;

import dev.cartwright.proto.platform.v1.PaymentRefund;
import dev.cartwright.proto.platform.v1.PaymentRefundStatus;
import dev.cartwright.proto.returns.v1.GetReturnRequestRequest;
import dev.cartwright.proto.returns.v1.ProcessRefundRequest;
import dev.cartwright.proto.returns.v1.Refund;
import dev.cartwright.proto.returns.v1.RefundStatus;
import dev.cartwright.proto.returns.v1.ReturnRequest;
import dev.cartwright.proto.returns.v1.ReturnServiceGrpcClient;
import dev.cartwright.sim.SimService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent refunds with ambiguous failures: returns of delivered orders, received and ready to refund, each get
 * several ProcessRefund calls at once while the payment neighbour now and then carries a refund out and never
 * answers (commit, then time out) and the connection to it is reset under calls in flight. Afterwards, once nothing
 * is pending: no order refunded twice or more than its return's amount, no refund given up on (or still pending)
 * while payment paid it, and no refund recorded as completed that payment never paid.
 */
public final class RefundStorm {

    /**
     * @param returns          returns refunded
     * @param attempts         ProcessRefund calls made
     * @param outcomes         their answers by status
     * @param paid             returns whose refund payment issued
     * @param completed        refunds the Return Service shows completed
     * @param givenUp          refunds it shows failed (given up on) that payment did not pay
     * @param doubleRefunds    orders refunded more than once, or more than their return's refund amount
     * @param failedWhilePaid  refunds shown failed while payment paid them (an unknown outcome taken for a failure)
     * @param completedUnpaid  refunds shown completed that payment has no record of
     * @param unsettled        refunds still pending when the run stopped waiting
     * @param heldAnswers      payment calls carried out whose answer never came (commit, then time out)
     * @param resets           times the connection to payment was reset under the calls in flight
     * @param problems         the first few findings
     */
    public record Result(int returns, long attempts, Map<String, Long> outcomes, long paid, long completed, long givenUp,
                         long doubleRefunds, long failedWhilePaid, long completedUnpaid, long unsettled, long heldAnswers,
                         long resets, List<String> problems) {
        public boolean clean() {
            return doubleRefunds == 0 && failedWhilePaid == 0 && completedUnpaid == 0 && unsettled == 0 && attempts > 0;
        }

        public String summary() {
            return String.format("returns %d, refund attempts %d, outcomes %s, payment answers held (commit, then time out) %d, "
                    + "connection resets %d, paid by payment %d, completed %d, given up (unpaid) %d, orders refunded twice %d, "
                    + "failed while paid %d, completed unpaid %d, still pending %d", returns, attempts, new java.util.TreeMap<>(outcomes),
                heldAnswers, resets, paid, completed, givenUp, doubleRefunds, failedWhilePaid, completedUnpaid, unsettled);
        }
    }

    /**
     * Settings that make the Return Service give up on a refund after two attempts of one call each, with short
     * back-offs: the path where an unknown outcome could be taken for a failure is then walked many times in one run.
     */
    public static Map<String, String> serviceSettings() {
        return Map.of("CARTWRIGHT_RETURN_REFUND_MAX_ATTEMPTS", "2", "CARTWRIGHT_NEIGHBOUR_RETRIES", "0",
            "CARTWRIGHT_NEIGHBOUR_TIMEOUT", "2s", "CARTWRIGHT_RETURN_RETRY_BASE", "200ms", "CARTWRIGHT_RETURN_RETRY_MAX", "2s",
            "CARTWRIGHT_RETURN_WORKER_INTERVAL", "200ms");
    }

    private RefundStorm() {
    }

    public static Result run(ReturnRig rig, String runId, int returns, int attemptsPerReturn, Duration settle) {
        List<Prepared> ready = prepare(rig, runId, returns);
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        AtomicLong attempts = new AtomicLong();
        AtomicLong resets = new AtomicLong();
        long heldBefore = rig.sim.knobs(SimService.PAYMENT).injectedFailures();
        AtomicBoolean storming = new AtomicBoolean(true);
        // A quarter of the first refund calls are carried out and never answered, so that many refunds meet a lost
        // answer on the first of their two attempts; the trouble thread keeps it up while the calls go on.
        rig.sim.knobs(SimService.PAYMENT).commitThenTimeoutNext(Math.max(1, returns / 4));
        Thread trouble = new Thread(() -> {
            Random random = new Random(runId.hashCode());
            while (storming.get()) {
                if (random.nextInt(4) == 0) {
                    // Calls in flight on the connection are cut: payment may or may not have acted on them.
                    rig.payment.mode(new FaultProxy.Reset());
                    resets.incrementAndGet();
                    Loopback.pause(Duration.ofMillis(100));
                    rig.payment.mode(new FaultProxy.Pass());
                } else {
                    int more = 2 + random.nextInt(5);
                    rig.sim.knobs(SimService.PAYMENT).update(k -> k.withCommitThenTimeoutNext(k.commitThenTimeoutNext() + more));
                }
                Loopback.pause(Duration.ofMillis(200 + random.nextInt(300)));
            }
            rig.sim.knobs(SimService.PAYMENT).reset();
            rig.payment.mode(new FaultProxy.Pass());
        }, "refund-storm-trouble");
        trouble.start();
        ExecutorService callers = Executors.newFixedThreadPool(32);
        // Round by round, so that the calls for one return overlap rather than follow each other.
        for (int a = 0; a < attemptsPerReturn; a++) {
            for (Prepared p : ready) {
                callers.submit(() -> {
                    attempts.incrementAndGet();
                    Calls.Reply<ReturnRequest> reply = rig.calls.call(ReturnServiceGrpcClient.ProcessRefund,
                        ProcessRefundRequest.newBuilder().setReturnId(p.returnId()).build());
                    outcomes.computeIfAbsent(reply.status() == null ? "no status" : reply.status().name(), k -> new AtomicLong())
                        .incrementAndGet();
                });
            }
        }
        // The storm is for refunds that meet a lost answer: when every call failed fast (payment's connection cut as
        // they came, its breaker open), the trouble goes on until the service's retries have met one.
        Loopback.finishStorm(callers, Duration.ofMinutes(15),
            () -> rig.sim.knobs(SimService.PAYMENT).injectedFailures() > heldBefore, settle, storming, trouble);
        Map<String, ReturnRequest> settled = settle(rig, ready, settle);
        Map<String, Long> counts = new HashMap<>();
        outcomes.forEach((k, v) -> counts.put(k, v.get()));
        // Calls payment carried out and held the answer of (the knob's only failures here): the outcomes the service could not know.
        long held = rig.sim.knobs(SimService.PAYMENT).injectedFailures() - heldBefore;
        return judge(rig, ready, settled, attempts.get(), counts, held, resets.get());
    }

    /** A return of a delivered order, with its items received: ready to refund. */
    private record Prepared(String orderId, String returnId) {
        String key() {
            return returnId + ":refund";
        }
    }

    private static List<Prepared> prepare(ReturnRig rig, String runId, int returns) {
        List<Prepared> out = new ArrayList<>();
        for (int i = 0; i < returns; i++) {
            ReturnSetup.Made made = ReturnSetup.make(rig, "refund-storm-" + runId + "-" + i, i, ReturnSetup.Stage.RECEIVED);
            out.add(new Prepared(made.orderId(), made.returnId()));
        }
        return out;
    }

    /** Waits (at most {@code limit}) until no refund is pending; returns each return as last read. */
    private static Map<String, ReturnRequest> settle(ReturnRig rig, List<Prepared> ready, Duration limit) {
        Map<String, ReturnRequest> last = new HashMap<>();
        long deadline = System.nanoTime() + limit.toNanos();
        List<Prepared> open = new ArrayList<>(ready);
        while (true) {
            List<Prepared> still = new ArrayList<>();
            for (Prepared p : open) {
                Calls.Reply<ReturnRequest> read = rig.calls.call(ReturnServiceGrpcClient.GetReturnRequest,
                    GetReturnRequestRequest.newBuilder().setReturnId(p.returnId()).build());
                if (read.ok()) {
                    last.put(p.returnId(), read.body());
                }
                if (!read.ok() || read.body().getRefundsCount() == 0
                    || read.body().getRefunds(0).getStatus() == RefundStatus.REFUND_STATUS_PENDING) {
                    still.add(p);
                }
            }
            open = still;
            if (open.isEmpty() || System.nanoTime() > deadline) {
                return last;
            }
            Loopback.pause(Duration.ofSeconds(1));
        }
    }

    private static Result judge(ReturnRig rig, List<Prepared> ready, Map<String, ReturnRequest> settled, long attempts,
                                Map<String, Long> outcomes, long held, long resets) {
        List<String> problems = new ArrayList<>();
        long paid = 0;
        long completed = 0;
        long givenUp = 0;
        long doubles = 0;
        long failedWhilePaid = 0;
        long completedUnpaid = 0;
        long unsettled = 0;
        for (Prepared p : ready) {
            ReturnRequest r = settled.get(p.returnId());
            Optional<Refund> refund = r == null || r.getRefundsCount() == 0 ? Optional.empty() : Optional.of(r.getRefunds(0));
            Optional<PaymentRefund> payment = rig.sim.payment().refund(p.key())
                .filter(x -> x.getStatus() == PaymentRefundStatus.PAYMENT_REFUND_STATUS_SUCCEEDED);
            List<PaymentRefund> forOrder = rig.sim.payment().refundsForOrder(p.orderId());
            long owed = r == null ? 0 : r.getRefundAmount().getAmountMinor();
            long refunded = rig.sim.payment().refundedForOrder(p.orderId());
            paid += payment.isPresent() ? 1 : 0;
            RefundStatus status = refund.map(Refund::getStatus).orElse(RefundStatus.REFUND_STATUS_UNSPECIFIED);
            if (forOrder.size() > 1 || refunded > owed) {
                doubles++;
                note(problems, "order " + p.orderId() + " (return " + p.returnId() + ") refunded " + forOrder.size() + " times, "
                    + refunded + " for a return of " + owed);
            }
            switch (status) {
                case REFUND_STATUS_COMPLETED -> {
                    completed++;
                    if (payment.isEmpty() && owed > 0) {
                        completedUnpaid++;
                        note(problems, "return " + p.returnId() + " shows its refund completed; payment has none under " + p.key());
                    }
                }
                case REFUND_STATUS_FAILED -> {
                    if (payment.isPresent()) {
                        failedWhilePaid++;
                        note(problems, "return " + p.returnId() + " shows its refund failed (" + refund.get().getLastError()
                            + ") while payment paid it as " + payment.get().getRefundId());
                    } else {
                        givenUp++;
                    }
                }
                default -> {
                    unsettled++;
                    note(problems, "return " + p.returnId() + " refund still " + status + (payment.isPresent() ? " though payment paid it"
                        : "") + refund.map(f -> " after " + f.getAttempts() + " attempts: " + f.getLastError()).orElse(""));
                }
            }
        }
        return new Result(ready.size(), attempts, outcomes, paid, completed, givenUp, doubles, failedWhilePaid, completedUnpaid,
            unsettled, held, resets, problems);
    }

    private static void note(List<String> problems, String problem) {
        if (problems.size() < 20) {
            problems.add(problem);
        }
    }
}
