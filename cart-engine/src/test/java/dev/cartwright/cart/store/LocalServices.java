package dev.cartwright.cart.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.flywaydb.core.Flyway;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * Redis and PostgreSQL for the jqwik state-machine property, which runs on the jqwik engine and so cannot take the
 * testkit's JUnit extension: the same environment variables the testkit reads (CARTWRIGHT_REDIS_URL,
 * CARTWRIGHT_PG_HOST/PORT/USER/PASSWORD), else the local default ports. Makes one schema in the testkit's database,
 * migrated with checkout_db, and drops it at the end.
 */
final class LocalServices implements AutoCloseable {

    private static final String DATABASE = "cartwright_test";

    final String redisUrl;
    final String schema;
    private final String host;
    private final int port;
    private final String user;
    private final String password;

    private LocalServices(String redisUrl, String host, int port, String user, String password, String schema) {
        this.redisUrl = redisUrl;
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.schema = schema;
    }

    static LocalServices open() {
        Map<String, String> env = System.getenv();
        String redisUrl = env.getOrDefault("CARTWRIGHT_REDIS_URL", "redis://127.0.0.1:6379");
        String host = env.getOrDefault("CARTWRIGHT_PG_HOST", "127.0.0.1");
        int port = Integer.parseInt(env.getOrDefault("CARTWRIGHT_PG_PORT", "5432"));
        String user = env.getOrDefault("CARTWRIGHT_PG_USER", "postgres");
        String password = env.getOrDefault("CARTWRIGHT_PG_PASSWORD", "");
        String schema = "cart_state_machine_" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
        LocalServices services = new LocalServices(redisUrl, host, port, user, password, schema);
        services.createSchema();
        return services;
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    private Properties credentials() {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        return properties;
    }

    private void createSchema() {
        try (Connection admin = DriverManager.getConnection(jdbcUrl("postgres"), credentials());
             Statement statement = admin.createStatement()) {
            try {
                statement.execute("CREATE DATABASE " + DATABASE);
            } catch (SQLException exists) {
                // 42P04: it is there already (the testkit or another run made it).
                if (!"42P04".equals(exists.getSQLState()) && !"23505".equals(exists.getSQLState())) {
                    throw exists;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL not reachable at " + host + ":" + port + " as " + user + ": " + e.getMessage(), e);
        }
        Flyway.configure().dataSource(jdbcUrl(DATABASE), user, password).schemas(schema).defaultSchema(schema)
            .locations("classpath:db/checkout_db").load().migrate();
    }

    Pool pool(Vertx vertx) {
        PgConnectOptions connect = new PgConnectOptions().setHost(host).setPort(port).setDatabase(DATABASE)
            .setUser(user).setPassword(password).setProperties(Map.of("search_path", schema));
        return PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(connect).using(vertx).build();
    }

    @Override
    public void close() {
        try (Connection connection = DriverManager.getConnection(jdbcUrl(DATABASE), credentials());
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop schema " + schema, e);
        }
    }
}
