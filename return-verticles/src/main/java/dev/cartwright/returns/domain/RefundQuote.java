package dev.cartwright.returns.domain;

import java.util.List;

/**
 * What one return gives back, in minor units of {@code currency}: per line, plus the shipping when it is refunded
 * here; {@code cappedBy} is what the order-level cap (paid minus already refunded) took off; {@code total} is what
 * is paid out.
 */
public record RefundQuote(String currency, List<LineRefund> lines, long shipping, long cappedBy, long total) {

    public RefundQuote {
        lines = List.copyOf(lines);
    }

    public boolean refundsShipping() {
        return shipping > 0;
    }

    public long restockingFees() {
        long fees = 0;
        for (LineRefund l : lines) {
            fees = Math.addExact(fees, l.restockingFee());
        }
        return fees;
    }
}
