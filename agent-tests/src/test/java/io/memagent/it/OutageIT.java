package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.SteadyApp;
import io.memagent.testapps.UntilKilledApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The database goes away, comes back, refuses us: the app never pays, and every row is either
 * stored or counted as dropped. Each test runs its own PostgreSQL cluster so it can stop it.
 */
class OutageIT {
    /** The per-call rows the HTTP API keeps for GET /api/memory/calls (the agent's RecentRows.PER_TABLE; the agent jar is shaded, so not linked from here). */
    private static final int RECENT_CALLS = 500;

    private static long count(PrivatePostgres pg, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url("postgres"), "postgres", null);
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void awaitTables(PrivatePostgres pg) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                if (count(pg, "SELECT count(*) FROM pg_tables WHERE schemaname = 'memagent' AND tablename = 'agent_runs'") == 1
                        && count(pg, "SELECT count(*) FROM memagent.agent_runs") == 1) {
                    return;
                }
            } catch (java.sql.SQLException notYet) {
                // the server is starting
            }
            assertTrue(System.nanoTime() < deadline, "the agent never migrated the private database");
            Thread.sleep(100);
        }
    }

    private static long value(String line) {
        return Long.parseLong(line.substring(line.indexOf('=') + 1));
    }

    @Test
    void databaseStoppedForTenSecondsCostsTheAppNothingAndEveryAggregateArrivesAfterwards() throws Exception {
        try (PrivatePostgres pg = PrivatePostgres.create("trust", null);
             LiveApp app = new LiveApp(AppRun.main(SteadyApp.class)
                     .prop("memagent.jdbc.url", pg.url("postgres"))
                     .prop("memagent.jdbc.user", "postgres")
                     .prop("memagent.db.schema", "memagent")
                     .prop("memagent.service.name", "outage")
                     .prop("memagent.stats.interval.ms", 1000)
                     .prop("memagent.flush.interval.ms", 100)
                     .args("20000"))) {
            app.awaitLine("running");
            awaitTables(pg);
            pg.stop();
            Thread.sleep(10_000);
            pg.start();
            long calls = value(app.awaitLine("calls="));
            long maxCallMicros = value(app.awaitLine("maxCallMicros="));
            assertEquals(0, app.process.waitFor(60, TimeUnit.SECONDS) ? app.process.exitValue() : -1, app.stderr());
            assertTrue(calls > 10_000, "two threads, one call a millisecond for 20 s: " + calls);
            assertTrue(maxCallMicros < 200_000, "the longest profiled call took " + maxCallMicros + " us");
            assertEquals(calls, count(pg, "SELECT sum(calls) FROM memagent.method_allocation_stats"), app.stderr());
            assertEquals(0, count(pg, "SELECT records_dropped FROM memagent.agent_runs"));
            assertEquals(1, count(pg, "SELECT count(*) FROM memagent.agent_runs WHERE stopped_at IS NOT NULL"));
        }
    }

    @Test
    void anOutageLongerThanTheQueueHoldsBoundsMemoryAndCountsEveryDroppedRow() throws Exception {
        int calls = 30_000;
        int capacity = 10_000;
        try (PrivatePostgres pg = PrivatePostgres.create("trust", null)) {
            pg.stop(); // down from the start
            try (LiveApp app = new LiveApp(AppRun.main(UntilKilledApp.class)
                    .prop("memagent.jdbc.url", pg.url("postgres"))
                    .prop("memagent.jdbc.user", "postgres")
                    .prop("memagent.db.schema", "memagent")
                    .prop("memagent.service.name", "long-outage")
                    .prop("memagent.calls.min.bytes", 0) // every call is a row
                    .prop("memagent.queue.capacity", capacity)
                    .prop("memagent.flush.interval.ms", 100)
                    .args(String.valueOf(calls), "1", "20"))) { // ~20k calls/s: the drain keeps up, so every call has its row
                app.awaitLine("done=");
                Thread.sleep(500); // the drain thread hands the last calls over
                long[] held = heldRows(app.process.pid());
                // The queue holds its capacity. Beside it, bounded: samples taken once it was full are still in the
                // sampler's own short history, and the HTTP API keeps the last RECENT_CALLS per-call rows
                // (GET /api/memory/calls), which may be rows the full queue dropped.
                long beside = held[2] + RECENT_CALLS;
                assertTrue(held[0] >= capacity && held[0] - capacity <= beside, "detail rows held (per-call rows,"
                        + " samples, GC events) " + held[0] + ", of them samples " + held[2] + ": the queue's capacity"
                        + " plus at most " + beside + " beside it");
                System.out.println("OutageIT: " + held[0] + " rows held in " + held[1] + " bytes of io.memagent objects");
                assertTrue(held[1] < 8L * 1024 * 1024, "agent objects retained during the outage: " + held[1] + " bytes");
                pg.start();
                awaitTables(pg);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (count(pg, "SELECT (SELECT count(*) FROM memagent.memory_allocations)"
                        + " + (SELECT count(*) FROM memagent.memory_metrics) + (SELECT count(*) FROM memagent.gc_events)") < capacity) {
                    assertTrue(System.nanoTime() < deadline, "the held rows never arrived");
                    Thread.sleep(100);
                }
                assertEquals(143, app.terminate(30), "128 + SIGTERM");
                String err = app.stderr();
                // Dropped as queue_full, and, should the drain fall behind on a loaded machine, as calls_too_fast.
                Matcher m = Pattern.compile("stopped: (\\d+) rows made, (\\d+) written to PostgreSQL, (\\d+) dropped"
                        + " \\{(calls_too_fast=(\\d+), )?queue_full=(\\d+)\\}").matcher(err);
                assertTrue(m.find(), err);
                assertEquals(Long.parseLong(m.group(3)), (m.group(5) == null ? 0 : Long.parseLong(m.group(5)))
                        + Long.parseLong(m.group(6)), err);
                long made = Long.parseLong(m.group(1));
                long written = Long.parseLong(m.group(2));
                long dropped = Long.parseLong(m.group(3));
                assertEquals(made, written + dropped, "stored + dropped = made");
                long perCall = count(pg, "SELECT count(*) FROM memagent.memory_allocations");
                long stored = perCall + count(pg, "SELECT count(*) FROM memagent.method_allocation_stats")
                        + count(pg, "SELECT count(*) FROM memagent.memory_metrics")
                        + count(pg, "SELECT count(*) FROM memagent.gc_events")
                        + count(pg, "SELECT count(*) FROM memagent.method_allocation_stats_1m")
                        + count(pg, "SELECT count(*) FROM memagent.method_allocation_stats_1h");
                assertEquals(written, stored, "what the writer says it wrote is in the tables");
                long perCallDropped = count(pg, "SELECT coalesce((drops_by_table->>'memory_allocations')::bigint, 0)"
                        + " FROM memagent.agent_runs");
                assertTrue(perCallDropped > 0 && perCallDropped <= dropped, "per-call rows dropped: " + perCallDropped);
                assertEquals(calls, perCall + perCallDropped, "every per-call row is stored or counted as dropped");
                assertEquals(calls, count(pg, "SELECT sum(calls) FROM memagent.method_allocation_stats"),
                        "aggregates have their own room: none is dropped");
                assertEquals(dropped, count(pg, "SELECT records_dropped FROM memagent.agent_runs"));
            }
        }
    }

    /** Detail rows held and bytes of all io.memagent objects in a live JVM, from its class histogram. */
    private static long[] heldRows(long pid) throws Exception {
        Process p = new ProcessBuilder(Path.of(AppRun.javaHome(), "bin", "jcmd").toString(), String.valueOf(pid),
                "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        long rows = 0;
        long bytes = 0;
        long samples = 0;
        Matcher m = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(io\\.memagent\\.\\S+)").matcher(out);
        while (m.find()) {
            bytes += Long.parseLong(m.group(2));
            if (List.of("io.memagent.agent.aggregate.AllocationRow", "io.memagent.agent.jvm.JvmSample",
                    "io.memagent.agent.jvm.GcEvent").contains(m.group(3))) {
                rows += Long.parseLong(m.group(1));
            }
            if (m.group(3).equals("io.memagent.agent.jvm.JvmSample")) {
                samples += Long.parseLong(m.group(1));
            }
        }
        return new long[] {rows, bytes, samples};
    }

    @Test
    void aWrongPasswordIsOneClearErrorAndTheAgentKeepsRetrying() throws Exception {
        try (PrivatePostgres pg = PrivatePostgres.create("scram-sha-256", "right-password-4417")) {
            AppRun.Result r = AppRun.main(SteadyApp.class)
                    .prop("memagent.jdbc.url", pg.url("postgres"))
                    .prop("memagent.jdbc.user", "postgres")
                    .prop("memagent.jdbc.password", "wrong-password-8812")
                    .prop("memagent.shutdown.timeout.ms", 500)
                    .args("6000")
                    .run().assertOk();
            assertTrue(r.value("calls") > 1000, r.toString());
            long errors = r.agentLines().stream().filter(l -> l.contains("cannot write to PostgreSQL")).count();
            assertEquals(1, errors, "one error line per minute at most: " + r);
            assertTrue(r.stderr().contains("28P01"), "the error names the cause: " + r.stderr());
            assertTrue(!(r.stdout() + r.stderr()).contains("wrong-password-8812"), "the password never appears");
            long attempts = Files.readAllLines(pg.dir.resolve("log")).stream()
                    .filter(l -> l.contains("password authentication failed")).count();
            assertTrue(attempts >= 2, "the agent retried: " + attempts + " attempts in 6 s");
        }
    }

    @Test
    void aSchemaTheUserCannotWriteIsOneClearErrorAndTheAppRuns() throws Exception {
        try (PrivatePostgres pg = PrivatePostgres.create("trust", null)) {
            pg.psql("CREATE ROLE reader LOGIN; CREATE SCHEMA locked; REVOKE ALL ON SCHEMA locked FROM PUBLIC;"
                    + " REVOKE CREATE ON DATABASE postgres FROM PUBLIC; REVOKE CREATE ON SCHEMA public FROM PUBLIC;");
            AppRun.Result r = AppRun.main(SteadyApp.class)
                    .prop("memagent.jdbc.url", pg.url("postgres"))
                    .prop("memagent.jdbc.user", "reader")
                    .prop("memagent.db.schema", "locked")
                    .prop("memagent.shutdown.timeout.ms", 500)
                    .args("4000")
                    .run().assertOk();
            assertTrue(r.value("calls") > 1000, r.toString());
            long errors = r.agentLines().stream().filter(l -> l.contains("cannot write to PostgreSQL")).count();
            assertEquals(1, errors, r.toString());
            assertTrue(r.stderr().contains("42501"), "permission denied is named: " + r.stderr());
        }
    }
}
