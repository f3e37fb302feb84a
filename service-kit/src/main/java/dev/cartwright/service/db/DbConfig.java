package dev.cartwright.service.db;

import dev.cartwright.service.config.Endpoints;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

/**
 * One PostgreSQL database of a service: where it is, and which migration set
 * ({@code classpath:db/<migrations>}) shapes it.
 */
public record DbConfig(String host, int port, String user, String password, String database, String migrations,
                       int poolSize) {

    public static DbConfig of(Endpoints endpoints, String database, String migrations, int poolSize) {
        return new DbConfig(endpoints.pgHost(), endpoints.pgPort(), endpoints.pgUser(), endpoints.pgPassword(),
            database, migrations, poolSize);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** Connect options with statement caching and pipelining for the reactive client. */
    public PgConnectOptions connectOptions(String schema) {
        PgConnectOptions options = new PgConnectOptions()
            .setHost(host)
            .setPort(port)
            .setUser(user)
            .setDatabase(database)
            .setCachePreparedStatements(true)
            .setPipeliningLimit(256)
            .addProperty("search_path", schema)
            .addProperty("application_name", "cartwright");
        if (!password.isEmpty()) {
            options.setPassword(password);
        }
        return options;
    }

    public PoolOptions poolOptions() {
        return new PoolOptions().setMaxSize(poolSize).setShared(true).setName("pg-" + database);
    }
}
