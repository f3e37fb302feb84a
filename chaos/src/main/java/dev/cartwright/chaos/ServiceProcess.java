package dev.cartwright.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A service (the Checkout Service or the Return Service) as a process of its own, started from this JVM's classpath
 * with the environment the suite gives it, so that it can be killed with SIGKILL (no shutdown hook, no drain) and
 * started again on the same ports. Its output goes to a log file that is kept across restarts.
 */
public final class ServiceProcess implements AutoCloseable {

    /** What tells one service from the other: its main class, its ready line and the settings naming its ports. */
    private record Kind(String name, String main, String ready, String hostKey, String portKey, String adminPortKey) {
    }

    private static final Kind CHECKOUT = new Kind("the Checkout Service", "dev.cartwright.checkout.CheckoutMain", "CHECKOUT READY",
        "CARTWRIGHT_CHECKOUT_HOST", "CARTWRIGHT_CHECKOUT_PORT", "CARTWRIGHT_CHECKOUT_ADMIN_PORT");
    private static final Kind RETURNS = new Kind("the Return Service", "dev.cartwright.returns.ReturnMain", "RETURN READY",
        "CARTWRIGHT_RETURN_HOST", "CARTWRIGHT_RETURN_PORT", "CARTWRIGHT_RETURN_ADMIN_PORT");

    private final Kind kind;
    private final Map<String, String> environment;
    private final Path log;
    private final int grpcPort;
    private final int adminPort;
    private Process process;
    private int kills;
    private int starts;

    private ServiceProcess(Kind kind, Map<String, String> environment, Path log, int grpcPort, int adminPort) {
        this.kind = kind;
        this.environment = environment;
        this.log = log;
        this.grpcPort = grpcPort;
        this.adminPort = adminPort;
    }

    /**
     * Starts the Checkout Service with {@code environment} (CARTWRIGHT_* settings) plus its ports, and waits for its
     * ready line.
     */
    public static ServiceProcess start(Map<String, String> environment, Path log) {
        return start(CHECKOUT, environment, log);
    }

    /** As {@link #start}, for the Return Service. */
    public static ServiceProcess returns(Map<String, String> environment, Path log) {
        return start(RETURNS, environment, log);
    }

    private static ServiceProcess start(Kind kind, Map<String, String> environment, Path log) {
        int grpc = Loopback.freePort();
        int admin = Loopback.freePort();
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.put(kind.hostKey(), Loopback.HOST);
        env.put(kind.portKey(), Integer.toString(grpc));
        env.put(kind.adminPortKey(), Integer.toString(admin));
        ServiceProcess service = new ServiceProcess(kind, Map.copyOf(env), log, grpc, admin);
        service.launch();
        return service;
    }

    private synchronized void launch() {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), kind.main()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("CARTWRIGHT_"));
        builder.environment().putAll(environment);
        long from;
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Files.writeString(log, "\n--- start " + (starts + 1) + " ---\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            from = Files.size(log);
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + kind.name() + ": " + e.getMessage(), e);
        }
        starts++;
        Process started = process;
        boolean ready = Loopback.waitFor(() -> !started.isAlive() || logSince(from).contains(kind.ready()), Duration.ofSeconds(120));
        if (!ready || !started.isAlive()) {
            String tail = logSince(from);
            started.destroyForcibly();
            throw new IllegalStateException(kind.name() + " did not start (log " + log + "):\n"
                + tail.substring(Math.max(0, tail.length() - 4000)));
        }
    }

    private String logSince(long offset) {
        try {
            byte[] all = Files.readAllBytes(log);
            return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGKILL: the process gets no chance to finish anything it was doing. */
    public synchronized void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        kills++;
    }

    /** Starts it again with the same settings and ports; returns when it is ready. */
    public void restart() {
        launch();
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    public synchronized int kills() {
        return kills;
    }

    /** The log's text, for a failure message. */
    public String logTail(int chars) {
        String all = logSince(0);
        return all.substring(Math.max(0, all.length() - chars));
    }

    /** The process id of the running process, or -1. */
    public synchronized long pid() {
        return process == null || !process.isAlive() ? -1 : process.pid();
    }

    public int grpcPort() {
        return grpcPort;
    }

    public int adminPort() {
        return adminPort;
    }

    /** Ends it with SIGTERM, as an operator would, waiting at most 20 s before SIGKILL. */
    @Override
    public synchronized void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
