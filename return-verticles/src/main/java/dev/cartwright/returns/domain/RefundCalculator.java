package dev.cartwright.returns.domain;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Owns the money of a return: pure arithmetic on long minor units, no I/O.
 *
 * <p>A line that paid {@code T} for {@code Q} units gives back, for the first {@code k} units ever refunded,
 * {@code floor(T * k / Q)} in all. A refund of {@code q} units when {@code p} were refunded before is therefore
 * {@code floor(T*(p+q)/Q) - floor(T*p/Q)}: the difference of two cumulative shares, so any sequence of partial
 * refunds adds up to exactly {@code T} once all {@code Q} units are back (the sum telescopes), each unit's share is
 * within one minor unit of {@code T/Q}, and the extra minor units of the remainder go to the units whose cumulative
 * share crosses a whole unit first (largest remainder). Discounts and tax are inside {@code T}, so they are
 * prorated the same way.
 *
 * <p>From that share the restocking fee is kept for reasons that carry one: {@code floor(share * bp / 10000)},
 * rounded down once, in the customer's favour. The order's shipping is added when any returned unit came back
 * through the shop's fault and the shipping was not refunded before. The total never exceeds what the order paid
 * minus everything already refunded.
 */
public final class RefundCalculator {

    private static final long BASIS_POINTS = 10_000;

    private final int restockingFeeBasisPoints;

    /** @param restockingFeeBasisPoints the fee for reasons that carry one, in 1/100 of a percent (1000 = 10%) */
    public RefundCalculator(int restockingFeeBasisPoints) {
        if (restockingFeeBasisPoints < 0 || restockingFeeBasisPoints > BASIS_POINTS) {
            throw new IllegalArgumentException("restocking fee must be within 0..10000 basis points, was " + restockingFeeBasisPoints);
        }
        this.restockingFeeBasisPoints = restockingFeeBasisPoints;
    }

    public int restockingFeeBasisPoints() {
        return restockingFeeBasisPoints;
    }

    public RefundOutcome quote(PaidOrder order, List<ReturnedUnits> returned, RefundHistory history) {
        List<LineRefund> lines = new ArrayList<>(returned.size());
        Set<String> seen = new HashSet<>();
        boolean shopsFault = false;
        long sum = 0;
        for (ReturnedUnits units : returned) {
            PaidLine line = order.lines().get(units.orderItemId());
            if (line == null) {
                return new RefundOutcome.Refused(units.orderItemId(), "order has no item " + units.orderItemId());
            }
            if (!seen.add(units.orderItemId())) {
                return new RefundOutcome.Refused(units.orderItemId(), "item " + units.orderItemId() + " appears twice");
            }
            int before = history.unitsRefunded(units.orderItemId());
            int left = line.quantity() - before;
            if (units.quantity() > left) {
                return new RefundOutcome.Refused(units.orderItemId(), "only " + Math.max(left, 0) + " of " + line.quantity()
                    + " units of item " + units.orderItemId() + " are left to refund");
            }
            long share = cumulativeShare(line, before + units.quantity()) - cumulativeShare(line, before);
            long fee = units.reason().carriesRestockingFee() ? fee(share) : 0;
            long amount = share - fee;
            lines.add(new LineRefund(units.orderItemId(), units.quantity(), share, fee, amount));
            sum = Math.addExact(sum, amount);
            shopsFault |= units.reason().shopsFault();
        }
        long shipping = shopsFault && !history.shippingRefunded() ? order.shippingPaid() : 0;
        long wanted = Math.addExact(sum, shipping);
        long room = Math.max(0, order.totalPaid() - history.amountRefunded());
        long total = Math.min(wanted, room);
        return new RefundOutcome.Quoted(new RefundQuote(order.currency(), lines, shipping, wanted - total, total));
    }

    /**
     * What the first {@code units} units of a line are worth: {@code floor(T * units / Q)}, computed without
     * overflow as {@code (T / Q) * units + ((T % Q) * units) / Q}.
     */
    static long cumulativeShare(PaidLine line, int units) {
        long t = line.totalPaid();
        long q = line.quantity();
        return Math.addExact(Math.multiplyExact(t / q, units), Math.multiplyExact(t % q, units) / q);
    }

    private long fee(long share) {
        return Math.multiplyExact(share, restockingFeeBasisPoints) / BASIS_POINTS;
    }
}
