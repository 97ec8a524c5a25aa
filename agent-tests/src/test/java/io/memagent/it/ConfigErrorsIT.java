package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.ExactBytesApp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input never costs the app anything: one clear error naming key, value and what is
 * accepted, the agent disabled, the app's own work and exit code unchanged.
 */
class ConfigErrorsIT {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "memagent.flush.interval.ms | abc   | a whole number from 10 to 3600000",
        "memagent.stats.interval.ms | -5    | a whole number from 100 to 86400000",
        "memagent.queue.capacity    | 0     | a whole number from 100 to 10000000",
        "memagent.enabled           | yes   | true or false",
        "memagent.jdbc.url          | mysql://x | a PostgreSQL JDBC URL starting with jdbc:postgresql:",
        "memagent.include           | com.acme.Foo | needs exactly one '#'",
        "memagent.flush.intervall.ms | 100  | expected one of memagent.enabled",
    })
    void aBadValueIsOneClearErrorAndTheAppRunsUnprofiled(String key, String value, String accepted) throws Exception {
        AppRun.Result r = AppRun.main(ExactBytesApp.class).prop(key, value).args("3").run().assertOk();
        List<String> lines = r.agentLines();
        assertEquals(1, lines.size(), r.toString());
        String line = lines.get(0);
        assertTrue(line.contains("ERROR"), line);
        assertTrue(line.contains(key), line);
        // An unknown key's value is never shown (a misspelled secret key holds a secret); a known key's is.
        boolean unknown = accepted.startsWith("expected one of");
        assertEquals(!unknown, line.contains(" = '" + value + "'"), line);
        assertTrue(line.contains(accepted), line);
        assertTrue(line.contains("memagent is disabled; the application runs without it"), line);
        assertEquals(3, r.value("calls"));
        assertEquals(3, r.value("caught"));
        assertFalse(r.stderr().contains("memagent report"), "disabled: no report");
    }

    @Test
    void agentArgumentsAndEnvironmentAreReadWithThePrecedenceTheSpecGives() throws Exception {
        // env says 5000, the agent argument says 2000, -D says 1000: the system property wins.
        AppRun.Result r = AppRun.main(ExactBytesApp.class)
                .env("MEMAGENT_SERVICE_NAME", "from-env")
                .agentArgs("service.name=from-args")
                .args("2").run().assertOk();
        assertTrue(r.stderr().contains("service 'from-args'"), r.stderr());
        AppRun.Result env = AppRun.main(ExactBytesApp.class).env("MEMAGENT_SERVICE_NAME", "from-env").args("2").run().assertOk();
        assertTrue(env.stderr().contains("service 'from-env'"), env.stderr());
        AppRun.Result sys = AppRun.main(ExactBytesApp.class).env("MEMAGENT_SERVICE_NAME", "from-env")
                .agentArgs("service.name=from-args").prop("memagent.service.name", "from-sysprop").args("2").run().assertOk();
        assertTrue(sys.stderr().contains("service 'from-sysprop'"), sys.stderr());
    }

    @Test
    void anUnreachableDatabaseCostsTheAppNothingAndIsSaidOnce() throws Exception {
        AppRun.Result r = AppRun.main(ExactBytesApp.class)
                .prop("memagent.jdbc.url", "jdbc:postgresql://127.0.0.1:1/nowhere")
                .prop("memagent.jdbc.user", "nobody")
                .prop("memagent.jdbc.password", "planted-secret-7731")
                .prop("memagent.shutdown.timeout.ms", 10_000)
                .args("20", "8000").run().assertOk(); // up long enough for the writer's first attempts to fail
        assertEquals(20, r.value("caught"));
        long errors = r.agentLines().stream().filter(l -> l.contains("cannot write to PostgreSQL")).count();
        assertEquals(1, errors, r.toString());
        // Down since start: nothing can be written, so exit does not wait out memagent.shutdown.timeout.ms (10 s).
        assertTrue(r.millis() < 8_000 + 3_000, "exit waited for a database that was never there: " + r.millis() + " ms");
        assertTrue(r.stderr().contains("PostgreSQL was not reachable at any time since start"), r.stderr());
        assertTrue(r.stderr().contains("counted as dropped (writer_failed)"), r.stderr());
        assertFalse((r.stdout() + r.stderr()).contains("planted-secret-7731"), "the password never appears");
    }

    @Test
    void thePasswordNeverAppearsInLogsOrTables() throws Exception {
        TestDatabase db = TestDatabase.get();
        String schema = db.newSchema();
        try {
            String url = db.url + (db.url.contains("?") ? "&" : "?") + "password=" + (db.password == null ? "url-secret-5521" : db.password);
            AppRun.Result r = AppRun.main(ExactBytesApp.class)
                    .database(db, schema, "secrets")
                    .prop("memagent.jdbc.url", url)
                    .prop("memagent.jdbc.password", db.password == null ? "planted-secret-9917" : db.password)
                    .args("2").run().assertOk();
            String secret = db.password == null ? "planted-secret-9917" : db.password;
            assertFalse((r.stdout() + r.stderr()).contains(secret), r.toString());
            List<Map<String, Object>> rows = db.query("SELECT config::text AS c FROM " + schema + ".agent_runs");
            assertEquals(1, rows.size());
            String config = (String) rows.get(0).get("c");
            assertFalse(config.contains(secret), config);
            assertFalse(config.contains("url-secret-5521"), config);
            assertTrue(config.contains("\"memagent.jdbc.password\": \"****\""), config);
        } finally {
            db.dropSchema(schema);
        }
    }
}
