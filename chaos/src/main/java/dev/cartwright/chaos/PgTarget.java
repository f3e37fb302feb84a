package dev.cartwright.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where a service under test keeps its data in PostgreSQL (the Checkout Service its carts, the Return Service its
 * returns): server, credentials, database and schema.
 */
public record PgTarget(String host, int port, String user, String password, String database, String schema) {

    /** The Checkout Service's settings for this target. */
    public Map<String, String> environment() {
        return environment("CARTWRIGHT_CHECKOUT_DB", "CARTWRIGHT_CHECKOUT_SCHEMA");
    }

    /** The Return Service's settings for this target (its return_db in this schema). */
    public Map<String, String> returnEnvironment() {
        return environment("CARTWRIGHT_RETURN_DB", "CARTWRIGHT_RETURN_DB_SCHEMA");
    }

    private Map<String, String> environment(String databaseKey, String schemaKey) {
        Map<String, String> env = new HashMap<>();
        env.put("CARTWRIGHT_PG_HOST", host);
        env.put("CARTWRIGHT_PG_PORT", Integer.toString(port));
        env.put("CARTWRIGHT_PG_USER", user);
        env.put("CARTWRIGHT_PG_PASSWORD", password);
        env.put(databaseKey, database);
        env.put(schemaKey, schema);
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
