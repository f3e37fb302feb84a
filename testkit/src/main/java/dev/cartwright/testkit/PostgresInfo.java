package dev.cartwright.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The PostgreSQL server shared by every integration test in this JVM, and the database {@value #DATABASE} on it in
 * which tests isolate themselves by schema: call {@link #freshSchema(String)} and use only that schema.
 *
 * <p>Plain host, port and credentials are exposed so each module builds its own client (a Vert.x
 * {@code PgConnectOptions} with {@code search_path} set to the schema, or JDBC through {@link #jdbcUrl(String)}).
 */
public final class PostgresInfo {

    /** The database the harness creates when missing and in which fresh schemas are made. */
    public static final String DATABASE = "cartwright_test";

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final Source source;
    private final UniqueNames names;
    private final List<String> createdSchemas = new ArrayList<>();

    PostgresInfo(String host, int port, String user, String password, Source source, UniqueNames names) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.source = source;
        this.names = names;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** Always {@value #DATABASE}. */
    public String database() {
        return DATABASE;
    }

    /** How this server was obtained. */
    public Source source() {
        return source;
    }

    /** JDBC URL of the test database, default search path. */
    public String jdbcUrl() {
        return jdbcUrl(host, port, DATABASE);
    }

    /** JDBC URL of the test database with {@code currentSchema} set, so unqualified names resolve in {@code schema}. */
    public String jdbcUrl(String schema) {
        return jdbcUrl() + "?currentSchema=" + UniqueNames.requireIdentifier(schema);
    }

    /**
     * Creates a schema no other test uses, named {@code <base>_<run>_<n>}, and returns its name. Schemas made here
     * are dropped when the test JVM ends.
     *
     * @param base lower case letters, digits and '_', e.g. {@code "checkout"}
     */
    public String freshSchema(String base) {
        String schema = names.next(base);
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create schema " + schema + " in " + DATABASE + ": " + e.getMessage(), e);
        }
        synchronized (createdSchemas) {
            createdSchemas.add(schema);
        }
        return schema;
    }

    /** A new JDBC connection to the test database; the caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), credentials());
    }

    /** A new JDBC connection whose unqualified names resolve in {@code schema}; the caller closes it. */
    public Connection connect(String schema) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(schema), credentials());
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port + "/" + DATABASE + " (" + source.description() + ")";
    }

    static String jdbcUrl(String host, int port, String database) {
        String literalHost = host.contains(":") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + literalHost + ":" + port + "/" + database;
    }

    Properties credentials() {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "5");
        return properties;
    }

    /** Drops the schemas this JVM created; best effort, since a leftover schema harms nobody. */
    List<String> dropCreatedSchemas() {
        List<String> failed = new ArrayList<>();
        List<String> toDrop;
        synchronized (createdSchemas) {
            toDrop = List.copyOf(createdSchemas);
            createdSchemas.clear();
        }
        if (toDrop.isEmpty()) {
            return failed;
        }
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            // A test that leaked an open transaction must not hang the end of the JVM.
            statement.execute("SET lock_timeout = '5s'");
            for (String schema : toDrop) {
                try {
                    statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                } catch (SQLException e) {
                    failed.add(schema);
                }
            }
        } catch (SQLException e) {
            failed.addAll(toDrop);
        }
        return failed;
    }
}
