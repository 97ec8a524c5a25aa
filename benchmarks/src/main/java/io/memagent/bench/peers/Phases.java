package io.memagent.bench.peers;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a peers workload prints for {@link PeersRun}: its start-up phase (JVM start to the end of its
 * first, warm-up, part) and its steady state (the rest), each as wall and process CPU time (every
 * thread: app, JIT, GC, agents), and its peak RSS. With {@code -Dpeers.api=http://127.0.0.1:PORT}
 * (memagent runs) it then reads memagent's per-operation figures from the agent's HTTP API into
 * {@code -Dpeers.out}, after the timed parts, and prints how long that took so the runner can take
 * it out of the whole-process figures.
 */
final class Phases {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final long jvmStartMs = ManagementFactory.getRuntimeMXBean().getStartTime();
    private long warmWallMs;
    private long warmCpuNs;
    private long warmNano;
    private long warmJitMs;
    private long warmGcMs;
    private long warmGcCount;
    private long warmToolCpuNs;
    private java.util.Map<String, Long> warmThreads = java.util.Map.of();

    /** The end of the warm-up part: from here on is steady state. */
    void warmedUp() {
        warmNano = System.nanoTime();
        warmWallMs = System.currentTimeMillis() - jvmStartMs;
        warmCpuNs = OS.getProcessCpuTime();
        warmJitMs = jitMs();
        warmGcMs = gc(true);
        warmGcCount = gc(false);
        warmToolCpuNs = toolThreadsCpuNs();
        warmThreads = threadCpuNs();
    }

    /** The end of the work: prints both phases, peak RSS, then fetches memagent's figures if asked. */
    void done() throws IOException, InterruptedException {
        long steadyWallNs = System.nanoTime() - warmNano;
        long steadyCpuNs = OS.getProcessCpuTime() - warmCpuNs;
        System.out.printf(Locale.ROOT, "PEERS|startup|%d|%d%n", warmWallMs * 1_000_000L, warmCpuNs);
        System.out.printf(Locale.ROOT, "PEERS|steady|%d|%d%n", steadyWallNs, steadyCpuNs);
        System.out.printf(Locale.ROOT, "PEERS|hwm_kib|%d%n", vmHwmKib());
        // Where steady-state time goes: JIT compilation, GC pauses, and the CPU of the profiler's own Java threads
        // (memagent's, JFR's; async-profiler has none: its work runs in the app's threads' allocation paths).
        System.out.printf(Locale.ROOT, "PEERS|where|%d|%d|%d|%d%n", jitMs() - warmJitMs, gc(true) - warmGcMs,
                gc(false) - warmGcCount, toolThreadsCpuNs() - warmToolCpuNs);
        // The steady state's CPU by thread group (JIT, GC, VM, each memagent thread, the app's live threads); threads
        // that ended during it (the sample app's pools) are in the process's figure only: the runner shows them as
        // the remainder.
        System.out.printf(Locale.ROOT, "PEERS|threads|%s%n", groups(warmThreads, threadCpuNs()));
        String api = System.getProperty("peers.api");
        if (api != null) {
            long t0 = System.nanoTime();
            long c0 = OS.getProcessCpuTime();
            Files.writeString(Path.of(System.getProperty("peers.out")), settledFigures(api));
            System.out.printf(Locale.ROOT, "PEERS|fetch|%d|%d%n", System.nanoTime() - t0, OS.getProcessCpuTime() - c0);
        }
        System.out.flush();
    }

    /**
     * memagent's per-operation figures once they stop changing: threads sum their own calls and the
     * agent collects the sums on its drain thread, so the first answer after the work may lag by one
     * collection. Read every 100 ms until two answers agree (at most 10 s).
     */
    private static String settledFigures(String api) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest req = HttpRequest.newBuilder(URI.create(api + "/api/memory/top-consumers?limit=10000")).build();
        String last = null;
        for (int i = 0; i < 100; i++) {
            String body = client.send(req, HttpResponse.BodyHandlers.ofString()).body();
            if (body.equals(last)) {
                return body;
            }
            last = body;
            Thread.sleep(100);
        }
        return last;
    }

    private static long jitMs() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    private static long gc(boolean time) {
        long sum = 0;
        for (var b : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, time ? b.getCollectionTime() : b.getCollectionCount());
        }
        return sum;
    }

    /** CPU of the live threads a profiler runs on: memagent's (memagent-*), JFR's (JFR *). */
    private static long toolThreadsCpuNs() {
        var threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && (info.getThreadName().startsWith("memagent") || info.getThreadName().startsWith("JFR "))) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    /**
     * Every live thread's CPU time in ns, keyed by {@code tid name}: {@code /proc/self/task/TID/schedstat}'s first
     * field (ns on CPU), the name from {@code comm} (the JVM's own threads too, which no MXBean lists). Empty off
     * Linux.
     */
    static java.util.Map<String, Long> threadCpuNs() {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim();
                    String ns = Files.readString(task.resolve("schedstat")).trim().split(" ")[0];
                    out.put(task.getFileName() + " " + comm, Long.parseLong(ns));
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** The CPU each group of threads spent between two readings, {@code group=ns} separated by {@code ;}. */
    static String groups(java.util.Map<String, Long> before, java.util.Map<String, Long> after) {
        java.util.Map<String, Long> sum = new java.util.TreeMap<>();
        for (var e : after.entrySet()) {
            long delta = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            sum.merge(group(e.getKey().substring(e.getKey().indexOf(' ') + 1)), delta, Long::sum);
        }
        StringBuilder sb = new StringBuilder();
        for (var e : sum.entrySet()) {
            sb.append(sb.length() == 0 ? "" : ";").append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    /** A thread's group from its (15-character) kernel name. */
    static String group(String comm) {
        if (comm.startsWith("C2 Compiler")) {
            return "JIT C2";
        }
        if (comm.startsWith("C1 Compiler")) {
            return "JIT C1";
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("VM Periodic")) {
            return comm.startsWith("VM Periodic") ? "VM periodic task" : "GC";
        }
        if (comm.startsWith("memagent-")) {
            return comm.startsWith("memagent-http") ? "memagent-http" : comm;
        }
        if (comm.startsWith("VM Thread")) {
            return "VM thread (safepoints)";
        }
        if (comm.startsWith("worker-") || comm.equals("main") || comm.equals("java")) {
            return "app (live threads)";
        }
        return "JVM other";
    }

    static long vmHwmKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
