package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.HttpApp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 items 8 and 9: a secret planted in every route (a password holding {@code ;}, an
 * sslpassword, user info, memagent.jdbc.password, the token, a misspelled secret key, an invalid
 * URL, the report CLI) appears in no output, table or endpoint; the shaded driver's own
 * java.util.logging lines reach the agent's log, prefixed and rate-limited.
 */
class SecretsIT extends SchemaPerTest {
    private static void assertNoSecret(String where, String text, String... secrets) {
        for (String s : secrets) {
            assertFalse(text.contains(s), where + " holds " + s + ":\n" + text);
        }
    }

    @Test
    void noPlantedSecretReachesALogLineATableOrAnEndpoint() throws Exception {
        String url = db.url + (db.url.contains("?") ? "&" : "?") + "password=pw;Secret99&sslpassword=SslSecret77"
                + "&ApplicationName=x";
        AppRun run = AppRun.main(HttpApp.class).database(db, schema, "secrets").prop("memagent.jdbc.url", url)
                .prop("memagent.jdbc.password", "JdbcPass42").prop("memagent.http.port", 0)
                .prop("memagent.http.token", "TokenSecret55").args("60000");
        String[] secrets = {"Secret99", "SslSecret77", "JdbcPass42", "TokenSecret55"};
        try (LiveApp app = new LiveApp(run)) {
            app.awaitLine("ready");
            awaitFirstRow("agent_runs");
            HttpClientForTests http = HttpClientForTests.of(app);
            for (String path : List.of("/api/memory/config", "/api/memory/report", "/api/memory/database", "/metrics",
                    "/api/memory/status")) {
                HttpClientForTests.Reply r = http.send("GET", path, "TokenSecret55");
                assertEquals(200, r.status(), path);
                assertNoSecret(path, r.body(), secrets);
            }
            String shown = http.json("/api/memory/config").at("/config/memagent.jdbc.url").asText();
            assertTrue(shown.endsWith("?password=****&sslpassword=****&ApplicationName=x"), shown);
            assertEquals("****", http.json("/api/memory/config").at("/config/memagent.jdbc.password").asText());
            app.process.destroy();
            app.process.waitFor();
            assertNoSecret("stderr", app.stderr(), secrets);
            assertTrue(app.stderr().contains("password=****&sslpassword=****&ApplicationName=x (schema " + schema + ")"),
                    app.stderr());
        }
        for (Map<String, Object> t : db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = ?", schema)) {
            String table = schema + "." + t.get("table_name");
            for (Map<String, Object> row : db.query("SELECT t::text AS line FROM " + table + " t")) {
                assertNoSecret(table, (String) row.get("line"), secrets);
            }
        }
        assertEquals(1, db.queryLong("SELECT count(*) FROM " + schema + ".agent_runs WHERE config->>'memagent.jdbc.url' LIKE"
                + " '%?password=****&sslpassword=****&ApplicationName=x'"));
    }

    @Test
    void aMisspelledSecretKeyAndAnInvalidUrlAreNeverEchoed() throws Exception {
        AppRun.Result misspelled = AppRun.main(HttpApp.class).prop("memagent.jdbc.pasword", "hunter2").args("10").run().assertOk();
        assertNoSecret("stderr", misspelled.stderr(), "hunter2");
        assertEquals(1, misspelled.agentLines().size(), misspelled.toString());
        assertTrue(misspelled.agentLines().get(0).startsWith("[memagent] ERROR unknown key memagent.jdbc.pasword (system"
                + " property or agent argument): did you mean memagent.jdbc.password? (expected one of memagent."),
                misspelled.agentLines().get(0));
        AppRun.Result invalid = AppRun.main(HttpApp.class).prop("memagent.jdbc.url", "postgresql://h/db&password=hunter3")
                .args("10").run().assertOk();
        assertNoSecret("stderr", invalid.stderr(), "hunter3");
        assertEquals(List.of("[memagent] ERROR memagent.jdbc.url = 'postgresql://h/db&password=****' is not valid: expected"
                + " a PostgreSQL JDBC URL starting with jdbc:postgresql:. memagent is disabled; the application runs without it."),
                invalid.agentLines());
        AppRun.Result userInfo = AppRun.main(HttpApp.class).prop("memagent.jdbc.url",
                "jdbc:postgresql://postgres:Info55pw@127.0.0.1:1/test").args("1500").run().assertOk();
        assertNoSecret("stderr", userInfo.stderr(), "Info55pw");
        AppRun.Result report = AppRun.jar(AppRun.AGENT_JAR).withoutAgent().args("report", "--jdbc-url",
                "jdbc:postgresql://127.0.0.1:5432/test&password=hunter4", "--password", "CliPass66").run();
        assertEquals(1, report.exitCode(), report.toString());
        assertNoSecret("report", report.stdout() + report.stderr(), "hunter4", "CliPass66");
        assertTrue(report.stderr().startsWith("memagent report: cannot read jdbc:postgresql://127.0.0.1:5432/test&password=****"
                + " (schema public): "), report.stderr());
    }

    @Test
    void theDriversOwnWarningsGoToTheAgentLogPrefixedAndRateLimited() throws Exception {
        // An invalid port: pgjdbc logs a java.util.logging WARNING at every connection attempt.
        AppRun.Result r = AppRun.main(HttpApp.class).prop("memagent.jdbc.url", "jdbc:postgresql://127.0.0.1:99999/test")
                .args("3000").run().assertOk();
        List<String> foreign = r.stderr().lines().filter(l -> l.contains("WARNING") || l.contains("PGPropertyUtil")).toList();
        assertEquals(List.of(), foreign, r.toString());
        assertEquals(List.of("[memagent] WARN pgjdbc: JDBC URL port: 99999 not valid (1:65535) "),
                r.agentLines().stream().filter(l -> l.contains("pgjdbc")).toList(), r.toString());
    }
}
