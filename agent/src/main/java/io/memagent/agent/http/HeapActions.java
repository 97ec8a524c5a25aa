package io.memagent.agent.http;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.memagent.agent.detect.ClassHistogram;
import io.memagent.agent.jdk.PlatformBeans;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The API's actions on the heap, each behind the token: a full collection, a heap dump (one at a
 * time), a class histogram and its growth since the one before. Apart from the read-only
 * endpoints because each costs the app a pause.
 */
final class HeapActions {
    private final ApiSources src;
    private final AtomicBoolean dumping = new AtomicBoolean();

    HeapActions(ApiSources src) {
        this.src = src;
    }

    /** {@code POST /api/memory/heap-analysis}: a new class histogram (a full collection), served as GET serves it. */
    Map<String, Object> takeHeapAnalysis(int limit) throws Exception {
        src.classHistogram().take();
        return lastHeapAnalysis(limit);
    }

    /** {@code GET /api/memory/heap-analysis}: the last histogram taken, with each class's growth since the one before. */
    Map<String, Object> lastHeapAnalysis(int limit) throws BadRequest {
        List<ClassHistogram.Snapshot> two = src.classHistogram().latestTwo();
        if (two.isEmpty()) {
            throw new BadRequest(404, "no class histogram has been taken yet: POST /api/memory/heap-analysis takes one"
                    + " (it runs a full collection and needs the token)");
        }
        ClassHistogram.Snapshot snapshot = two.get(0);
        ClassHistogram.Snapshot previous = two.size() > 1 ? two.get(1) : null;
        Map<String, ClassHistogram.Entry> before = new HashMap<>();
        if (previous != null) {
            for (ClassHistogram.Entry e : previous.entries()) {
                before.put(e.className(), e);
            }
        }
        List<ClassHistogram.Entry> entries = snapshot.entries();
        List<Object> classes = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, entries.size()); i++) {
            ClassHistogram.Entry e = entries.get(i);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("class", e.className());
            c.put("instances", e.instances());
            c.put("bytes", e.bytes());
            ClassHistogram.Entry p = before.get(e.className());
            c.put("instances_growth", previous == null ? null : e.instances() - (p == null ? 0 : p.instances()));
            c.put("bytes_growth", previous == null ? null : e.bytes() - (p == null ? 0 : p.bytes()));
            classes.add(c);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("taken_at", Instant.ofEpochMilli(snapshot.takenAtMs()).toString());
        m.put("previous_taken_at", previous == null ? null : Instant.ofEpochMilli(previous.takenAtMs()).toString());
        m.put("classes_listed", entries.size());
        m.put("instances_total", snapshot.totalInstances());
        m.put("bytes_total", snapshot.totalBytes());
        m.put("classes", classes);
        // The growth between the first snapshot of the run and the latest (periodic ones included).
        m.put("growth_since_first_snapshot", src.classHistogram().latestDiff());
        return m;
    }

    /** {@code POST /api/memory/gc}: a full collection through the DiagnosticCommand MBean, even under DisableExplicitGC. */
    Map<String, Object> gc() throws Exception {
        HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        boolean disabled = Boolean.parseBoolean(hs.getVMOption("DisableExplicitGC").getValue());
        long before = PlatformBeans.memory().getHeapMemoryUsage().getUsed();
        long t0 = System.nanoTime();
        DiagnosticCommands.gcRun();
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        long after = PlatformBeans.memory().getHeapMemoryUsage().getUsed();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ran", true);
        m.put("via", "DiagnosticCommand GC.run");
        m.put("explicit_gc_disabled", disabled);
        m.put("note", disabled ? "-XX:+DisableExplicitGC is set: System.gc() would do nothing, so the collection ran"
                + " through the DiagnosticCommand MBean (as jcmd GC.run does)" : "ran through the DiagnosticCommand MBean"
                + " (as jcmd GC.run does), which also works under -XX:+DisableExplicitGC");
        m.put("heap_used_before_bytes", before);
        m.put("heap_used_after_bytes", after);
        m.put("duration_ms", tookMs);
        return m;
    }

    /** {@code POST /api/memory/snapshot}: one dump at a time, to the agent's chosen path. */
    Map<String, Object> snapshot() throws Exception {
        if (!dumping.compareAndSet(false, true)) {
            throw new BadRequest(409, "a heap dump is already being written; try again when it is done");
        }
        try {
            long t0 = System.nanoTime();
            Path file = src.heapDumper().dump();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", file.toString());
            m.put("size_bytes", Files.size(file));
            m.put("duration_ms", (System.nanoTime() - t0) / 1_000_000);
            return m;
        } catch (io.memagent.agent.detect.HeapDumper.DumpRefused e) {
            throw new BadRequest(429, e.getMessage());
        } finally {
            dumping.set(false);
        }
    }

}
