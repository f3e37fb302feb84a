package dev.cartwright.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the Redis Cluster of this test JVM: three masters with one replica each, AOF on with appendfsync always,
 * started once on first use by {@code scripts/redis-cluster.sh} (the script {@code ./cartwright start --redis-cluster}
 * runs) with its data in a temporary folder, and stopped when the JVM exits. Tests isolate themselves by key prefix,
 * as on the shared single Redis. The first node listens on {@code CARTWRIGHT_TEST_REDIS_CLUSTER_PORT} (default 17010),
 * the others on the five ports after it.
 */
public final class RedisClusterNodes implements AutoCloseable {

    public static final int NODES = 6;
    private static final Logger LOG = LoggerFactory.getLogger(RedisClusterNodes.class);
    private static final String HOST = "127.0.0.1";
    private static final int DEFAULT_PORT = 17010;

    private final Path script;
    private final Path dir;
    private final int firstPort;
    private final UniqueNames names = new UniqueNames();

    private RedisClusterNodes(Path script, Path dir, int firstPort) {
        this.script = script;
        this.dir = dir;
        this.firstPort = firstPort;
    }

    /** The cluster of this JVM, started on first use; each call gives a key prefix unique to {@code testName}. */
    public static RedisClusterNodes shared() {
        return Holder.SHARED;
    }

    /** A key prefix unique to {@code testName}, ending with ':'. */
    public String keyPrefix(String testName) {
        return "it:" + names.next(UniqueNames.toBase(testName)) + ":";
    }

    /** Every node as host:port, masters and replicas (the client learns the roles from the cluster). */
    public List<String> endpoints() {
        List<String> endpoints = new ArrayList<>(NODES);
        for (int i = 0; i < NODES; i++) {
            endpoints.add(HOST + ":" + (firstPort + i));
        }
        return endpoints;
    }

    /** {@link #endpoints()} as CARTWRIGHT_REDIS_CLUSTER takes them: comma-separated. */
    public String endpointList() {
        return String.join(",", endpoints());
    }

    /** The ports of the nodes. */
    public List<Integer> ports() {
        List<Integer> ports = new ArrayList<>(NODES);
        for (int i = 0; i < NODES; i++) {
            ports.add(firstPort + i);
        }
        return ports;
    }

    /** The process id of the node on {@code port}, from its pid file. */
    public long pid(int port) {
        try {
            return Long.parseLong(Files.readString(dir.resolve(Integer.toString(port)).resolve("redis.pid")).trim());
        } catch (IOException e) {
            throw new IllegalStateException("no pid file for the cluster node on " + port, e);
        }
    }

    /** Kills the node on {@code port} with SIGKILL, as a crash would (its pid file is left for {@link #restart}). */
    public void kill(int port) {
        long pid = pid(port);
        ProcessHandle.of(pid).ifPresent(process -> {
            run(List.of("kill", "-KILL", Long.toString(pid)));
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the cluster node " + port + " (pid " + pid + ") did not die", e);
            }
        });
    }

    /** Starts again whatever node is not running (after {@link #kill}), with its data, and waits for a healthy cluster. */
    public void restart() {
        script("start");
    }

    /** {@code redis-cli -p port args...}, its standard output. */
    public String cli(int port, String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", HOST, "-p", Integer.toString(port)));
        command.addAll(Arrays.asList(args));
        return run(command);
    }

    @Override
    public void close() {
        script("stop");
    }

    private void script(String command) {
        run(List.of("bash", script.toString(), command, "--port", Integer.toString(firstPort), "--dir", dir.toString()));
    }

    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + process.exitValue() + "): " + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    /** scripts/redis-cluster.sh of the repository this test runs in (looked for from the working directory up). */
    private static Path findScript() {
        Path at = Path.of("").toAbsolutePath();
        while (at != null) {
            Path candidate = at.resolve("scripts").resolve("redis-cluster.sh");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            at = at.getParent();
        }
        throw new IllegalStateException("scripts/redis-cluster.sh not found above " + Path.of("").toAbsolutePath());
    }

    private static RedisClusterNodes start() {
        int port = Optional.ofNullable(System.getenv("CARTWRIGHT_TEST_REDIS_CLUSTER_PORT")).filter(p -> !p.isBlank())
            .map(Integer::parseInt).orElse(DEFAULT_PORT);
        try {
            Path dir = Files.createTempDirectory("cartwright-redis-cluster-");
            RedisClusterNodes nodes = new RedisClusterNodes(findScript(), dir, port);
            nodes.script("start");
            LOG.info("Redis Cluster for integration tests: {} (data in {})", nodes.endpointList(), dir);
            return nodes;
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a folder for the Redis Cluster", e);
        }
    }

    private static final class Holder {
        static final RedisClusterNodes SHARED = start();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(SHARED::close, "redis-cluster-stop"));
        }
    }
}
