package dev.cartwright.checkout;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A redis-server of the test's own on a free port, with the settings the test gives (the shared server's settings
 * are not the test's to change), stopped by its own process handle.
 */
final class PrivateRedis implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final int port;

    private PrivateRedis(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    static PrivateRedis start(String... settings) {
        try {
            Path dir = Files.createTempDirectory("cartwright-private-redis");
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--dir", dir.toString(), "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString()));
            command.addAll(List.of(settings));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            for (int attempt = 0; attempt < 400; attempt++) {
                try (Socket probe = new Socket("127.0.0.1", port)) {
                    return new PrivateRedis(process, dir, port);
                } catch (IOException notYet) {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("redis-server exited (installed? apt-get install redis-server): "
                            + Files.readString(dir.resolve("redis.log")));
                    }
                    Thread.sleep(25);
                }
            }
            process.destroyForcibly();
            throw new IllegalStateException("redis-server on port " + port + " did not answer");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // A leftover temporary directory harms nobody.
        }
    }
}
