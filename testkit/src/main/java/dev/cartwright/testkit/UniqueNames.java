package dev.cartwright.testkit;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Hands out names no other test, and no other test JVM sharing the same server, will use: a random run id
 * chosen once per instance plus a counter. Isolation by name is what lets all tests share one server.
 */
final class UniqueNames {

    private static final Pattern BASE = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private final String runId;
    private final AtomicLong counter = new AtomicLong();

    UniqueNames() {
        byte[] bytes = new byte[4];
        new SecureRandom().nextBytes(bytes);
        this.runId = HexFormat.of().formatHex(bytes);
    }

    UniqueNames(String runId) {
        this.runId = runId;
    }

    String runId() {
        return runId;
    }

    /** {@code base_<run>_<n>}: a valid unquoted PostgreSQL identifier, a valid Kafka topic, a readable Redis prefix. */
    String next(String base) {
        requireBase(base);
        return base + "_" + runId + "_" + counter.incrementAndGet();
    }

    /** Lower case letters, digits and underscores, starting with a letter, so the result never needs quoting. */
    static String requireBase(String base) {
        if (base == null || !BASE.matcher(base).matches()) {
            throw new IllegalArgumentException("name base must match " + BASE.pattern() + ", was: " + base);
        }
        return base;
    }

    /** A name usable unquoted in SQL (PostgreSQL keeps 63 characters), so it can be put into statements safely. */
    static String requireIdentifier(String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("name must match " + IDENTIFIER.pattern() + ", was: " + name);
        }
        return name;
    }

    /** Reduces any text (a test's name) to a usable base: lower case, other characters folded to '_'. */
    static String toBase(String text) {
        String folded = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (folded.isEmpty() || !Character.isLetter(folded.charAt(0))) {
            folded = "t_" + folded;
        }
        return folded.length() > 40 ? folded.substring(0, 40) : folded;
    }
}
