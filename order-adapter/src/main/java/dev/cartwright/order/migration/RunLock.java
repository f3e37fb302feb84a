package dev.cartwright.order.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * One run of a step per aggregate at a time: a session-level advisory lock in the new database, held for the run. The
 * lock is named by the schema too: migrations of two schemas in one database (two shops, or parallel test runs) are
 * different migrations and never refuse each other.
 */
final class RunLock {

    private RunLock() {
    }

    static boolean tryLock(Connection connection, String step, Aggregate aggregate) throws SQLException {
        return (Boolean) JdbcRows.query(connection, "SELECT pg_try_advisory_lock(hashtextextended(? || current_schema(), 0)) AS locked",
            List.of(key(step, aggregate))).get(0).get("locked");
    }

    static void unlock(Connection connection, String step, Aggregate aggregate) throws SQLException {
        JdbcRows.query(connection,
            "SELECT pg_advisory_unlock(hashtextextended(? || current_schema(), 0)) AS unlocked", List.of(key(step, aggregate)));
    }

    private static String key(String step, Aggregate aggregate) {
        return "order-migration:" + step + ":" + aggregate.rootTable() + ":";
    }
}
