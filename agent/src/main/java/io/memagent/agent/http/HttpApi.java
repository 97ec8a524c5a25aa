package io.memagent.agent.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.memagent.agent.util.AgentLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP API, {@code /metrics} and the dashboard, on the JDK's own HTTP server
 * ({@code com.sun.net.httpserver}: no servlet container in the agent). Requests run on at most
 * two {@code memagent-http-N} daemon threads with a queue of 16; beyond that the server's own
 * (daemon) dispatcher thread answers, which slows callers instead of growing memory. Every answer
 * is built from memory, never from the database. GETs have no side effects. Every request
 * that carries no valid token must name this server in its Host ({@link RequestGuard}); a valid token proves
 * the caller whatever name it reached the server by (a Kubernetes Service, an Ingress). A POST may never
 * come from another origin, token or not. POSTs always need the token (generated when none is set), and
 * off loopback every endpoint does, except {@code GET /health}, which only says up or down.
 */
public final class HttpApi {
    static final String API = "/api/memory/";
    private static final Set<String> NONE = Set.of();

    private final ApiSources src;
    private final Endpoints endpoints;
    private final HeapActions heapActions;
    private final Auth auth;
    private final GeneratedToken generated;
    private final RateLimit rateLimit = new RateLimit();
    private volatile RequestGuard guard;
    private volatile boolean stopping;
    private final byte[] dashboard;
    private HttpServer server;
    private ThreadPoolExecutor executor;

    private HttpApi(ApiSources src, boolean loopback) throws IOException {
        this.src = src;
        this.endpoints = new Endpoints(src, JsonMapper::get);
        this.heapActions = new HeapActions(src);
        String token = src.settings().token();
        this.generated = token == null ? GeneratedToken.create() : null;
        this.auth = new Auth(token != null ? token : generated.token, loopback);
        try (InputStream in = HttpApi.class.getResourceAsStream("dashboard.html")) {
            if (in == null) {
                throw new IOException("dashboard.html is missing from the agent jar");
            }
            this.dashboard = in.readAllBytes();
        }
    }

    /**
     * Binds {@code memagent.http.host:memagent.http.port} and starts serving; logs the address (the
     * port actually bound when {@code 0} was asked for). Returns null, having said why, when it
     * cannot: the app runs on without the API.
     */
    public static HttpApi start(ApiSources src) {
        HttpSettings config = src.settings();
        try {
            InetAddress address = InetAddress.getByName(config.host());
            if (!address.isLoopbackAddress() && config.token() == null) { // Config checks it too, by every address
                throw new IllegalStateException(config.host() + " resolves to " + address.getHostAddress()
                        + ", not a loopback address, and memagent.http.token is not set");
            }
            HttpApi api = new HttpApi(src, address.isLoopbackAddress());
            api.bind(new InetSocketAddress(address, config.port()), config.host());
            GeneratedToken g = api.generated;
            AgentLog.info("HTTP API and dashboard on http://" + hostForUrl(config.host()) + ":" + api.port() + "/"
                    + (!address.isLoopbackAddress() ? " (every endpoint needs the token)" : g == null
                    ? " (POST endpoints need the token)" : g.file != null ? " (POST endpoints need the token generated"
                    + " for this run, in " + g.file + ", readable only by " + System.getProperty("user.name") + ")"
                    : " (POST endpoints are off: no memagent.http.token is set and " + g.problem + ")"));
            return api;
        } catch (Throwable t) { // includes a JVM without the jdk.httpserver module
            AgentLog.error("the HTTP API could not start on " + config.host() + ":" + config.port() + " (" + t
                    + "); the application and the rest of the agent run on without it");
            return null;
        }
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private void bind(InetSocketAddress address, String configuredHost) throws IOException {
        AtomicInteger n = new AtomicInteger();
        executor = new ThreadPoolExecutor(1, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(16), r -> {
            Thread t = new Thread(r, "memagent-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
        executor.allowCoreThreadTimeOut(true);
        server = HttpServer.create(address, 16);
        guard = new RequestGuard(configuredHost, address.getAddress(), server.getAddress().getPort());
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        // The dispatcher thread inherits daemon-ness from this (memagent-init) thread: it never keeps the JVM up.
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Health says down from here on: the agent is flushing and about to go. */
    public void stopping() {
        stopping = true;
    }

    public void stop() {
        stopping = true;
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            boolean post = method.equals("POST");
            if (path.equals("/health") && method.equals("GET")) { // probes: up or down, nothing else, no token
                health(ex);
                return;
            }
            String authorization = ex.getRequestHeaders().getFirst("Authorization");
            // The token proves the caller, whatever name it reached this server by; a POST from a foreign page is
            // refused all the same (a page that somehow holds the token still cannot post across origins).
            String foreign = auth.valid(authorization) ? null : guard.checkHost(ex.getRequestHeaders().getFirst("Host"));
            if (foreign == null && post) {
                foreign = guard.checkOrigin(ex.getRequestHeaders().getFirst("Origin"));
            }
            if (foreign != null) {
                error(ex, 403, foreign);
                return;
            }
            int denied = auth.check(post, authorization);
            if (denied != Auth.OK) {
                if (denied == 401) {
                    ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"memagent\"");
                }
                error(ex, denied, denied == 401 ? "this endpoint needs Authorization: Bearer <memagent.http.token>"
                        : "the token is not valid");
                return;
            }
            try {
                route(ex, method, path);
            } catch (BadRequest e) {
                error(ex, e.status, e.getMessage());
            }
        } catch (Throwable t) {
            AgentLog.errorAtMostEvery("http", 60_000, "the HTTP API failed on a request: " + t);
            try {
                error(ex, 500, "internal error: " + t.getClass().getSimpleName());
            } catch (Throwable ignored) {
                // the response was already started, or the client is gone
            }
        }
    }

    private void route(HttpExchange ex, String method, String path) throws Exception {
        String query = ex.getRequestURI().getRawQuery();
        long now = System.currentTimeMillis();
        if (path.equals("/api/memory/gc") || path.equals("/api/memory/snapshot")) {
            requireMethod(method, "POST");
            new Params(query, NONE); // a heap dump's path is the agent's choice: no parameters at all
            if (path.endsWith("/gc")) {
                rateLimit.acquire("gc", now);
            }
            json(ex, path.endsWith("/gc") ? heapActions.gc() : heapActions.snapshot());
            return;
        }
        if (path.equals("/api/memory/heap-analysis")) {
            int limit = new Params(query, Set.of("limit")).integer("limit", 50, 1, Endpoints.MAX_LIMIT);
            if (method.equals("POST")) { // a new histogram: a full collection
                rateLimit.acquire("heap-analysis", now);
                json(ex, heapActions.takeHeapAnalysis(limit));
            } else {
                requireMethod(method, "GET");
                json(ex, heapActions.lastHeapAnalysis(limit));
            }
            return;
        }
        requireMethod(method, "GET");
        switch (path) {
            case "/", "/index.html" -> {
                new Params(query, NONE);
                // The page may talk only to this server: no other origin, no plug-ins, no framing.
                ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline';"
                        + " style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
                send(ex, 200, "text/html; charset=utf-8", dashboard);
            }
            case "/metrics" -> {
                new Params(query, NONE);
                send(ex, 200, PrometheusText.CONTENT_TYPE, PrometheusText.render(src).getBytes(StandardCharsets.UTF_8));
            }
            case "/api/memory/status" -> {
                new Params(query, NONE);
                json(ex, endpoints.status());
            }
            case "/api/memory/top-consumers" -> {
                Params p = new Params(query, Set.of("limit", "sort"));
                json(ex, endpoints.topConsumers(p.integer("limit", 10, 1, Endpoints.MAX_LIMIT),
                        p.text("sort", "total_bytes", Endpoints.SORTS.keySet())));
            }
            case "/api/memory/history" -> json(ex, endpoints.history(new Params(query, Set.of("since")).since("since", now)));
            case "/api/memory/allocation-rates" -> {
                Params p = new Params(query, Set.of("since", "top"));
                Long since = p.since("since", now);
                json(ex, AllocationRates.answer(src.buckets().since(since == null ? Long.MIN_VALUE : since),
                        p.integer("top", 5, 1, AllocationRates.MAX_TOP)));
            }
            case "/api/memory/spikes" -> json(ex, endpoints.spikes(
                    new Params(query, Set.of("limit")).integer("limit", 100, 1, Endpoints.MAX_LIMIT)));
            case "/api/memory/calls" -> json(ex, endpoints.calls(
                    new Params(query, Set.of("limit")).integer("limit", 100, 1, Endpoints.MAX_LIMIT)));
            case "/api/memory/leaks" -> json(ex, endpoints.leaks(
                    new Params(query, Set.of("status")).text("status", "all", Endpoints.set("all", "open", "resolved"))));
            case "/api/memory/alerts" -> {
                new Params(query, NONE);
                json(ex, endpoints.alerts());
            }
            case "/api/memory/database" -> {
                new Params(query, NONE);
                json(ex, endpoints.database());
            }
            case "/api/memory/config" -> {
                new Params(query, NONE);
                json(ex, endpoints.config());
            }
            case "/api/memory/report" -> {
                String format = new Params(query, Set.of("format")).text("format", "json", Endpoints.set("json", "csv"));
                if (format.equals("csv")) {
                    ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"memagent-report.csv\"");
                    send(ex, 200, "text/csv; charset=utf-8", endpoints.reportCsv().getBytes(StandardCharsets.UTF_8));
                } else {
                    json(ex, endpoints.report());
                }
            }
            default -> throw new BadRequest(404, "no such endpoint: " + Params.shorten(path));
        }
    }

    /**
     * {@code GET /health}, for kubelet probes and load balancers: 200 {@code {"status":"up"}} while
     * the agent serves, 503 {@code {"status":"down"}} once it is shutting down. It answers on every
     * binding without a token and whatever the {@code Host}, and tells nothing else about the process.
     */
    private void health(HttpExchange ex) throws IOException {
        boolean up = !stopping;
        send(ex, up ? 200 : 503, "application/json",
                (up ? "{\"status\":\"up\"}" : "{\"status\":\"down\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static void requireMethod(String method, String allowed) throws BadRequest {
        if (!method.equals(allowed)) {
            throw new BadRequest(405, "method " + Params.shorten(method) + " is not allowed here: use " + allowed);
        }
    }

    private void json(HttpExchange ex, Object body) throws IOException {
        send(ex, 200, "application/json", JsonMapper.get().writeValueAsBytes(body));
    }

    private void error(HttpExchange ex, int status, String message) throws IOException {
        if (status == 405) {
            String p = ex.getRequestURI().getPath();
            ex.getResponseHeaders().set("Allow", p.matches("/api/memory/(gc|snapshot)") ? "POST"
                    : p.equals("/api/memory/heap-analysis") ? "GET, POST" : "GET");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("status", status);
        send(ex, status, "application/json", JsonMapper.get().writeValueAsBytes(body));
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
