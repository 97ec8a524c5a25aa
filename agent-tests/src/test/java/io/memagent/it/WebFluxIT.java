package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Spring Boot 4 WebFlux app on Reactor Netty (spring-app-webflux) with HTTP attribution: every
 * request one call of an operation named by its route template, for an annotated controller and a
 * {@code RouterFunction} route alike; 5xx as errors; durations that include a wait on another
 * scheduler; and each steady request's bytes summed over its segments on the event loop and on
 * {@code boundedElastic}: at least what the app measured itself around its two arrays (one on each
 * thread), and at most {@link #FRAMEWORK_BOUND} more (Spring's routing, the handler's invocation,
 * encoding the answer, all inside the request's segments), the same to the byte on most requests.
 */
class WebFluxIT {
    static final String FLUX = "HTTP GET /flux/{n}";
    static final String ROUTE = "HTTP GET /route/{n}";
    static final String WARM_FLUX = "HTTP GET /warm/flux/{n}";
    static final String WARM_ROUTE = "HTTP GET /warm/route/{n}";
    static final String FAIL = "HTTP GET /fail/{n}";
    static final String SLOW = "HTTP GET /slow/{ms}";
    static final String THREADS = "HTTP GET /threads";
    /** No route matched: Spring Boot's static-resource handler's pattern names the 404s, never their paths. */
    static final String UNMATCHED = "HTTP GET /**";
    static final int WARM_UP = 150;
    static final int PARALLEL = 24;
    /** Requests compared byte by byte, per route: n = FIRST_N .. FIRST_N + MEASURED - 1, all of two digits. */
    static final int MEASURED = 20;
    /** Paths of one length, so the framework's strings for them are too. */
    static final int FIRST_N = 10;
    /**
     * What a steady request of these handlers allocates in its segments beyond the app's two arrays
     * (measured: about 21 KB through the controller, 14 KB through the route, on JDK 17 and 25), with room
     * for the occasional request that carries more while the app warms up (with 30 warm-up requests per route,
     * about 1 request in 100 carried some 30 to 100 KB more, allocated on its own threads inside its segments,
     * with the JIT on or off, with pooled or unpooled buffers; with {@link #WARM_UP} requests per route, none
     * in a run on JDK 17 and one on JDK 25).
     */
    static final long FRAMEWORK_BOUND = 160 * 1024;
    static final int SLOW_MS = 100;
    /** How far a steady request's framework part may be from the median: the strings it makes differ in length. */
    static final long STEADY_SPREAD = 256;
    /** Requests of the {@link #MEASURED} that may carry a one-off allocation (seen: up to 2). */
    static final int ONE_OFFS = 3;

    static TestDatabase db;
    static String schema;
    static WebAppSession session;
    static final List<JsonNode> flux = Collections.synchronizedList(new ArrayList<>());
    static final List<JsonNode> route = Collections.synchronizedList(new ArrayList<>());
    static long serverThreadBytes;
    /** The statuses on the keep-alive connection: two pipelined requests, then one more (0: not answered). */
    static final List<Integer> keepAlive = new ArrayList<>();

    @BeforeAll
    static void runTheApp() throws Exception {
        db = TestDatabase.get();
        schema = db.newSchema();
        session = WebAppSession.run(WebAppSession.jar("memagenttest.springWebFluxJar"), "webflux-app-ready port=", db,
                schema, "webflux", WebFluxIT::traffic);
        System.out.println("WebFluxIT on JDK " + AppRun.javaFeatureVersion() + ": sent " + session.sentCounts()
                + ", stored " + WebAppSession.httpCalls(db, schema));
    }

    private static void traffic(WebAppSession s) throws Exception {
        for (int i = 0; i < WARM_UP; i++) {
            s.json("GET", "/warm/flux/" + FIRST_N, WARM_FLUX);
            s.json("GET", "/warm/route/" + FIRST_N, WARM_ROUTE);
        }
        long before = s.json("GET", "/threads", THREADS).get("serverThreadBytes").asLong();
        for (int n = FIRST_N; n < FIRST_N + MEASURED; n++) {
            flux.add(s.json("GET", "/flux/" + n, FLUX));
        }
        serverThreadBytes = s.json("GET", "/threads", THREADS).get("serverThreadBytes").asLong() - before;
        for (int n = FIRST_N; n < FIRST_N + MEASURED; n++) {
            route.add(s.json("GET", "/route/" + n, ROUTE));
        }
        for (int n = 1; n <= 3; n++) {
            s.send("GET", "/fail/" + n, FAIL, 500);
        }
        s.send("GET", "/missing/42", UNMATCHED, 404);
        s.send("GET", "/missing/abc1/x", UNMATCHED, 404);
        for (int i = 0; i < 2; i++) {
            s.send("GET", "/slow/" + SLOW_MS, SLOW, 200);
        }
        // One keep-alive connection: an answer that hops to boundedElastic and one made at once, written together
        // (pipelined), then another request on the same connection, which the server must still read.
        int port = java.net.URI.create(s.client.base).getPort();
        try (KeepAliveConnection c = new KeepAliveConnection(port, 20_000)) {
            c.send("/warm/flux/1", "/threads");
            keepAlive.add(s.answered(c.read(), WARM_FLUX));
            keepAlive.add(s.answered(c.read(), THREADS));
            c.send("/threads");
            keepAlive.add(s.answered(c.read(), THREADS));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < PARALLEL; i++) {
                boolean viaRoute = i % 2 == 0;
                done.add(pool.submit(() -> s.json("GET", viaRoute ? "/warm/route/1" : "/warm/flux/1",
                        viaRoute ? WARM_ROUTE : WARM_FLUX)));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @AfterAll
    static void dropSchema() {
        if (schema != null) {
            db.dropSchema(schema);
        }
    }

    @Test
    void everyRequestIsOneCallOfItsRouteTemplateAndNoNameCarriesAValue() {
        assertEquals(session.sentCounts(), WebAppSession.httpCalls(db, schema),
                "calls per request operation, and no other request operation\n" + session.stderr);
    }

    @Test
    void aKeepAliveConnectionIsStillReadAfterPipelinedRequests() {
        assertEquals(List.of(200, 200, 200), keepAlive,
                "statuses of /warm/flux/1 and /threads written together, then /threads on the same connection");
    }

    @Test
    void serverErrorsAreErrorsAndEveryRequestIsMeasured() {
        for (String op : session.sentCounts().keySet()) {
            Map<String, Object> f = db.operationFigures(schema, op, session);
            assertEquals(op.equals(FAIL) ? 3 : 0, TestDatabase.n(f, "errors"), op + ": " + f);
            assertEquals(0, TestDatabase.n(f, "unmeasured"), op + ": " + f);
        }
    }

    @Test
    void aRequestLastsUntilItsResponseIncludingAWaitOnAnotherScheduler() {
        List<Long> nanos = column("duration_ns", SLOW);
        assertEquals(2, nanos.size(), nanos.toString());
        for (long d : nanos) {
            assertTrue(d >= TimeUnit.MILLISECONDS.toNanos(SLOW_MS) && d < TimeUnit.SECONDS.toNanos(10),
                    "a /slow/" + SLOW_MS + " request took " + d + " ns by the agent");
        }
    }

    @Test
    void eachSteadyRequestIsItsTwoSegmentsAndTheFrameworksWorkInThem() {
        List<String> report = new ArrayList<>();
        for (Map.Entry<String, List<JsonNode>> e : new TreeMap<>(Map.of(FLUX, flux, ROUTE, route)).entrySet()) {
            List<Long> rows = new ArrayList<>(column("allocated_bytes", e.getKey()));
            assertEquals(MEASURED, rows.size(), e.getKey() + ": one row per request");
            List<Long> app = new ArrayList<>();
            for (JsonNode m : e.getValue()) {
                assertTrue(m.get("agent").asBoolean(), "the app found the agent: " + m);
                assertTrue(m.get("loopThread").asText().startsWith("reactor-http-"), "on the event loop: " + m);
                assertTrue(m.get("workerThread").asText().startsWith("boundedElastic-"), "after the hop: " + m);
                int n = m.get("n").asInt();
                long arrays = (16 + n * 131_072L) + (16 + n * 65_536L + 1_000);
                long bytes = m.get("loopBytes").asLong() + m.get("workerBytes").asLong();
                assertTrue(bytes >= arrays, "the app's own readings hold its arrays: " + m);
                app.add(bytes);
            }
            // n grows by 192 KiB per request, more than the framework's part varies: sorted, the i-th row is
            // the i-th request's.
            Collections.sort(rows);
            Collections.sort(app);
            Map<Long, Integer> overs = new TreeMap<>();
            List<String> outside = new ArrayList<>();
            for (int i = 0; i < MEASURED; i++) {
                long over = rows.get(i) - app.get(i);
                overs.merge(over, 1, Integer::sum);
                if (over < 0 || over > FRAMEWORK_BOUND) {
                    outside.add("app " + app.get(i) + ", agent " + rows.get(i));
                }
            }
            assertEquals(List.of(), outside, e.getKey() + ": requests whose bytes are not within [app, app + "
                    + FRAMEWORK_BOUND + "]; beyond the app's readings: " + overs);
            // Steady requests carry the same framework part, give or take the lengths of the strings it makes
            // (the numbers in the answer); a few carry a one-off allocation (see FRAMEWORK_BOUND).
            List<Long> sorted = new ArrayList<>();
            overs.forEach((over, count) -> sorted.addAll(Collections.nCopies(count, over)));
            long median = sorted.get(MEASURED / 2);
            long steady = sorted.stream().filter(o -> Math.abs(o - median) <= STEADY_SPREAD).count();
            assertTrue(steady >= MEASURED - ONE_OFFS, e.getKey() + ": bytes beyond the app's readings (bytes=requests) "
                    + overs + ", within " + STEADY_SPREAD + " B of the median " + median + ": " + steady);
            report.add(e.getKey() + ": beyond the app's readings (bytes=requests) " + overs);
        }
        // The threads' own counters over the /flux run: what the agent counts cannot exceed them.
        long agentFlux = column("allocated_bytes", FLUX).stream().mapToLong(Long::longValue).sum();
        assertTrue(agentFlux <= serverThreadBytes, "agent " + agentFlux + " B, server threads " + serverThreadBytes);
        report.add("server threads over " + MEASURED + " /flux requests: " + serverThreadBytes + " B, the agent's "
                + agentFlux + " B; not in any request (server work outside the handler, the agent's own): "
                + (serverThreadBytes - agentFlux) / MEASURED + " B per request");
        System.out.println("WebFluxIT on JDK " + AppRun.javaFeatureVersion() + ": " + report);
    }

    @Test
    void theAgentsOwnBytesAreReportedApartAndItSaysNothingWrong() {
        assertEquals(List.of(), session.agentProblems(), session.stderr);
        long overhead = db.queryLong("SELECT agent_overhead_bytes FROM " + schema + ".agent_runs");
        assertTrue(overhead > 0, "agent_overhead_bytes " + overhead);
        assertEquals(143, session.exitCode, "128 + SIGTERM\n" + session);
    }

    private static List<Long> column(String column, String op) {
        List<Long> out = new ArrayList<>();
        for (Map<String, Object> row : db.query("SELECT " + column + " FROM " + schema
                + ".memory_allocations WHERE operation_type = ?", op)) {
            out.add(TestDatabase.n(row, column));
        }
        return out;
    }
}
