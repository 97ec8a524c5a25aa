package io.memagent.it;

import static io.memagent.it.TestDatabase.n;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memagent.testapps.JdbcApp;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code memagent.attribute.jdbc}: an app's statements through its own pgjdbc (42.2.28) against the
 * real PostgreSQL are profiled as {@code DB.<VERB>.<table>}, with the bytes the app itself
 * measured around each {@code executeQuery}; the agent's own (shaded) pgjdbc is never profiled.
 */
class JdbcAttributionIT {
    static final int QUERIES = 100;

    /** The agent writes into the class's schema; the app keeps its users table in a second one. */
    @RegisterExtension
    static final AppPerClass app = AppPerClass.of(a -> {
        TestDatabase db = a.db();
        String appSchema = a.newSchema();
        try (var c = db.connect(); var st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + appSchema);
        }
        return AppRun.main(JdbcApp.class)
                .database(db, a.schema(), "jdbc-attribution")
                .prop("memagent.flush.interval.ms", 200)
                .prop("memagent.attribute.jdbc", true)
                .classpath(Path.of(AppRun.APP_LIBS, "old-pgjdbc.jar").toString())
                .args(db.url, db.user == null ? "" : db.user, db.password == null ? "" : db.password, appSchema,
                        String.valueOf(QUERIES));
    });

    @Test
    void preparedQueriesAreDbSelectUsersWithTheBytesTheAppMeasured() {
        Map<String, Object> s = app.stats("DB.SELECT.users");
        assertEquals(QUERIES, n(s, "calls"));
        assertEquals(0, n(s, "errors"));
        assertEquals("db", s.get("kind"));
        assertEquals(app.run().value("select.bytes"), n(s, "total"), "bytes of " + QUERIES + " queries, rows materialized in the call");
        long rows = 0;
        for (int i = 0; i < QUERIES; i++) {
            rows += 10 + i % 50;
        }
        assertEquals(rows, app.run().value("rows"));
    }

    @Test
    void everyStatementIsNamedByItsVerbAndTableAndCountedOnce() {
        assertEquals(100, n(app.stats("DB.INSERT.users"), "calls"), "prepared inserts, each counted once");
        assertEquals(1, n(app.stats("DB.UPDATE.users"), "calls"));
        assertEquals(1, n(app.stats("DB.CREATE TABLE users"), "calls"), "DDL is named by its object");
        assertEquals(1, n(app.stats("DB.SET"), "calls"));
        List<Map<String, Object>> ops = app.db().query("SELECT DISTINCT operation_type FROM " + app.schema()
                + ".method_allocation_stats");
        // Nothing of the agent's own writer (its pgjdbc is shaded and never instrumented).
        assertEquals(java.util.Set.of("DB.SELECT.users", "DB.INSERT.users", "DB.UPDATE.users", "DB.CREATE TABLE users", "DB.SET",
                        "JdbcApp.firstProfiledCallOfTheThread"),
                ops.stream().map(r -> (String) r.get("operation_type")).collect(Collectors.toSet()), app.run().toString());
    }

    /**
     * The agent's own start loads JDBC types too (its pool implements javax.sql.DataSource): they must
     * not wait for the Byte Buddy that the same start is building, nor hold up the app's classes.
     */
    @Test
    void noClassWaitedInVainForTheInstrumentation() {
        assertEquals(List.of(), app.run().agentLines().stream().filter(l -> l.contains("could not instrument")).toList(),
                app.run().toString());
    }
}
