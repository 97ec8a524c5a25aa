package io.memagent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Talks to a forked app's memagent HTTP API. */
final class HttpClientForTests {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ADDRESS = Pattern.compile("HTTP API and dashboard on http://([^/]+)/");
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    final String base;

    HttpClientForTests(String base) {
        this.base = base;
    }

    /** Waits for the agent's "HTTP API and dashboard on http://host:port/" line and returns a client for it. */
    static HttpClientForTests of(LiveApp app) throws InterruptedException {
        app.awaitStderr("HTTP API and dashboard on http://", 60);
        Matcher m = ADDRESS.matcher(app.stderrSoFar());
        if (!m.find()) {
            throw new AssertionError("no address in the agent's line:\n" + app.stderrSoFar());
        }
        return new HttpClientForTests("http://" + m.group(1));
    }

    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }
    }

    Reply send(String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r);
    }

    Reply get(String path) throws Exception {
        return send("GET", path, null);
    }

    /** GET that must answer 200 with JSON. */
    JsonNode json(String path) throws Exception {
        Reply r = get(path);
        if (r.status() != 200) {
            throw new AssertionError("GET " + path + " -> " + r.status() + ": " + r.body());
        }
        return r.json();
    }
}
