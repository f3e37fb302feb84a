package dev.cartwright.service.logging;

import ch.qos.logback.core.hook.ShutdownHookBase;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Logback's shutdown hook for the services ({@code logback.xml} names it): at JVM exit it stops logging, which writes
 * out the lines still queued in the asynchronous appender, but only after the service's own shutdown has logged its
 * last lines. The JVM runs its shutdown hooks at the same time, so Logback's default hook stopped logging while a
 * service was still draining, and its "stopping ... stopped" lines were lost. A process whose shutdown logs calls
 * {@link #expectServiceShutdown()} when it registers that shutdown and {@link #serviceShutdownDone()} when it ends;
 * logging stops then, or after {@link #MAX_WAIT} at the latest. A process that calls neither stops logging at once.
 *
 * <p>The count is static because Logback creates the hook itself, by class name, before any service exists.
 */
public final class StopLoggingLast extends ShutdownHookBase {

    /** Longer than a service's longest shutdown: the drain delay, 15 s for the verticles, 10 s for Vert.x. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(90);

    private static final Object LOCK = new Object();
    private static int pending;

    /** A shutdown that logs will run at exit: logging stops only after {@link #serviceShutdownDone()}. */
    public static void expectServiceShutdown() {
        synchronized (LOCK) {
            pending++;
        }
    }

    /** The shutdown announced by {@link #expectServiceShutdown()} has logged its last line. */
    public static void serviceShutdownDone() {
        synchronized (LOCK) {
            pending = Math.max(0, pending - 1);
            LOCK.notifyAll();
        }
    }

    /** Waits until every announced shutdown is done; false when {@code max} passed first. */
    static boolean awaitServiceShutdowns(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (LOCK) {
            while (pending > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(LOCK, left);
            }
            return true;
        }
    }

    @Override
    public void run() {
        try {
            if (!awaitServiceShutdowns(MAX_WAIT)) {
                addWarn("the service's shutdown did not finish within " + MAX_WAIT.toSeconds() + " s; stopping logging anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop();
    }
}
