package io.memagent.agent.detect;

import io.memagent.agent.util.AgentLog;
import io.memagent.agent.util.DaemonThreads;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * Class histograms from the JVM itself (the {@code GC.class_histogram} diagnostic command, through
 * the DiagnosticCommand MBean: instances and bytes of live objects per class), kept as snapshots,
 * and the diff between the first kept snapshot and the latest: the classes whose bytes grew most.
 * That names <em>what</em> is leaking. Each snapshot forces a full GC, so they are taken only on
 * demand and, if {@code memagent.histogram.interval.ms} is set, at that slow period.
 *
 * <p>Bounded: the first snapshot (the baseline) and the last {@link #KEPT} others, each with at
 * most {@link #CLASSES} classes (the largest by bytes, as the JVM sorts them).
 */
public final class ClassHistogram {
    static final int KEPT = 10;
    static final int CLASSES = 2_000;
    static final int TOP = 10;

    /** Compiled when a histogram is first read, not when the agent starts (most runs never take one). */
    private static final class Lines {
        static final Pattern LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    }

    private final LongSupplier clockMs;
    private Snapshot baseline;
    private final List<Snapshot> recent = new ArrayList<>();
    private ScheduledExecutorService executor;

    /** Instances and bytes of one class's live objects. */
    public record Entry(String className, long instances, long bytes) {
    }

    public record Snapshot(long takenAtMs, long totalInstances, long totalBytes, List<Entry> entries) {
    }

    /** How much one class grew between two snapshots. */
    public record Growth(String className, long instancesDelta, long bytesDelta, long instancesNow, long bytesNow) {
    }

    /** The classes that grew most (by bytes) from {@code fromMs} to {@code toMs}. */
    public record Diff(long fromMs, long toMs, long totalBytesDelta, List<Growth> topGrowth) {
    }

    public ClassHistogram(LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    /** Takes a snapshot every {@code intervalMs} on a {@code memagent-histogram} thread (first after one period). */
    public void startPeriodic(long intervalMs) {
        executor = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("memagent-histogram"));
        executor.scheduleAtFixedRate(() -> {
            try {
                take();
            } catch (Throwable e) {
                AgentLog.errorAtMostEvery("histogram", 600_000, "the class histogram failed: " + e);
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    public void stop() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** The latest snapshot and the one before it (periodic or asked for), newest first: 0, 1 or 2 of them. */
    public synchronized List<Snapshot> latestTwo() {
        List<Snapshot> all = new ArrayList<>();
        if (baseline != null) {
            all.add(baseline);
        }
        all.addAll(recent);
        List<Snapshot> out = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && out.size() < 2; i--) {
            out.add(all.get(i));
        }
        return out;
    }

    /** Takes a snapshot now (a full GC). */
    public Snapshot take() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Snapshot s = parse(text, clockMs.getAsLong());
        synchronized (this) {
            if (baseline == null) {
                baseline = s;
            } else {
                recent.add(s);
                if (recent.size() > KEPT) {
                    recent.remove(0);
                }
            }
        }
        return s;
    }

    static Snapshot parse(String text, long atMs) {
        List<Entry> entries = new ArrayList<>();
        long instances = 0;
        long bytes = 0;
        for (String line : text.split("\n")) {
            Matcher m = Lines.LINE.matcher(line);
            if (!m.find()) {
                continue;
            }
            long n = Long.parseLong(m.group(1));
            long b = Long.parseLong(m.group(2));
            instances += n;
            bytes += b;
            if (entries.size() < CLASSES) {
                entries.add(new Entry(javaName(m.group(3)), n, b));
            }
        }
        return new Snapshot(atMs, instances, bytes, Collections.unmodifiableList(entries));
    }

    /** {@code [B} -> {@code byte[]}, {@code [Ljava.lang.String;} -> {@code java.lang.String[]}. */
    static String javaName(String jvmName) {
        int dims = 0;
        while (dims < jvmName.length() && jvmName.charAt(dims) == '[') {
            dims++;
        }
        if (dims == 0) {
            return jvmName;
        }
        String element = jvmName.substring(dims);
        String base = switch (element) {
            case "B" -> "byte";
            case "C" -> "char";
            case "S" -> "short";
            case "I" -> "int";
            case "J" -> "long";
            case "F" -> "float";
            case "D" -> "double";
            case "Z" -> "boolean";
            default -> element.startsWith("L") && element.endsWith(";") ? element.substring(1, element.length() - 1) : element;
        };
        return base + "[]".repeat(dims);
    }

    /** The baseline and the kept snapshots, oldest first. */
    public synchronized List<Snapshot> snapshots() {
        List<Snapshot> out = new ArrayList<>();
        if (baseline != null) {
            out.add(baseline);
        }
        out.addAll(recent);
        return out;
    }

    /** The growth from the first kept snapshot to the latest, or null with fewer than two. */
    public synchronized Diff latestDiff() {
        if (baseline == null || recent.isEmpty()) {
            return null;
        }
        return diff(baseline, recent.get(recent.size() - 1));
    }

    static Diff diff(Snapshot from, Snapshot to) {
        Map<String, Entry> before = new HashMap<>();
        for (Entry e : from.entries()) {
            before.put(e.className(), e);
        }
        List<Growth> growth = new ArrayList<>();
        for (Entry e : to.entries()) {
            Entry b = before.get(e.className());
            long db = e.bytes() - (b == null ? 0 : b.bytes());
            long dn = e.instances() - (b == null ? 0 : b.instances());
            if (db > 0) {
                growth.add(new Growth(e.className(), dn, db, e.instances(), e.bytes()));
            }
        }
        growth.sort((x, y) -> Long.compare(y.bytesDelta(), x.bytesDelta()));
        return new Diff(from.takenAtMs(), to.takenAtMs(), to.totalBytes() - from.totalBytes(),
                Collections.unmodifiableList(new ArrayList<>(growth.subList(0, Math.min(TOP, growth.size())))));
    }

    /** The diff as a JSON array for {@code operation_context}. */
    static String json(Diff d) {
        StringBuilder sb = new StringBuilder("[");
        for (Growth g : d.topGrowth()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append("{\"class\":").append(io.memagent.agent.util.Json.string(g.className())).append(",\"instances_delta\":")
                    .append(g.instancesDelta()).append(",\"bytes_delta\":").append(g.bytesDelta())
                    .append(",\"instances\":").append(g.instancesNow()).append(",\"bytes\":").append(g.bytesNow()).append('}');
        }
        return sb.append(']').toString();
    }
}
