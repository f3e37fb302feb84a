package dev.cartwright.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A single-node Kafka broker of the suite's own (testkit's EmbeddedKafka as a process, data kept in a directory of its
 * own), on free loopback ports, which the suite can stop and start again with the same data.
 */
public final class OwnKafka implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private Process process;
    private int stops;

    private OwnKafka(Path dir, int port, int controllerPort) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    public static OwnKafka start() {
        try {
            OwnKafka kafka = new OwnKafka(Files.createTempDirectory("cartwright-chaos-kafka"), Loopback.freePort(), Loopback.freePort());
            kafka.launch();
            return kafka;
        } catch (IOException e) {
            throw new IllegalStateException("could not make a directory for Kafka: " + e.getMessage(), e);
        }
    }

    private void launch() {
        Path log = dir.resolve("kafka.log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
            "-cp", System.getProperty("java.class.path"), "dev.cartwright.testkit.EmbeddedKafka", "--host", Loopback.HOST,
            "--port", Integer.toString(port), "--controller-port", Integer.toString(controllerPort),
            "--dir", dir.resolve("data").toString());
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start the embedded Kafka broker: " + e.getMessage(), e);
        }
        Process started = process;
        boolean ready = Loopback.waitFor(() -> !started.isAlive() || read(log).contains("KAFKA READY"), Duration.ofSeconds(180));
        if (!ready || !started.isAlive()) {
            started.destroyForcibly();
            throw new IllegalStateException("the embedded Kafka broker did not start; see " + log);
        }
        // The next start looks for a fresh ready line.
        try {
            Files.move(log, dir.resolve("kafka-" + System.nanoTime() + ".log"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops the broker (SIGTERM, a clean shutdown), keeps it down for {@code downFor}, and starts it again. */
    public synchronized void stopFor(Duration downFor) {
        process.destroy();
        try {
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        stops++;
        Loopback.pause(downFor);
        launch();
    }

    public synchronized int stops() {
        return stops;
    }

    public String bootstrap() {
        return Loopback.HOST + ":" + port;
    }

    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Directories.delete(dir);
    }
}
