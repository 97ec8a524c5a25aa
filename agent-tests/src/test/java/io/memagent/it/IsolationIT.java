package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.OwnPgjdbcApp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The agent keeps to itself: its jar holds only its own namespace, and the app keeps its own pgjdbc. */
class IsolationIT {
    @Test
    void theAgentJarHoldsNothingOutsideIoMemagentAndMetaInf() throws Exception {
        List<String> outside = new ArrayList<>();
        try (JarFile jar = new JarFile(AppRun.AGENT_JAR)) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (!name.startsWith("io/memagent/") && !name.startsWith("META-INF/") && !name.equals("io/")) {
                    outside.add(name);
                }
            }
            assertEquals(List.of(), outside);
            assertEquals(null, jar.getEntry("META-INF/services/java.sql.Driver"), "no driver offered to DriverManager");
            assertTrue(jar.getEntry("io/memagent/migrations/V1__memagent_schema.sql") != null);
        }
        long size = java.nio.file.Files.size(Path.of(AppRun.AGENT_JAR));
        assertTrue(size <= 10L * 1024 * 1024, "memagent.jar is " + size + " bytes; the budget is 10 MiB");
    }

    @Test
    void anAppWithItsOwnOlderPgjdbcKeepsUsingItsOwnDriver() throws Exception {
        TestDatabase db = TestDatabase.get();
        String schema = db.newSchema();
        try {
            List<String> args = new ArrayList<>(List.of(db.url, db.user));
            if (db.password != null) {
                args.add(db.password);
            }
            AppRun.Result r = AppRun.main(OwnPgjdbcApp.class)
                    .classpath(Path.of(AppRun.APP_LIBS, "old-pgjdbc.jar").toString())
                    .database(db, schema, "own-pgjdbc")
                    .args(args.toArray(String[]::new))
                    .run()
                    .assertOk();
            assertTrue(r.stdout().contains("connectionClass=org.postgresql.jdbc.PgConnection"), r.toString());
            assertTrue(r.stdout().contains("driverVersion=42.2.28"), r.toString());
            assertEquals(420, r.value("sum"));
            // ... while the agent wrote with its own, relocated driver.
            assertEquals(10, db.queryLong("SELECT sum(calls) FROM " + schema
                    + ".method_allocation_stats WHERE operation_type = 'OwnPgjdbcApp.query'"));
        } finally {
            db.dropSchema(schema);
        }
    }
}
