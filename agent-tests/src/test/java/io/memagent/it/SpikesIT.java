package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.SpikeApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-call spikes in a forked JVM: severities, the consecutive alert, listeners, stacks, heap dumps. */
class SpikesIT extends SchemaPerTest {
    @Test
    void severitiesAlertListenersStacksAndAHeapDump(@TempDir Path tmp) throws Exception {
        Path dumps = tmp.resolve("dumps");
        // One sample only (at start): this test is about calls, not heap-level spikes.
        AppRun.Result r = AppRun.main(SpikeApp.class).database(db, schema, "spikes").jvmArg("-Xmx512m")
                .prop("memagent.sample.interval.ms", 3_600_000)
                .prop("memagent.heapdump.on.critical", true).prop("memagent.heapdump.dir", dumps)
                .run().assertOk();
        long mib30 = r.value("truth30");
        long mib = (mib30 - (30L << 20)); // the array header, as this JVM lays it out
        List<Map<String, Object>> rows = db.query("SELECT operation_type, severity, allocated_bytes, threshold_bytes,"
                + " thread_name, stack_trace, heap_dump_path FROM " + schema + ".memory_spikes ORDER BY detected_at, allocated_bytes");
        String ops = rows.stream().map(m -> m.get("operation_type") + ":" + m.get("severity") + ":" + m.get("allocated_bytes")
                + ":" + m.get("threshold_bytes")).collect(Collectors.joining(", "));
        long m25 = 25L << 20;
        // Several calls drain in the same millisecond: compare sorted; the listener below shows the order.
        assertEquals(Stream.of(
                "SpikeApp.alloc:medium:" + mib30 + ":" + m25,
                "SpikeApp.alloc:high:" + ((60L << 20) + mib) + ":" + (50L << 20),
                "SpikeApp.alloc:critical:" + ((120L << 20) + mib) + ":" + (100L << 20),
                "SpikeApp.alloc:medium:" + mib30 + ":" + m25,
                "SpikeApp.alloc:medium:" + mib30 + ":" + m25,
                "SpikeApp.alloc:medium:" + mib30 + ":" + m25,
                "SpikeApp.alloc:medium:" + mib30 + ":" + m25,
                "SpikeApp.watched:high:" + ((12L << 20) + mib) + ":" + (10L << 20)).sorted().collect(Collectors.toList()),
                Stream.of(ops.split(", ")).sorted().collect(Collectors.toList()), r.toString());
        for (Map<String, Object> row : rows) {
            assertEquals("main", row.get("thread_name"));
            String stack = (String) row.get("stack_trace");
            assertTrue(stack.startsWith("\tat io.memagent.testapps.SpikeApp." + ((String) row.get("operation_type")).substring(9)
                    + "(SpikeApp.java:"), stack);
            assertTrue(stack.contains("\tat io.memagent.testapps.SpikeApp.main(SpikeApp.java:"), stack);
        }

        List<Map<String, Object>> alerts = db.query("SELECT alert_type, severity, message FROM " + schema + ".system_alerts");
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals("spike_consecutive", alerts.get(0).get("alert_type"));
        assertEquals("3 consecutive allocation spikes of SpikeApp.alloc (the last: " + mib30 + " bytes, medium)",
                alerts.get(0).get("message"));

        // The heap dump: one file, 0600, in a directory made 0700, its path in the critical row.
        List<Path> files;
        try (Stream<Path> s = Files.list(dumps)) {
            files = s.collect(Collectors.toList());
        }
        assertEquals(1, files.size(), files.toString());
        Path dump = files.get(0);
        assertTrue(dump.getFileName().toString().endsWith("-critical-spike.hprof"), dump.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dump)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dumps)));
        assertTrue(new String(Files.readAllBytes(dump), 0, 18, java.nio.charset.StandardCharsets.US_ASCII)
                .startsWith("JAVA PROFILE 1.0."), "an HPROF file");
        assertEquals(List.of(dump.toString()), rows.stream().map(m -> m.get("heap_dump_path"))
                .filter(java.util.Objects::nonNull).collect(Collectors.toList()));

        // The listener heard each spike, on the agent's thread, with the same figures and the dump's path.
        assertEquals(8, r.value("heard"));
        List<String> heard = r.stdout().lines().filter(l -> l.startsWith("spike=")).collect(Collectors.toList());
        assertEquals(List.of("alloc medium", "alloc high", "alloc critical", "alloc medium", "alloc medium", "alloc medium",
                "alloc medium", "watched high"), heard.stream().map(l -> l.substring("spike=SpikeApp.".length()).split(" "))
                .map(a -> a[0] + " " + a[1]).collect(Collectors.toList()));
        assertEquals("spike=SpikeApp.alloc critical " + ((120L << 20) + mib) + " " + (100L << 20) + " main true " + dump,
                heard.get(2));
        assertEquals("spike=SpikeApp.watched high " + ((12L << 20) + mib) + " " + (10L << 20) + " main true null",
                heard.get(7));
        long threwLines = r.agentLines().stream().filter(l -> l.contains("a spike listener threw")).count();
        assertEquals(1, threwLines, "a listener that throws is logged once: " + r.stderr());
    }

    @Test
    void noHeapDumpWhenNotAskedFor(@TempDir Path tmp) throws Exception {
        Path dumps = tmp.resolve("dumps");
        AppRun.Result r = AppRun.main(SpikeApp.class).jvmArg("-Xmx512m").prop("memagent.heapdump.dir", dumps)
                .prop("memagent.sample.interval.ms", 3_600_000)
                .args("critical").run().assertOk();
        assertEquals(1, r.value("heard"));
        assertTrue(r.stdout().contains("spike=SpikeApp.alloc critical "), r.stdout());
        assertTrue(r.stdout().contains(" main true null"), r.stdout());
        assertFalse(Files.exists(dumps), "no dump directory when memagent.heapdump.on.critical is false");
    }
}
