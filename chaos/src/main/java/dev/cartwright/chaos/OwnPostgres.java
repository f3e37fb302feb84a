package dev.cartwright.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of the suite's own (initdb into a temporary directory, run as the {@code postgres} user when the
 * suite runs as root, which PostgreSQL refuses), on a free loopback port, which the suite can stop and start again.
 * The machine's own cluster is never touched.
 */
public final class OwnPostgres implements AutoCloseable {

    public static final String DATABASE = "checkout_db";

    private final Path dir;
    private final Path bin;
    private final int port;
    private final boolean asPostgresUser;
    private int stops;

    private OwnPostgres(Path dir, Path bin, int port, boolean asPostgresUser) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    public static OwnPostgres start() {
        Path bin = findBin();
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Path dir = Files.createTempDirectory("cartwright-chaos-pg");
            OwnPostgres pg = new OwnPostgres(dir, bin, Loopback.freePort(), root);
            if (root) {
                run(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
            }
            run(pg.as(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres", "-A", "trust",
                "--no-sync", "-E", "UTF8")), true);
            pg.launch();
            try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
            return pg;
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("could not start a PostgreSQL cluster of the suite's own: " + e.getMessage(), e);
        }
    }

    private static Path findBin() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.max(Comparator.comparing(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", "0"))))
                .map(p -> p.resolve("bin")).orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("PostgreSQL binaries not found under /usr/lib/postgresql (apt-get install postgresql)", e);
        }
    }

    private List<String> as(List<String> command) {
        if (!asPostgresUser) {
            return command;
        }
        List<String> out = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        out.addAll(command);
        return out;
    }

    private static void run(List<String> command, boolean quiet) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private void launch() throws IOException {
        run(as(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("pg.log").toString(),
            "-w", "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60",
            "start")), true);
    }

    /** Stops the cluster (fast shutdown: connections are cut), keeps it down for {@code downFor}, then starts it again. */
    public synchronized void stopFor(Duration downFor) {
        try {
            run(as(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop")), true);
            stops++;
            Loopback.pause(downFor);
            launch();
        } catch (IOException e) {
            throw new IllegalStateException("could not stop and start the suite's PostgreSQL: " + e.getMessage(), e);
        }
    }

    public synchronized int stops() {
        return stops;
    }

    public PgTarget target(String schema) {
        return new PgTarget(Loopback.HOST, port, "postgres", "", DATABASE, schema);
    }

    private Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        return DriverManager.getConnection("jdbc:postgresql://" + Loopback.HOST + ":" + port + "/" + database, properties);
    }

    @Override
    public synchronized void close() {
        try {
            run(as(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop")), true);
        } catch (IOException e) {
            // Already stopped.
        }
        Directories.delete(dir);
    }
}
