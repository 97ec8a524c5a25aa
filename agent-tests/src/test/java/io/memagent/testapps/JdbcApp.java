package io.memagent.testapps;

import io.memagent.api.ProfileMemory;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * An app using its own JDBC driver (the test puts pgjdbc 42.2.28 on its class path) against a
 * real PostgreSQL. It measures its own queries around {@code executeQuery} with the same counter
 * the agent reads, so the test can compare {@code DB.SELECT.users} with the app's figure.
 *
 * <p>Arguments: JDBC URL, user, password ("" for none), schema, query count.
 */
public class JdbcApp {
    static volatile Object sink;

    /** Pays the agent's one-time per-thread state before the app's own measurements. */
    @ProfileMemory
    static int firstProfiledCallOfTheThread() {
        return 1;
    }

    public static void main(String[] args) throws Exception {
        Truth.appBytesNow(); // Truth's class set-up here, not inside the first measured request
        String url = args[0];
        String user = args[1];
        String password = args[2].isEmpty() ? null : args[2];
        String schema = args[3];
        int n = Integer.parseInt(args[4]);
        firstProfiledCallOfTheThread();
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            try (Statement st = c.createStatement()) {
                st.execute("SET search_path TO " + schema);
                st.executeUpdate("CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL)");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO users (id, name) VALUES (?, ?)")) {
                for (int i = 0; i < 100; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "user-" + i);
                    insert.executeUpdate();
                }
            }
            long selectBytes = 0;
            long rows = 0;
            try (PreparedStatement query = c.prepareStatement("SELECT id, name FROM users WHERE id < ?")) {
                for (int i = 0; i < n; i++) {
                    query.setInt(1, 10 + i % 50); // 10 to 59 rows: the driver materializes them in the call
                    long before = Truth.appBytesNow();
                    ResultSet rs = query.executeQuery();
                    selectBytes += Truth.appBytesNow() - before;
                    while (rs.next()) {
                        rows++;
                    }
                    rs.close();
                }
            }
            try (Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE users SET name = 'renamed' WHERE id = 1");
            }
            System.out.println("select.bytes=" + selectBytes);
            System.out.println("rows=" + rows);
        }
    }
}
