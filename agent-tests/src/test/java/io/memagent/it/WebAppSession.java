package io.memagent.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One start of a web test app's fat jar (WebFlux, Jersey) with the agent writing to the test
 * database, HTTP attribution on and a row for every call: the requests sent, by the operation the
 * agent should name them, then SIGTERM.
 */
final class WebAppSession {
    interface Traffic {
        void send(WebAppSession s) throws Exception;
    }

    /** Requests sent, by the operation the agent should name them. */
    final Map<String, AtomicInteger> sent = new ConcurrentHashMap<>();
    HttpClientForTests client;
    int exitCode;
    String stdout = "";
    String stderr = "";

    /** The fat jar a module built, from the system property agent-tests/pom.xml sets. */
    static String jar(String property) {
        File jar = new File(System.getProperty(property, "")).getAbsoluteFile();
        if (!jar.isFile()) {
            throw new IllegalStateException(jar + " (" + property + ") is missing: run through Maven"
                    + " (mvn -B verify -pl agent-tests -am)");
        }
        return jar.getPath();
    }

    static WebAppSession run(String jar, String readyPrefix, TestDatabase db, String schema, String service,
                             Traffic traffic) throws Exception {
        WebAppSession s = new WebAppSession();
        AppRun run = AppRun.jar(jar).args("--server.port=0", "--server.address=127.0.0.1")
                .database(db, schema, service)
                .prop("memagent.attribute.http", true)
                .prop("memagent.flush.interval.ms", 200)
                .prop("memagent.calls.min.bytes", 0); // a memory_allocations row for every call
        try (LiveApp app = new LiveApp(run)) {
            String ready = app.awaitLine(readyPrefix);
            app.pumpStdout();
            s.client = new HttpClientForTests("http://127.0.0.1:" + ready.substring(ready.indexOf('=') + 1).trim());
            try {
                traffic.send(s);
            } catch (Exception | AssertionError e) {
                // A request that failed or timed out: where the app's threads were, and what it printed, go with it.
                String threads = AppRun.hangReport(app.process.pid());
                app.terminate(60);
                // stderr first: a CI log cut in the middle keeps the head and the tail.
                throw new AssertionError(e + "\nthe app's stderr:\n" + app.stderr() + "\nthe app's threads then:\n"
                        + threads, e);
            }
            s.exitCode = app.terminate(60);
            s.stderr = app.stderr();
            s.stdout = app.stdoutRest();
        }
        return s;
    }

    HttpClientForTests.Reply send(String method, String path, String operation, int status) throws Exception {
        sent.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
        HttpClientForTests.Reply r;
        try {
            r = client.send(method, path, null);
        } catch (java.io.IOException e) {
            // Which request, and what the client's threads did meanwhile (its connection pool, its selector).
            throw new java.io.IOException(method + " " + path + " (request " + sentTotal() + "): " + e
                    + "\nthe test JVM's sockets:\n" + AppRun.sockets(ProcessHandle.current().pid())
                    + "the test JVM's HTTP client threads:\n" + clientThreads(), e);
        }
        if (r.status() != status) {
            throw new AssertionError("expected " + status + " from " + method + " " + path + ", got " + r.status()
                    + ": " + r.body());
        }
        return r;
    }

    /** A response read off a connection of the test's own: counted as sent to {@code operation} if it came. */
    int answered(KeepAliveConnection.Response r, String operation) {
        if (r.status() != 0) {
            sent.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
        }
        return r.status();
    }

    JsonNode json(String method, String path, String operation) throws Exception {
        return send(method, path, operation, 200).json();
    }

    private static String clientThreads() {
        StringBuilder sb = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (t.getName().startsWith("HttpClient")) {
                sb.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
                for (StackTraceElement e : stack) {
                    sb.append("\tat ").append(e).append('\n');
                }
            }
        });
        return sb.toString();
    }

    private int sentTotal() {
        int n = 0;
        for (AtomicInteger c : sent.values()) {
            n += c.get();
        }
        return n;
    }

    Map<String, Long> sentCounts() {
        Map<String, Long> out = new TreeMap<>();
        sent.forEach((k, v) -> out.put(k, (long) v.get()));
        return out;
    }

    /** Calls per http operation as the agent stored them. */
    static Map<String, Long> httpCalls(TestDatabase db, String schema) {
        Map<String, Long> out = new TreeMap<>();
        for (Map<String, Object> r : db.query("SELECT operation_type, sum(calls)::bigint AS calls FROM " + schema
                + ".method_allocation_stats WHERE kind = 'http' GROUP BY 1")) {
            out.put((String) r.get("operation_type"), TestDatabase.n(r, "calls"));
        }
        return out;
    }

    /** The agent's own lines: none a warning or an error. */
    List<String> agentProblems() {
        List<String> out = new ArrayList<>();
        for (String l : stderr.split("\n")) {
            if (l.startsWith("[memagent] WARN") || l.startsWith("[memagent] ERROR")) {
                out.add(l);
            }
        }
        return out;
    }

    static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
}
