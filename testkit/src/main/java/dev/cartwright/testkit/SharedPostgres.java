package dev.cartwright.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Owns the PostgreSQL server of this test JVM: finds or starts it once, makes sure the test database exists, and
 * at the end drops the schemas tests created and stops a container it started.
 */
final class SharedPostgres implements AutoCloseable {

    static final String HOW_TO_START = """
        Start PostgreSQL with one of:
          pg_ctlcluster 15 main start          (Debian/Ubuntu cluster; see pg_lsclusters)
          runuser -u postgres -- pg_ctl -D <datadir> -l <logfile> start
        or point the tests at a server: CARTWRIGHT_PG_HOST, CARTWRIGHT_PG_PORT, CARTWRIGHT_PG_USER, CARTWRIGHT_PG_PASSWORD.""";

    static final String IMAGE = "postgres:15-alpine";

    private static final Logger LOG = LoggerFactory.getLogger(SharedPostgres.class);
    private static final int DEFAULT_PORT = 5432;
    private static final String DEFAULT_USER = "postgres";
    private static final String DEFAULT_PASSWORD = "postgres";

    private final PostgresInfo info;
    private final AutoCloseable stop;

    private SharedPostgres(PostgresInfo info, AutoCloseable stop) {
        this.info = info;
        this.stop = stop;
    }

    PostgresInfo info() {
        return info;
    }

    static SharedPostgres resolve(Map<String, String> env) {
        UniqueNames names = new UniqueNames();
        SharedPostgres found = ResolutionStep.firstAvailable("PostgreSQL", List.of(
            new ResolutionStep<>("CARTWRIGHT_PG_HOST / CARTWRIGHT_PG_PORT", () -> fromEnvironment(env, names)),
            new ResolutionStep<>("127.0.0.1:" + DEFAULT_PORT, () -> fromLocalPort(env, names)),
            new ResolutionStep<>("Testcontainers (" + IMAGE + ")", () -> fromContainer(names))
        ), HOW_TO_START);
        try {
            ensureDatabase(found.info);
        } catch (RuntimeException e) {
            found.close();
            throw e;
        }
        LOG.info("PostgreSQL for integration tests: {}", found.info);
        return found;
    }

    private static Optional<SharedPostgres> fromEnvironment(Map<String, String> env, UniqueNames names) {
        String host = env.get("CARTWRIGHT_PG_HOST");
        String port = env.get("CARTWRIGHT_PG_PORT");
        if (blank(host) && blank(port)) {
            return Optional.empty();
        }
        PostgresInfo info = new PostgresInfo(blank(host) ? "127.0.0.1" : host, parsePort("CARTWRIGHT_PG_PORT", port, DEFAULT_PORT),
            user(env), password(env), Source.ENVIRONMENT, names);
        requireLogin(info, "the address in CARTWRIGHT_PG_HOST/CARTWRIGHT_PG_PORT");
        return Optional.of(new SharedPostgres(info, () -> { }));
    }

    private static Optional<SharedPostgres> fromLocalPort(Map<String, String> env, UniqueNames names) {
        if (!Probes.acceptsConnections("127.0.0.1", DEFAULT_PORT, Duration.ofMillis(500))) {
            return Optional.empty();
        }
        PostgresInfo info = new PostgresInfo("127.0.0.1", DEFAULT_PORT, user(env), password(env), Source.LOCAL_DEFAULT_PORT, names);
        requireLogin(info, "the server answering on 127.0.0.1:5432");
        return Optional.of(new SharedPostgres(info, () -> { }));
    }

    private static Optional<SharedPostgres> fromContainer(UniqueNames names) {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return Optional.empty();
        }
        PostgreSQLContainer container = new PostgreSQLContainer(IMAGE);
        container.start();
        PostgresInfo info = new PostgresInfo(container.getHost(), container.getMappedPort(DEFAULT_PORT),
            container.getUsername(), container.getPassword(), Source.TESTCONTAINERS, names);
        return Optional.of(new SharedPostgres(info, container::stop));
    }

    /** Logging in is checked right away so a wrong password fails with its cause, not as a later odd error. */
    private static void requireLogin(PostgresInfo info, String where) {
        try (Connection connection = DriverManager.getConnection(
            PostgresInfo.jdbcUrl(info.host(), info.port(), "postgres"), info.credentials())) {
            connection.isValid(5);
        } catch (SQLException e) {
            // SQLSTATE class 08 is "connection exception": nothing usable answers, as opposed to a refused login.
            String hint = e.getSQLState() != null && e.getSQLState().startsWith("08") ? HOW_TO_START
                : "Set CARTWRIGHT_PG_USER / CARTWRIGHT_PG_PASSWORD to a role that may create databases.";
            throw new IllegalStateException("PostgreSQL: cannot connect as '" + info.user() + "' to " + where + ": "
                + e.getMessage() + "\n" + hint, e);
        }
    }

    /** Creates {@value PostgresInfo#DATABASE} when missing; another JVM doing the same at the same moment is fine. */
    private static void ensureDatabase(PostgresInfo info) {
        try (Connection connection = DriverManager.getConnection(
            PostgresInfo.jdbcUrl(info.host(), info.port(), "postgres"), info.credentials())) {
            try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, PostgresInfo.DATABASE);
                try (ResultSet rows = exists.executeQuery()) {
                    if (rows.next()) {
                        return;
                    }
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE " + PostgresInfo.DATABASE);
            } catch (SQLException e) {
                // 42P04 duplicate_database, 23505 unique_violation: a concurrent creator won the race.
                if (!"42P04".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL: cannot create database " + PostgresInfo.DATABASE + ": " + e.getMessage(), e);
        }
    }

    private static String user(Map<String, String> env) {
        return blank(env.get("CARTWRIGHT_PG_USER")) ? DEFAULT_USER : env.get("CARTWRIGHT_PG_USER");
    }

    private static String password(Map<String, String> env) {
        String password = env.get("CARTWRIGHT_PG_PASSWORD");
        return password == null ? DEFAULT_PASSWORD : password;
    }

    static int parsePort(String key, String value, int defaultPort) {
        if (blank(value)) {
            return defaultPort;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 1 || port > 65_535) {
                throw new NumberFormatException("out of range");
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a port number (1-65535), was: " + value, e);
        }
    }

    static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    @Override
    public String toString() {
        return info.toString();
    }

    @Override
    public void close() {
        List<String> left = info.dropCreatedSchemas();
        if (!left.isEmpty()) {
            LOG.warn("PostgreSQL: could not drop test schemas {}", left);
        }
        try {
            stop.close();
        } catch (Exception e) {
            LOG.warn("PostgreSQL: stopping the container failed", e);
        }
    }
}
