package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.HttpApp;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 items 5, 6, 7 and 10, against the real jar over raw sockets: GETs have no side
 * effects (heap-analysis serves the last histogram, POST takes one, rate-limited); a foreign
 * Host or a POST's foreign Origin is refused; POSTs always need a token, generated into a 0600
 * file when none is set; loopback is decided by resolved addresses; an unsafe heap dump
 * directory is refused.
 */
class HttpHardeningIT {
    private static final Pattern ADDRESS = Pattern.compile("HTTP API and dashboard on http://127\\.0\\.0\\.1:(\\d+)/");
    private static final Pattern TOKEN_FILE = Pattern.compile("the token generated for this run, in (\\S+), readable only by");

    record Reply(int status, String body) {
    }

    /** One request on a raw socket, headers exactly as given. */
    static Reply raw(int port, String method, String path, String... headers) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            for (String h : headers) {
                req.append(h).append("\r\n");
            }
            req.append("Connection: close\r\nContent-Length: 0\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.substring(9, 12));
            int body = text.indexOf("\r\n\r\n");
            return new Reply(status, body < 0 ? "" : text.substring(body + 4));
        }
    }

    static int port(LiveApp app) throws InterruptedException {
        app.awaitStderr("HTTP API and dashboard on http://", 60);
        Matcher m = ADDRESS.matcher(app.stderrSoFar());
        assertTrue(m.find(), app.stderrSoFar());
        return Integer.parseInt(m.group(1));
    }

    static String token(LiveApp app) throws Exception {
        Matcher m = TOKEN_FILE.matcher(app.stderrSoFar());
        assertTrue(m.find(), app.stderrSoFar());
        Path file = Path.of(m.group(1));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        String token = Files.readString(file);
        assertEquals(43, token.length(), "32 random bytes, base64url");
        return token;
    }

    private static long heapInspections(int port) throws Exception {
        Reply r = raw(port, "GET", "/api/memory/history", "Host: 127.0.0.1:" + port);
        return Pattern.compile("\"gc_cause\":\"Heap Inspection Initiated GC\",\"duration_ms\"").matcher(r.body()).results()
                .count();
    }

    @Test
    void heapAnalysisGetsRunNoCollectionAndPostNeedsTheGeneratedToken() throws Exception {
        try (LiveApp app = new LiveApp(AppRun.main(HttpApp.class).prop("memagent.http.port", 0))) {
            app.awaitLine("ready");
            int port = port(app);
            String host = "Host: 127.0.0.1:" + port;
            for (int i = 0; i < 5; i++) {
                Reply r = raw(port, "GET", "/api/memory/heap-analysis", host);
                assertEquals(404, r.status());
                assertEquals("{\"error\":\"no class histogram has been taken yet: POST /api/memory/heap-analysis takes one"
                        + " (it runs a full collection and needs the token)\",\"status\":404}", r.body());
            }
            Thread.sleep(500);
            assertEquals(0, heapInspections(port), "five GETs, no collection");
            assertEquals(401, raw(port, "POST", "/api/memory/heap-analysis", host).status(), "no token configured: one is generated");
            assertEquals(401, raw(port, "POST", "/api/memory/gc", host).status());
            String token = token(app);
            Reply taken = raw(port, "POST", "/api/memory/heap-analysis?limit=3", host, "Authorization: Bearer " + token);
            assertEquals(200, taken.status(), taken.body());
            Reply again = raw(port, "POST", "/api/memory/heap-analysis", host, "Authorization: Bearer " + token);
            assertEquals(429, again.status(), again.body());
            assertTrue(again.body().startsWith("{\"error\":\"POST /api/memory/heap-analysis ran "), again.body());
            Reply served = raw(port, "GET", "/api/memory/heap-analysis?limit=3", host);
            assertEquals(200, served.status());
            assertEquals(taken.body().replaceAll(",\"growth_since_first_snapshot\".*", ""),
                    served.body().replaceAll(",\"growth_since_first_snapshot\".*", ""), "GET serves the last one taken");
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (heapInspections(port) < 1 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(500);
            assertEquals(1, heapInspections(port), "one POST, one collection");
        }
    }

    @Test
    void aForeignHostOrOriginIsRefusedAndNoCrossOriginPostWritesADump() throws Exception {
        Path dumps = Files.createTempDirectory("memagent-hardening").resolve("dumps");
        try (LiveApp app = new LiveApp(AppRun.main(HttpApp.class).prop("memagent.http.port", 0)
                .prop("memagent.heapdump.dir", dumps))) {
            app.awaitLine("ready");
            int port = port(app);
            String host = "Host: 127.0.0.1:" + port;
            String expectedHosts = "expected one of 127.0.0.1, localhost, ::1 (memagent.http.host), with the port";
            Reply rebound = raw(port, "GET", "/api/memory/config", "Host: attacker.example:" + port);
            assertEquals(403, rebound.status());
            assertEquals("{\"error\":\"Host 'attacker.example:" + port + "' is not this server's: " + expectedHosts
                    + "\",\"status\":403}", rebound.body());
            assertEquals(403, raw(port, "GET", "/", "Host: 127.attacker.example").status());
            assertEquals(200, raw(port, "GET", "/api/memory/status", host).status());
            assertEquals(200, raw(port, "GET", "/api/memory/status", "Host: localhost:" + port).status());
            assertEquals(200, raw(port, "GET", "/api/memory/status", "Host: [::1]:" + port).status());
            String token = token(app);
            // A cross-origin form POST, with and without the token: refused before anything runs.
            Reply form = raw(port, "POST", "/api/memory/snapshot", host, "Origin: http://attacker.example",
                    "Content-Type: application/x-www-form-urlencoded");
            assertEquals(403, form.status());
            assertEquals("{\"error\":\"Origin 'http://attacker.example' is not this server's: POST endpoints accept only"
                    + " requests from http://127.0.0.1:" + port + " pages or without an Origin (curl, scripts)\",\"status\":403}",
                    form.body());
            assertEquals(403, raw(port, "POST", "/api/memory/snapshot", host, "Origin: null", "Authorization: Bearer " + token)
                    .status());
            assertEquals(403, raw(port, "POST", "/api/memory/gc", host, "Origin: http://attacker.example",
                    "Authorization: Bearer " + token).status());
            assertEquals(401, raw(port, "POST", "/api/memory/snapshot", host).status());
            assertEquals(false, Files.exists(dumps), "no dump was written");
            Reply same = raw(port, "POST", "/api/memory/gc", host, "Origin: http://127.0.0.1:" + port,
                    "Authorization: Bearer " + token);
            assertEquals(200, same.status(), same.body());
        }
    }

    @Test
    void aHostNameThatStartsWith127ButResolvesElsewhereIsNotLoopback() throws Exception {
        Path hosts = Files.createTempFile("memagent-hosts", ".txt");
        try {
            Files.writeString(hosts, "192.0.2.2 127.internal.example\n127.0.0.1 localhost\n");
            AppRun.Result r = AppRun.main(HttpApp.class).jvmArg("-Djdk.net.hosts.file=" + hosts)
                    .prop("memagent.http.host", "127.internal.example").prop("memagent.http.port", 0).args("100").run().assertOk();
            assertEquals(List.of("[memagent] ERROR memagent.http.host = '127.internal.example' is not a loopback address"
                    + " (it resolves to 192.0.2.2), and memagent.http.token is not set: expected 127.0.0.1, ::1 or localhost,"
                    + " or a token for any other host. memagent is disabled; the application runs without it."), r.agentLines());
        } finally {
            Files.deleteIfExists(hosts);
        }
    }

    @Test
    void aHeapDumpDirectoryOthersCanWriteIsRefusedAndTheAppRuns() throws Exception {
        Path dumps = Files.createTempDirectory("memagent-open-dumps");
        Files.setPosixFilePermissions(dumps, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (LiveApp app = new LiveApp(AppRun.main(HttpApp.class).prop("memagent.http.port", 0)
                .prop("memagent.http.token", "dump-token").prop("memagent.heapdump.dir", dumps).args("8000"))) {
            app.awaitLine("ready");
            int port = port(app);
            String problem = "memagent.heapdump.dir = '" + dumps + "' can be written by others (rwxrwxrwx): expected a"
                    + " directory owned by " + System.getProperty("user.name") + " that group and others cannot write (chmod 700)";
            Reply r = raw(port, "POST", "/api/memory/snapshot", "Host: 127.0.0.1:" + port, "Authorization: Bearer dump-token");
            assertEquals(429, r.status());
            assertEquals("{\"error\":\"" + problem + "; heap dumps are off\",\"status\":429}", r.body());
            assertTrue(app.process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, app.process.exitValue(), "the app runs on");
            assertTrue(app.stderr().contains("[memagent] ERROR " + problem
                    + "; heap dumps are off, the application and the rest of the agent run on\n"), app.stderr());
            try (var files = Files.list(dumps)) {
                assertEquals(0, files.count());
            }
        } finally {
            Files.deleteIfExists(dumps);
        }
    }
}
