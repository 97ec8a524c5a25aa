package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Spring Boot test app's very sources served by Jetty 12 instead of Tomcat, with HTTP and JDBC
 * attribution: requests named by route template with one call each, SQL as operations, steady calls
 * exact to the byte against the app's own counter, no warning.
 */
class SpringJettyIT {
    static TestDatabase db;
    static String schema;

    @BeforeAll
    static void database() {
        db = TestDatabase.get();
        schema = db.newSchema();
    }

    @AfterAll
    static void dropSchemas() {
        if (schema != null) {
            db.dropSchema(schema);
            db.dropSchema(schema + "_app");
        }
    }

    @Test
    void jettyRequestsAreNamedCountedAndExact() throws Exception {
        String jar = new File(System.getProperty("memagenttest.springJettyJar")).getAbsolutePath();
        SpringBootIT.db = db;
        SpringBootIT.Session s = SpringBootIT.Session.run(schema, schema + "_app", SpringChecks::traffic,
                r -> r.useJar(jar));
        assertTrue(s.stderr.contains("org.eclipse.jetty") || s.stdout.contains("Jetty"), "served by Jetty: " + s);
        SpringChecks.quietAgentLines(s);
        SpringChecks.assertAttributedAndExact(db, schema, s);
        assertEquals(143, s.exitCode, "128 + SIGTERM\n" + s);
    }
}
