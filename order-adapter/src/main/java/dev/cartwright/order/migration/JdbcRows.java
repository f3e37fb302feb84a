package dev.cartwright.order.migration;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows through JDBC in the migration's value types, the same ones the reactive client yields: text as String, bigint
 * as Long, integer as Integer, boolean, numeric as BigDecimal, {@code timestamp} as LocalDateTime, {@code timestamptz}
 * as OffsetDateTime in UTC (jsonb is selected as text).
 */
final class JdbcRows {

    private JdbcRows() {
    }

    static List<Map<String, Object>> query(Connection connection, String sql, List<Object> params) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(connection, statement, params);
            try (ResultSet rs = statement.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                List<Map<String, Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.put(meta.getColumnLabel(i), read(rs, i, meta.getColumnTypeName(i)));
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    static int update(Connection connection, String sql, List<Object> params) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(connection, statement, params);
            return statement.executeUpdate();
        }
    }

    static void bind(Connection connection, PreparedStatement statement, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            set(connection, statement, i + 1, params.get(i));
        }
    }

    static void set(Connection connection, PreparedStatement statement, int index, Object value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.NULL);
        } else if (value instanceof String text) {
            statement.setString(index, text);
        } else if (value instanceof Long number) {
            statement.setLong(index, number);
        } else if (value instanceof Integer number) {
            statement.setInt(index, number);
        } else if (value instanceof Boolean flag) {
            statement.setBoolean(index, flag);
        } else if (value instanceof BigDecimal amount) {
            statement.setBigDecimal(index, amount);
        } else if (value instanceof OffsetDateTime || value instanceof LocalDateTime) {
            statement.setObject(index, value);
        } else if (value instanceof String[] texts) {
            statement.setArray(index, connection.createArrayOf("text", texts));
        } else {
            throw new IllegalArgumentException("cannot bind " + value.getClass().getName());
        }
    }

    private static Object read(ResultSet rs, int index, String type) throws SQLException {
        Object value;
        switch (type) {
            case "timestamptz" -> {
                OffsetDateTime at = rs.getObject(index, OffsetDateTime.class);
                value = at == null ? null : at.withOffsetSameInstant(ZoneOffset.UTC);
            }
            case "timestamp" -> value = rs.getObject(index, LocalDateTime.class);
            case "numeric" -> value = rs.getBigDecimal(index);
            case "int8", "bigserial" -> {
                long number = rs.getLong(index);
                value = rs.wasNull() ? null : number;
            }
            case "int4", "int2", "serial" -> {
                int number = rs.getInt(index);
                value = rs.wasNull() ? null : number;
            }
            case "bool" -> {
                boolean flag = rs.getBoolean(index);
                value = rs.wasNull() ? null : flag;
            }
            default -> value = rs.getString(index);
        }
        return value;
    }
}
