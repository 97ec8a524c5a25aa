package io.memagent.testapps;

import io.memagent.api.ProfileMemory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/** An app that brings its own (older) pgjdbc and uses it through DriverManager, as old apps do. */
public class OwnPgjdbcApp {
    @ProfileMemory
    static int query(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 41 + 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        String password = args.length > 2 ? args[2] : null;
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            System.out.println("connectionClass=" + c.getClass().getName());
            System.out.println("driverVersion=" + c.getMetaData().getDriverVersion());
            int sum = 0;
            for (int i = 0; i < 10; i++) {
                sum += query(c);
            }
            Truth.print("sum", sum);
        }
    }
}
