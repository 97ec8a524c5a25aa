package io.memagent.agent;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The real PostgreSQL for the agent module's own database tests: {@code MEMAGENT_TEST_JDBC_URL}
 * (user and password from {@code MEMAGENT_TEST_JDBC_USER} / {@code _PASSWORD}), else
 * 127.0.0.1:5432/test as user postgres, as the end-to-end tests find it. With {@code CI=true} a
 * missing database fails the test; elsewhere it is skipped, saying why. Each test uses a schema
 * of its own and drops it.
 */
public final class TestPostgres {
    public final String url;
    public final String user;
    public final String password;

    private TestPostgres(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    public static TestPostgres get() {
        String env = System.getenv("MEMAGENT_TEST_JDBC_URL");
        TestPostgres db = env != null && !env.isBlank()
                ? new TestPostgres(env, System.getenv().getOrDefault("MEMAGENT_TEST_JDBC_USER", "postgres"),
                        System.getenv("MEMAGENT_TEST_JDBC_PASSWORD"))
                : new TestPostgres("jdbc:postgresql://127.0.0.1:5432/test", "postgres", null);
        try (Connection c = db.connect()) {
            return db;
        } catch (SQLException e) {
            String why = "no PostgreSQL at " + db.url + " (" + e.getMessage() + "); set MEMAGENT_TEST_JDBC_URL or start one";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(why, e);
            }
            Assumptions.abort(why);
            return null;
        }
    }

    public Connection connect() throws SQLException {
        java.util.Properties p = new java.util.Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        Connection c = new org.postgresql.Driver().connect(url, p);
        if (c == null) {
            throw new SQLException("not a PostgreSQL URL: " + url);
        }
        return c;
    }

    public static String newSchema() {
        return "ut_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    public void dropSchema(String schema) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
