package dev.cartwright.chaos;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Free ports and readiness probes on 127.0.0.1: everything the suite starts listens on loopback only. */
public final class Loopback {

    public static final String HOST = "127.0.0.1";

    private Loopback() {
    }

    /** A port nothing listens on right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port on loopback: " + e.getMessage(), e);
        }
    }

    /** Whether something accepts connections on {@code port}. */
    public static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until {@code condition} holds, checking every 50 ms; false when {@code limit} passed first. */
    public static boolean waitFor(BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            pause(Duration.ofMillis(50));
        }
        return condition.getAsBoolean();
    }

    /** Sleeps, turning an interrupt back into the thread's flag and an unchecked exception. */
    public static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Ends a storm: waits (at most {@code limit}) for the callers' calls to finish, then stops the thread making
     * trouble by clearing {@code storming} and waits for it to put its knobs back.
     */
    public static void finishStorm(java.util.concurrent.ExecutorService callers, Duration limit,
                                   java.util.concurrent.atomic.AtomicBoolean storming, Thread trouble) {
        finishStorm(callers, limit, () -> true, Duration.ZERO, storming, trouble);
    }

    /**
     * Ends a storm once it has done what it is for: waits (at most {@code limit}) for the callers' calls to finish,
     * then lets the trouble go on until {@code met} holds (at most {@code patience} more) before stopping it. Calls
     * that all failed fast, while the neighbour could not be reached, may finish before any of them met the trouble
     * armed for them; the service's own retries then meet it.
     */
    public static void finishStorm(java.util.concurrent.ExecutorService callers, Duration limit, BooleanSupplier met,
                                   Duration patience, java.util.concurrent.atomic.AtomicBoolean storming, Thread trouble) {
        callers.shutdown();
        try {
            callers.awaitTermination(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            waitFor(met, patience);
            storming.set(false);
            trouble.join();
        } catch (InterruptedException e) {
            storming.set(false);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
