package dev.cartwright.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A redis-server of the suite's own on a free loopback port, with an append-only file fsynced on every write
 * ({@code appendonly yes}, {@code appendfsync always}) and {@code noeviction}: the production durability setting, so
 * that a SIGKILL loses nothing Redis acknowledged. It can be killed and started again on the same port and files.
 */
public final class OwnRedis implements AutoCloseable {

    private final Path dir;
    private final int port;
    private Process process;
    private int kills;

    private OwnRedis(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static OwnRedis start() {
        try {
            OwnRedis redis = new OwnRedis(Files.createTempDirectory("cartwright-chaos-redis"), Loopback.freePort());
            redis.launch();
            return redis;
        } catch (IOException e) {
            throw new IllegalStateException("could not make a directory for redis-server: " + e.getMessage(), e);
        }
    }

    private void launch() {
        List<String> command = List.of("redis-server", "--port", Integer.toString(port), "--bind", Loopback.HOST,
            "--dir", dir.toString(), "--save", "", "--appendonly", "yes", "--appendfsync", "always",
            "--maxmemory-policy", "noeviction", "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString());
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start redis-server (installed? apt-get install redis-server): " + e, e);
        }
        if (!Loopback.waitFor(() -> Loopback.answers(port) || !process.isAlive(), Duration.ofSeconds(30)) || !process.isAlive()) {
            throw new IllegalStateException("redis-server on port " + port + " did not start; see " + dir.resolve("redis.log"));
        }
    }

    /** SIGKILL, then a start on the same port and files; returns once the restarted server accepts connections. */
    public synchronized void killAndRestart(Duration downFor) {
        process.destroyForcibly();
        waitForExit();
        kills++;
        Loopback.pause(downFor);
        launch();
    }

    public synchronized int kills() {
        return kills;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://" + Loopback.HOST + ":" + port;
    }

    private void waitForExit() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.destroyForcibly();
            waitForExit();
        }
        Directories.delete(dir);
    }
}
