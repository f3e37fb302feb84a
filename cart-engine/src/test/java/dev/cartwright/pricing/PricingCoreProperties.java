package dev.cartwright.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Readers racing writers never see a torn snapshot: every part of a snapshot carries the generation it was
 * written in (a marker product's price, a marker promotion's amount, a marker tax region's name), and a reader
 * checks that all three agree with each other and with the version.
 */
class PricingCoreProperties {

    private static final Currency EUR = Currency.getInstance("EUR");
    private static final String MARKER_PRODUCT = "generation-marker";
    private static final String MARKER_CODE = "GENERATION";
    private static final String MARKER_REGION_PREFIX = "generation-";

    @Property(tries = 15)
    void incrementalSwapsAreNeverSeenHalfDoneAndNeverLost(
        @ForAll @IntRange(min = 1, max = 3) int writers,
        @ForAll @IntRange(min = 1, max = 3) int readers,
        @ForAll @IntRange(min = 20, max = 400) int swapsPerWriter) throws InterruptedException {
        PricingCore core = new PricingCore(markedBook(0), markedPromotions(0), markedTaxTable(0), CartLimits.defaults());
        Queue<String> problems = new ConcurrentLinkedQueue<>();

        runConcurrently(core, writers, readers, problems, () -> {
            for (int i = 0; i < swapsPerWriter; i++) {
                // Read-modify-write of all three parts: the next generation of each, published as one snapshot.
                core.update(snapshot -> generation(snapshot, generationOf(snapshot.priceBook()) + 1));
            }
        }, snapshot -> {
            long generation = generationOf(snapshot.priceBook());
            // Every update moves all three markers and the version by one, from generation 0 at version 1.
            return snapshot.version() == generation + 1 ? null : "version " + snapshot.version() + " at generation " + generation;
        });

        long expected = (long) writers * swapsPerWriter;
        assertThat(problems).isEmpty();
        assertThat(generationOf(core.current().priceBook())).isEqualTo(expected);
        assertThat(core.current().version()).isEqualTo(expected + 1);
    }

    @Property(tries = 15)
    void wholeReplacementsAreNeverSeenMixed(
        @ForAll @IntRange(min = 1, max = 3) int writers,
        @ForAll @IntRange(min = 1, max = 3) int readers,
        @ForAll @IntRange(min = 20, max = 400) int swapsPerWriter) throws InterruptedException {
        PricingCore core = new PricingCore(markedBook(0), markedPromotions(0), markedTaxTable(0), CartLimits.defaults());
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        List<Long> writerIds = new ArrayList<>();

        runConcurrently(core, writers, readers, problems, () -> {
            long writer;
            synchronized (writerIds) {
                writer = writerIds.size() + 1;
                writerIds.add(writer);
            }
            for (int i = 1; i <= swapsPerWriter; i++) {
                // Parts built apart from the current snapshot and swapped in together; each writer has its own generations.
                long generation = writer * 1_000_000 + i;
                core.replaceAll(markedBook(generation), markedPromotions(generation), markedTaxTable(generation));
            }
        }, snapshot -> null);

        assertThat(problems).isEmpty();
        assertThat(core.current().version()).isEqualTo(1 + (long) writers * swapsPerWriter);
    }

    /**
     * Runs writers and readers together. Each reader checks every snapshot it sees until the writers are done:
     * all markers agree, {@code extraCheck} passes, and versions never go back.
     */
    private static void runConcurrently(PricingCore core, int writers, int readers, Queue<String> problems, Runnable writer,
        Function<PricingSnapshot, String> extraCheck) throws InterruptedException {
        AtomicBoolean writing = new AtomicBoolean(true);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> readerThreads = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
            readerThreads.add(new Thread(() -> {
                await(start);
                long lastVersion = 0;
                long reads = 0;
                boolean more;
                do {
                    more = writing.get();
                    PricingSnapshot snapshot = core.current();
                    reads++;
                    long book = generationOf(snapshot.priceBook());
                    long promotions = generationOf(snapshot.promotions());
                    long taxes = generationOf(snapshot.taxTable());
                    if (book != promotions || book != taxes) {
                        problems.add("torn snapshot " + snapshot.version() + ": book " + book + ", promotions " + promotions
                            + ", taxes " + taxes);
                    }
                    String extra = extraCheck.apply(snapshot);
                    if (extra != null) {
                        problems.add(extra);
                    }
                    if (snapshot.version() < lastVersion) {
                        problems.add("version went back from " + lastVersion + " to " + snapshot.version());
                    }
                    lastVersion = snapshot.version();
                } while (more);
                if (reads == 0) {
                    problems.add("a reader read nothing");
                }
            }, "pricing-reader-" + r));
        }
        List<Thread> writerThreads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            writerThreads.add(new Thread(() -> {
                await(start);
                writer.run();
            }, "pricing-writer-" + w));
        }
        readerThreads.forEach(Thread::start);
        writerThreads.forEach(Thread::start);
        start.countDown();
        for (Thread thread : writerThreads) {
            thread.join();
        }
        writing.set(false);
        for (Thread thread : readerThreads) {
            thread.join();
        }
    }

    private static PricingSnapshot generation(PricingSnapshot snapshot, long generation) {
        return snapshot.next(markedBook(generation), markedPromotions(generation), markedTaxTable(generation), snapshot.limits());
    }

    private static PriceBook markedBook(long generation) {
        return PriceBook.of(EUR, List.of(
            new PriceEntry("tee", Money.of(2000, EUR), "apparel", true, "standard"),
            new PriceEntry(MARKER_PRODUCT, Money.of(generation, EUR), "markers", false, "standard")));
    }

    private static PromotionSet markedPromotions(long generation) {
        return PromotionSet.of(3, List.of(Promotion.simple(MARKER_CODE,
            new PromotionRule.AmountOff(Money.of(generation + 1, EUR), Target.wholeOrder()), EUR)));
    }

    private static TaxTable markedTaxTable(long generation) {
        return TaxTable.of(Map.of("DE", RegionTax.inclusive(1900), MARKER_REGION_PREFIX + generation, RegionTax.exclusive(0)));
    }

    private static long generationOf(PriceBook book) {
        return book.entryOrNull(MARKER_PRODUCT).unitPrice().amount();
    }

    private static long generationOf(PromotionSet promotions) {
        return ((PromotionRule.AmountOff) promotions.promotionOrNull(MARKER_CODE).rule()).amount().amount() - 1;
    }

    private static long generationOf(TaxTable taxes) {
        for (String region : taxes.regions()) {
            if (region.startsWith(MARKER_REGION_PREFIX)) {
                return Long.parseLong(region.substring(MARKER_REGION_PREFIX.length()));
            }
        }
        throw new IllegalStateException("no generation marker in the tax table");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
