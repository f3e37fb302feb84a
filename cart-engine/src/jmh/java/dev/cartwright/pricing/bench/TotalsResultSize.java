package dev.cartwright.pricing.bench;

import dev.cartwright.pricing.PricingCore;
import dev.cartwright.pricing.PricingRequest;
import dev.cartwright.pricing.Totals;
import java.util.List;
import org.openjdk.jol.info.GraphLayout;

/**
 * Prints how many bytes a totals result holds that were made for it (objects shared with the request and the
 * snapshot, such as product id strings and the currency, are subtracted), to set against JMH's
 * gc.alloc.rate.norm for {@code TotalsBenchmark.totals}: the difference is what the calculation allocates
 * besides its result.
 */
public final class TotalsResultSize {

    private TotalsResultSize() {
    }

    public static void main(String[] args) {
        // Records refuse Unsafe.objectFieldOffset; this lets JOL read their field offsets another way.
        System.setProperty("jol.magicFieldOffset", "true");
        PricingCore core = BenchmarkCarts.core();
        for (int lines : new int[] {1, 10, 100}) {
            PricingRequest request = BenchmarkCarts.cart(lines);
            Totals totals = core.totals(request);
            // List.of() is one instance per JVM: a result that points at it did not allocate it.
            GraphLayout shared = GraphLayout.parseInstance(request, core.current(), totals.currency(), totals.taxMode(), List.of());
            GraphLayout result = GraphLayout.parseInstance(totals).subtract(shared);
            System.out.printf("lines=%d result bytes=%d objects=%d%n", lines, result.totalSize(), result.totalCount());
        }
    }
}
