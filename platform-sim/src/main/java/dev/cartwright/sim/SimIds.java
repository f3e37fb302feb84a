package dev.cartwright.sim;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Numbered ids ("ord-1", "auth-1", ...) for one kind of thing. The numbers start after a configurable base, so a local
 * run restarted against the same databases does not hand out ids the previous run already used.
 */
final class SimIds {

    private final String prefix;
    private final AtomicLong last;

    SimIds(String prefix, long base) {
        this.prefix = prefix;
        this.last = new AtomicLong(base);
    }

    String next() {
        return prefix + last.incrementAndGet();
    }
}
