package io.memagent.it;

import static io.memagent.it.TestDatabase.n;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memagent.testapps.JdbcApp;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code memagent.attribute.jdbc}: an app's statements through its own pgjdbc (42.2.28) against the
 * real PostgreSQL are profiled as {@code DB.<VERB>.<table>}, with the bytes the app itself
 * measured around each {@code executeQuery}; the agent's own (shaded) pgjdbc is never profiled.
 */
class JdbcAttributionIT {
    static final int QUERIES = 100;
    static TestDatabase db;
    static String agentSchema;
    static String appSchema;
    static AppRun.Result run;

    @BeforeAll
    static void runApp() throws Exception {
        db = TestDatabase.get();
        agentSchema = db.newSchema();
        appSchema = db.newSchema();
        try (var c = db.connect(); var st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + appSchema);
        }
        run = AppRun.main(JdbcApp.class)
                .database(db, agentSchema, "jdbc-attribution")
                .prop("memagent.flush.interval.ms", 200)
                .prop("memagent.attribute.jdbc", true)
                .classpath(Path.of(AppRun.APP_LIBS, "old-pgjdbc.jar").toString())
                .args(db.url, db.user == null ? "" : db.user, db.password == null ? "" : db.password, appSchema,
                        String.valueOf(QUERIES))
                .run()
                .assertOk();
    }

    @AfterAll
    static void dropSchemas() {
        if (agentSchema != null) {
            db.dropSchema(agentSchema);
        }
        if (appSchema != null) {
            db.dropSchema(appSchema);
        }
    }

    private static Map<String, Object> stats(String operation) {
        return db.operationFigures(agentSchema, operation, run);
    }

    @Test
    void preparedQueriesAreDbSelectUsersWithTheBytesTheAppMeasured() {
        Map<String, Object> s = stats("DB.SELECT.users");
        assertEquals(QUERIES, n(s, "calls"));
        assertEquals(0, n(s, "errors"));
        assertEquals("db", s.get("kind"));
        assertEquals(run.value("select.bytes"), n(s, "total"), "bytes of " + QUERIES + " queries, rows materialized in the call");
        long rows = 0;
        for (int i = 0; i < QUERIES; i++) {
            rows += 10 + i % 50;
        }
        assertEquals(rows, run.value("rows"));
    }

    @Test
    void everyStatementIsNamedByItsVerbAndTableAndCountedOnce() {
        assertEquals(100, n(stats("DB.INSERT.users"), "calls"), "prepared inserts, each counted once");
        assertEquals(1, n(stats("DB.UPDATE.users"), "calls"));
        assertEquals(1, n(stats("DB.CREATE.users"), "calls"), "DDL is named by its object");
        assertEquals(1, n(stats("DB.SET"), "calls"));
        List<Map<String, Object>> ops = db.query("SELECT DISTINCT operation_type FROM " + agentSchema
                + ".method_allocation_stats");
        // Nothing of the agent's own writer (its pgjdbc is shaded and never instrumented).
        assertEquals(java.util.Set.of("DB.SELECT.users", "DB.INSERT.users", "DB.UPDATE.users", "DB.CREATE.users", "DB.SET",
                        "JdbcApp.firstProfiledCallOfTheThread"),
                ops.stream().map(r -> (String) r.get("operation_type")).collect(Collectors.toSet()), run.toString());
    }

    /**
     * The agent's own start loads JDBC types too (its pool implements javax.sql.DataSource): they must
     * not wait for the Byte Buddy that the same start is building, nor hold up the app's classes.
     */
    @Test
    void noClassWaitedInVainForTheInstrumentation() {
        assertEquals(List.of(), run.agentLines().stream().filter(l -> l.contains("could not instrument")).toList(),
                run.toString());
    }
}
