package dev.cartwright.pricing.bench;

import dev.cartwright.pricing.PricingCore;
import dev.cartwright.pricing.PricingRequest;
import dev.cartwright.pricing.PricingSnapshot;
import dev.cartwright.pricing.Totals;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time and allocation of one totals calculation for carts of 1, 10 and 100 lines with two promotions applied,
 * read through the pricing core as a request handler would (one volatile read, then the pure calculation).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TotalsBenchmark {

    @Param({"1", "10", "100"})
    int lines;

    private PricingCore core;
    private PricingSnapshot snapshot;
    private PricingRequest request;

    @Setup(Level.Trial)
    public void setUp() {
        core = BenchmarkCarts.core();
        snapshot = core.current();
        request = BenchmarkCarts.cart(lines);
        Totals totals = core.totals(request);
        if (totals.applied().size() != 2 || totals.lines().size() != lines) {
            throw new IllegalStateException("the benchmark cart must carry both promotions: " + totals);
        }
    }

    @Benchmark
    public Totals totals() {
        return core.totals(request);
    }

    /** The calculation alone, on a snapshot already in hand. */
    @Benchmark
    public Totals totalsOnSnapshot() {
        return snapshot.totals(request);
    }
}
