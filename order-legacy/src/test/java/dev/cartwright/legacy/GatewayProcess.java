package dev.cartwright.legacy;

import dev.cartwright.legacy.rollout.GatewayAdmin;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real gateway for tests: HAProxy run on deploy/gateway/haproxy.cfg, in the foreground, on free ports, with its
 * own copy of the starting rollout map and its own runtime API socket. HAProxy is installed from Debian's packages
 * when missing and the tests run as root (as in CI); elsewhere the tests that need it are skipped, saying so.
 *
 * <p>Its files are laid out as {@code ./cartwright} lays out its own ({@code <run dir>/gateway/admin.sock},
 * {@code rollout.map}, {@code <run dir>/pids/gateway.pid}), so the operator's commands can be run against it with
 * {@code CARTWRIGHT_RUN_DIR} set to {@link #runDir()}.
 */
final class GatewayProcess implements AutoCloseable {

    private final Process process;
    private final Path runDir;
    private final Path dir;
    private final int port;
    private final int adminPort;
    private final GatewayAdmin admin;

    private GatewayProcess(Process process, Path dir, int port, int adminPort) {
        this.process = process;
        this.runDir = dir.getParent();
        this.dir = dir;
        this.port = port;
        this.adminPort = adminPort;
        this.admin = new GatewayAdmin(dir.resolve("admin.sock"), dir.resolve("rollout.map"));
    }

    static GatewayProcess start(String checkout, String returns, String order) {
        return start(checkout, returns, order, Map.of());
    }

    /** As above, with further settings of deploy/gateway/haproxy.cfg (a second Checkout Service instance, readiness ports). */
    static GatewayProcess start(String checkout, String returns, String order, Map<String, String> extra) {
        ensureInstalled();
        try {
            Path config = repositoryRoot().resolve("deploy/gateway");
            Path dir = Files.createDirectories(Files.createTempDirectory("cartwright-run").resolve("gateway"));
            Files.copy(config.resolve("rollout.map"), dir.resolve("rollout.map"));
            int port = freePort();
            int adminPort = freePort();
            ProcessBuilder builder = new ProcessBuilder("haproxy", "-db", "-f", config.resolve("haproxy.cfg").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("gateway.log").toFile());
            Map<String, String> env = builder.environment();
            env.put("CARTWRIGHT_GATEWAY_BIND", "127.0.0.1:" + port);
            env.put("CARTWRIGHT_GATEWAY_ADMIN", "127.0.0.1:" + adminPort);
            env.put("CARTWRIGHT_GATEWAY_SOCKET", dir.resolve("admin.sock").toString());
            env.put("CARTWRIGHT_GATEWAY_MAP", dir.resolve("rollout.map").toString());
            env.put("CARTWRIGHT_GATEWAY_LUA", config.resolve("bucket.lua").toString());
            env.put("CARTWRIGHT_GATEWAY_CHECKOUT", checkout);
            env.put("CARTWRIGHT_GATEWAY_RETURNS", returns);
            env.put("CARTWRIGHT_GATEWAY_ORDER", order);
            env.putAll(extra);
            Process process = builder.start();
            GatewayProcess gateway = new GatewayProcess(process, dir, port, adminPort);
            Path pids = Files.createDirectories(dir.getParent().resolve("pids"));
            Files.writeString(pids.resolve("gateway.pid"), Long.toString(process.pid()));
            gateway.awaitListening();
            return gateway;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the gateway: " + e.getMessage(), e);
        }
    }

    private void awaitListening() throws IOException {
        for (int i = 0; i < 200; i++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway exited: " + Files.readString(dir.resolve("gateway.log")));
            }
            if (Files.exists(dir.resolve("admin.sock")) && accepts(port)) {
                return;
            }
            sleep(50);
        }
        close();
        throw new IllegalStateException("the gateway did not listen within 10 s: " + Files.readString(dir.resolve("gateway.log")));
    }

    int port() {
        return port;
    }

    /** The directory to give {@code ./cartwright} as {@code CARTWRIGHT_RUN_DIR} to work on this gateway. */
    Path runDir() {
        return runDir;
    }

    int adminPort() {
        return adminPort;
    }

    GatewayAdmin admin() {
        return admin;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void ensureInstalled() {
        if (onPath()) {
            return;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root && Files.exists(Path.of("/usr/bin/apt-get"))) {
            try {
                Process install = new ProcessBuilder("apt-get", "install", "-y", "-qq", "haproxy").inheritIO().start();
                install.waitFor(300, TimeUnit.SECONDS);
            } catch (IOException e) {
                // Reported below as not installed.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Assumptions.assumeTrue(onPath(), "HAProxy is not installed and cannot be installed here (not root or no apt-get): "
            + "apt-get install -y haproxy to run the gateway's tests");
    }

    private static boolean onPath() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "haproxy"))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin/haproxy"));
    }

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("deploy/gateway/haproxy.cfg"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("deploy/gateway/haproxy.cfg not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
