package io.memagent.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the tests' PostgreSQL comes from: {@code MEMAGENT_TEST_JDBC_URL} if set (user and
 * password from {@code MEMAGENT_TEST_JDBC_USER} / {@code MEMAGENT_TEST_JDBC_PASSWORD}), else a
 * Testcontainers PostgreSQL when a Docker engine answers, else 127.0.0.1:5432/test as user
 * postgres. With {@code CI=true} a missing database fails the run; elsewhere the database tests
 * are skipped with a message saying why.
 *
 * <p>Every test gets its own schema ({@link #newSchema}) and drops it: tests never touch data
 * that is not theirs.
 */
public final class TestDatabase {
    private static TestDatabase instance;

    public final String url;
    public final String user;
    public final String password;

    private TestDatabase(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    public static synchronized TestDatabase get() {
        if (instance == null) {
            instance = locate();
        }
        return instance;
    }

    private static TestDatabase locate() {
        String env = System.getenv("MEMAGENT_TEST_JDBC_URL");
        if (env != null && !env.isBlank()) {
            return check(new TestDatabase(env, System.getenv().getOrDefault("MEMAGENT_TEST_JDBC_USER", "postgres"),
                    System.getenv("MEMAGENT_TEST_JDBC_PASSWORD")));
        }
        TestDatabase fromDocker = Containers.postgresIfDockerAvailable();
        if (fromDocker != null) {
            return check(fromDocker);
        }
        return check(new TestDatabase("jdbc:postgresql://127.0.0.1:5432/test", "postgres", null));
    }

    static TestDatabase of(String url, String user, String password) {
        return new TestDatabase(url, user, password);
    }

    private static TestDatabase check(TestDatabase db) {
        try (Connection c = db.connect()) {
            return db;
        } catch (SQLException e) {
            String why = "no PostgreSQL for the end-to-end tests at " + db.url + " (" + e.getMessage()
                    + "); set MEMAGENT_TEST_JDBC_URL or start one";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(why, e);
            }
            Assumptions.abort(why);
            return null;
        }
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /** Rows of a query, column name to value, in order. */
    public List<Map<String, Object>> query(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i), rs.getObject(i));
                    }
                    out.add(row);
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** A numeric column of a row from {@link #query}, as a long. */
    public static long n(Map<String, Object> row, String column) {
        return ((Number) row.get(column)).longValue();
    }

    /** The single value of a one-row, one-column query, as a long. */
    /**
     * One operation's figures over a run, summed over its statistics buckets (sums as bigint):
     * calls, errors, unmeasured, total, self, min, max, p50_low, p99_high, buckets, ordered (every
     * bucket ends after it starts), kind and method (distinct values, comma-separated). Fails,
     * showing {@code context}, when the operation has no rows.
     */
    public Map<String, Object> operationFigures(String schema, String operation, Object context) {
        List<Map<String, Object>> rows = query("SELECT sum(calls)::bigint AS calls, sum(errors)::bigint AS errors,"
                + " sum(unmeasured_calls)::bigint AS unmeasured, sum(total_bytes)::bigint AS total,"
                + " sum(self_bytes)::bigint AS self, min(min_bytes) AS min, max(max_bytes) AS max,"
                + " min(p50_bytes) AS p50_low, max(p99_bytes) AS p99_high, count(*) AS buckets,"
                + " bool_and(bucket_end > bucket_start) AS ordered, string_agg(DISTINCT kind, ',') AS kind,"
                + " string_agg(DISTINCT method, ',') AS method"
                + " FROM " + schema + ".method_allocation_stats WHERE operation_type = ?", operation);
        if (rows.get(0).get("calls") == null) {
            throw new AssertionError("no stats rows for " + operation + "\n" + context);
        }
        return rows.get(0);
    }

    public long queryLong(String sql, Object... params) {
        List<Map<String, Object>> rows = query(sql, params);
        if (rows.size() != 1) {
            throw new AssertionError("expected one row from " + sql + ", got " + rows);
        }
        Object v = rows.get(0).values().iterator().next();
        return v == null ? 0 : ((Number) v).longValue();
    }

    /** A new empty schema name, unique to the caller; drop it with {@link #dropSchema}. */
    public String newSchema() {
        return "mt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    public void dropSchema(String schema) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
