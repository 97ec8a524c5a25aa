package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.HttpApp;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Off loopback: every endpoint needs the token, and without a token nothing is served at all. */
class HttpSecurityIT {
    static final List<String> GETS = List.of("/", "/health", "/metrics", "/api/memory/status",
            "/api/memory/top-consumers?limit=1", "/api/memory/history", "/api/memory/spikes", "/api/memory/leaks",
            "/api/memory/database", "/api/memory/config", "/api/memory/report");

    @Test
    void offLoopbackEveryEndpointNeedsTheToken() throws Exception {
        try (LiveApp app = new LiveApp(AppRun.main(HttpApp.class).prop("memagent.http.host", "0.0.0.0")
                .prop("memagent.http.port", 0).prop("memagent.http.token", "off-loopback-token"))) {
            app.awaitLine("ready");
            HttpClientForTests any = HttpClientForTests.of(app);
            assertTrue(app.stderrSoFar().contains("(every endpoint needs the token)"), app.stderrSoFar());
            HttpClientForTests http = new HttpClientForTests(any.base.replace("0.0.0.0", "127.0.0.1"));
            for (String path : GETS) {
                HttpClientForTests.Reply none = http.send("GET", path, null);
                assertEquals(401, none.status(), path + ": " + none.body());
                assertEquals("{\"error\":\"this endpoint needs Authorization: Bearer <memagent.http.token>\",\"status\":401}",
                        none.body());
                assertEquals(403, http.send("GET", path, "off-loopback-tokeN").status(), path);
                assertEquals(403, http.send("GET", path, "off").status(), path);
                assertEquals(200, http.send("GET", path, "off-loopback-token").status(), path);
            }
            assertEquals(401, http.send("POST", "/api/memory/gc", null).status());
        }
    }

    @Test
    void theServerNeverKeepsTheJvmUp() throws Exception {
        AppRun.Result r = AppRun.main(HttpApp.class).prop("memagent.http.port", 0).args("until-serving").run().assertOk();
        assertTrue(r.stdout().contains("serving"), "the server was running when main returned: " + r);
        assertTrue(r.stderr().matches("(?s).*\\nOrders\\.load +20 .*"), "the exit report follows: " + r);
    }

    @Test
    void aJvmWithoutTheHttpServerModuleLosesOnlyTheApi() throws Exception {
        AppRun.Result r = AppRun.main(HttpApp.class).jvmArg("--limit-modules")
                .jvmArg("java.se,jdk.management,jdk.unsupported").prop("memagent.http.port", 0).args("1000").run().assertOk();
        assertTrue(r.stderr().contains("[memagent] ERROR the HTTP API could not start on 127.0.0.1:0"
                + " (java.lang.NoClassDefFoundError: com/sun/net/httpserver/HttpServer); the application and the rest of"
                + " the agent run on without it"), r.toString());
        assertTrue(r.stderr().matches("(?s).*\\nOrders\\.load +20 .*"), "profiling goes on: " + r);
    }

    @Test
    void offLoopbackWithoutATokenServesNothingAndTheAppRuns() throws Exception {
        int port = ExternalTool.freePort();
        try (LiveApp app = new LiveApp(AppRun.main(HttpApp.class).prop("memagent.http.host", "0.0.0.0")
                .prop("memagent.http.port", port).args("1000"))) {
            app.awaitLine("ready");
            assertThrows(ConnectException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                }
            });
            assertTrue(app.process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, app.process.exitValue());
            List<String> agent = app.stderr().lines().filter(l -> l.startsWith("[memagent]")).toList();
            assertEquals(List.of("[memagent] ERROR memagent.http.host = '0.0.0.0' is not a loopback address, and"
                    + " memagent.http.token is not set: expected 127.0.0.1, ::1 or localhost, or a token for any other host."
                    + " memagent is disabled; the application runs without it."), agent);
        }
    }
}
