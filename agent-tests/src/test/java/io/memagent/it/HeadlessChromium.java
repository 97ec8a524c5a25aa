package io.memagent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headless Chromium driven through the DevTools protocol over the JDK's own WebSocket client, for
 * tests that must read the rendered page (where a name wraps, how tall a box is), not only its DOM:
 * a viewport of a given size, JavaScript evaluated in the page, its console and uncaught exceptions
 * collected from before the page's first script, screenshots.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path profile;
    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> console = new ArrayList<>();

    private HeadlessChromium(Path profile, Process process, WebSocket socket) {
        this.profile = profile;
        this.process = process;
        this.socket = socket;
    }

    /** A browser on a blank page with a {@code width} x {@code height} viewport. */
    static HeadlessChromium start(int width, int height) throws Exception {
        Path profile = Files.createTempDirectory("memagent-chromium");
        Process p = new ProcessBuilder("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--hide-scrollbars", "--user-data-dir=" + profile, "--remote-debugging-port=0",
                "--window-size=" + width + "," + height, "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        try {
            // Chromium writes the port it chose to DevToolsActivePort in the profile.
            Path portFile = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<String> lines = List.of();
            while (lines.isEmpty() || lines.get(0).isBlank()) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("Chromium gave no DevTools port: "
                            + Files.readString(profile.resolve("chromium.log")));
                }
                Thread.sleep(50);
                lines = Files.exists(portFile) ? Files.readAllLines(portFile) : List.of();
            }
            HttpClient client = HttpClient.newHttpClient();
            String list = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lines.get(0).trim()
                    + "/json/list")).build(), HttpResponse.BodyHandlers.ofString()).body();
            String ws = null;
            for (JsonNode target : JSON.readTree(list)) {
                if (target.path("type").asText().equals("page")) {
                    ws = target.get("webSocketDebuggerUrl").asText();
                }
            }
            if (ws == null) {
                throw new AssertionError("no page among Chromium's targets: " + list);
            }
            Listener listener = new Listener();
            HeadlessChromium browser = new HeadlessChromium(profile, p,
                    client.newWebSocketBuilder().buildAsync(URI.create(ws), listener).get(30, TimeUnit.SECONDS));
            listener.browser = browser;
            browser.viewport(width, height);
            browser.call("Runtime.enable", Map.of());
            return browser;
        } catch (Throwable t) {
            p.destroyForcibly();
            ExternalTool.deleteTree(profile);
            throw t;
        }
    }

    /**
     * Loads {@code url} afresh (through a blank page: going from one hash of a page to another
     * would not load it again) and waits until {@code readyExpression} is true in it.
     */
    void open(String url, String readyExpression) throws Exception {
        call("Page.navigate", Map.of("url", "about:blank"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!evaluate("location.href === 'about:blank' && document.readyState === 'complete'").asBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the browser never got to a blank page");
            }
            Thread.sleep(20);
        }
        call("Page.navigate", Map.of("url", url));
        while (!evaluate("document.readyState === 'complete' && (" + readyExpression + ")").asBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the page never got to " + readyExpression + "; console: " + console());
            }
            Thread.sleep(50);
        }
    }

    /** Resizes the viewport; the page lays itself out again at once. */
    void viewport(int width, int height) throws Exception {
        call("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1,
                "mobile", false));
    }

    /** Types {@code text} into the focused element, as a keyboard would: the page sees its input events. */
    void type(String text) throws Exception {
        call("Input.insertText", Map.of("text", text));
    }

    /** The value of a JavaScript expression in the page (a promise is awaited), as JSON. */
    JsonNode evaluate(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
                "awaitPromise", true));
        if (r.has("exceptionDetails")) {
            throw new AssertionError("the page threw on " + expression + ": " + r.get("exceptionDetails"));
        }
        return r.at("/result/value");
    }

    /** The viewport as a PNG. */
    void screenshot(Path png) throws Exception {
        JsonNode r = call("Page.captureScreenshot", Map.of("format", "png"));
        Files.write(png, Base64.getDecoder().decode(r.get("data").asText()));
    }

    /** Console messages and uncaught exceptions since the browser started. */
    List<String> console() {
        synchronized (console) {
            return List.copyOf(console);
        }
    }

    JsonNode call(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", JSON.valueToTree(params));
        socket.sendText(JSON.writeValueAsString(msg), true).get(30, TimeUnit.SECONDS);
        JsonNode r = reply.get(60, TimeUnit.SECONDS);
        if (r.has("error")) {
            throw new AssertionError(method + ": " + r.get("error"));
        }
        return r.get("result");
    }

    private void received(String text) throws IOException {
        JsonNode msg = JSON.readTree(text);
        if (msg.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
            if (f != null) {
                f.complete(msg);
            }
        } else if (msg.path("method").asText().equals("Runtime.consoleAPICalled")
                || msg.path("method").asText().equals("Runtime.exceptionThrown")) {
            synchronized (console) {
                console.add(msg.get("params").toString());
            }
        }
    }

    private static final class Listener implements WebSocket.Listener {
        volatile HeadlessChromium browser;
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    browser.received(text);
                } catch (IOException e) {
                    throw new IllegalStateException("not JSON from Chromium: " + text, e);
                }
            }
            ws.request(1);
            return null;
        }
    }

    @Override
    public void close() throws Exception {
        // Browser.close lets Chromium end its renderer and helper processes itself; they write into
        // the profile until they are gone, so the profile is deleted only after every one has exited.
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        try {
            ObjectNode msg = JSON.createObjectNode().put("id", ids.incrementAndGet()).put("method", "Browser.close");
            socket.sendText(JSON.writeValueAsString(msg), true).get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the browser is going anyway
        }
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
        for (ProcessHandle child : all) {
            try {
                child.onExit().get(20, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                child.destroyForcibly();
            }
        }
        ExternalTool.deleteTree(profile);
    }
}
