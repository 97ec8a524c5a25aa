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

/**
 * Off loopback: every endpoint but {@code /health} needs the token, and without a token nothing is
 * served at all; a request with the token is served whatever name it reached the server by.
 */
class HttpSecurityIT {
    static final List<String> GETS = List.of("/", "/metrics", "/api/memory/status",
            "/api/memory/top-consumers?limit=1", "/api/memory/history", "/api/memory/spikes", "/api/memory/calls", "/api/memory/leaks",
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
            for (String token : new String[] {null, "wrong", "off-loopback-token"}) {
                HttpClientForTests.Reply health = http.send("GET", "/health", token);
                assertEquals(200, health.status(), "probes need no token: " + token);
                assertEquals("{\"status\":\"up\"}", health.body(), "up or down, nothing else");
            }
        }
    }

    /**
     * Behind a Kubernetes Service or an Ingress the request names the Service, not the pod: with the
     * token it is served, without it it is refused; {@code /health} answers the kubelet either way.
     * (The socket goes to 127.0.0.1; what the server judges is the binding, the Host and the token.)
     */
    @Test
    void aServiceNameInTheHostIsServedWithTheTokenAndRefusedWithoutIt() throws Exception {
        try (LiveApp app = new LiveApp(AppRun.main(HttpApp.class).prop("memagent.http.host", "0.0.0.0")
                .prop("memagent.http.port", 0).prop("memagent.http.token", "k8s-secret-token"))) {
            app.awaitLine("ready");
            int port = Integer.parseInt(HttpClientForTests.of(app).base.replaceAll(".*:(\\d+)/?$", "$1"));
            String service = "Host: orders.default.svc.cluster.local:" + port;
            HttpHardeningIT.Reply metrics = HttpHardeningIT.raw(port, "GET", "/metrics", service,
                    "Authorization: Bearer k8s-secret-token");
            assertEquals(200, metrics.status(), metrics.body());
            assertTrue(metrics.body().contains("# TYPE memagent_operation_calls_total counter"), metrics.body());
            assertEquals(200, HttpHardeningIT.raw(port, "GET", "/api/memory/status", "Host: memagent.example.com",
                    "Authorization: Bearer k8s-secret-token").status());
            HttpHardeningIT.Reply none = HttpHardeningIT.raw(port, "GET", "/metrics", service);
            assertEquals(403, none.status(), none.body());
            assertTrue(none.body().contains("Host 'orders.default.svc.cluster.local:" + port + "' is not this server's"),
                    none.body());
            assertEquals(403, HttpHardeningIT.raw(port, "GET", "/metrics", service, "Authorization: Bearer wrong").status());
            assertEquals(401, HttpHardeningIT.raw(port, "GET", "/metrics", "Host: 127.0.0.1:" + port).status());
            HttpHardeningIT.Reply probe = HttpHardeningIT.raw(port, "GET", "/health", "Host: 10.1.2.3:" + port);
            assertEquals(200, probe.status());
            assertEquals("{\"status\":\"up\"}", probe.body());
            assertEquals(200, HttpHardeningIT.raw(port, "GET", "/health", service).status());
            assertEquals(401, HttpHardeningIT.raw(port, "POST", "/api/memory/gc", "Host: 127.0.0.1:" + port).status());
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
        assertTrue(r.stderr().contains("[memagent] ERROR memagent.http.port = 0 needs the JDK module jdk.httpserver,"
                + " which this JVM did not resolve: add --add-modules jdk.httpserver to the java command line (an"
                + " application started with -m or --module resolves only the modules it requires; a jlink image needs"
                + " it linked in); until then memagent serves no HTTP API"), r.toString());
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
