package dev.cartwright.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where the Checkout Service keeps its carts in PostgreSQL: server, credentials, database and schema.
 */
public record PgTarget(String host, int port, String user, String password, String database, String schema) {

    /** The service's settings for this target. */
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("CARTWRIGHT_PG_HOST", host);
        env.put("CARTWRIGHT_PG_PORT", Integer.toString(port));
        env.put("CARTWRIGHT_PG_USER", user);
        env.put("CARTWRIGHT_PG_PASSWORD", password);
        env.put("CARTWRIGHT_CHECKOUT_DB", database);
        env.put("CARTWRIGHT_CHECKOUT_SCHEMA", schema);
        return env;
    }

    /** A JDBC connection whose unqualified names resolve in the schema; the caller closes it. */
    public Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", "30");
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database + "?currentSchema=" + schema,
            properties);
    }
}
