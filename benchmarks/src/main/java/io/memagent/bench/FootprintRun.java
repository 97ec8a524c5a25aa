package io.memagent.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;

/**
 * The agent's footprint: heap held with 1,000 profiled methods (the approach of
 * {@code ManyOperationsIT}: an app with that many annotated methods, each called 3 times, heap
 * used after full GCs with the agent minus without, Serial GC), the sampler's CPU per sample at a
 * 1 s interval (the agent measures it on its own thread and prints it in the exit report), and
 * the jar's size. Arguments: {@code <agent jar> <api classes or jar> <sampler seconds> <pairs>}.
 */
public final class FootprintRun {
    static final int METHODS = 1_000;

    private FootprintRun() {
    }

    public static void main(String[] args) throws Exception {
        String agentJar = args[0];
        String api = args[1];
        int samplerSeconds = Integer.parseInt(args[2]);
        int pairs = Integer.parseInt(args[3]);
        Path dir = Files.createTempDirectory("memagent-footprint");
        compile(dir, api);
        String cp = dir + File.pathSeparator + api;
        long[] heap = new long[pairs];
        for (int i = 0; i < pairs; i++) {
            long without = value(run(cp, null, 0), "heapAfterGc");
            long with = value(run(cp, agentJar, 0), "heapAfterGc");
            heap[i] = with - without;
            System.out.printf(Locale.ROOT, "pair %d: heap after GC without %,d B, with the agent %,d B: agent %,d B%n",
                    i + 1, without, with, heap[i]);
        }
        java.util.Arrays.sort(heap);
        long agentHeap = heap[pairs / 2];
        System.out.printf(Locale.ROOT, "SUMMARY|footprint: agent heap, %,d profiled methods, JDK " + System.getProperty("java.version") + "|%.1f MB (%,d B, median of %d)|<= 10 MB|%s%n",
                METHODS, agentHeap / 1e6, agentHeap, pairs, agentHeap <= 10_000_000 ? "met" : "MISSED");

        String out = run(cp, agentJar, samplerSeconds * 1000L);
        Matcher m = Pattern.compile("sampler: (\\d+) samples, ([0-9.]+) us of CPU each").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no sampler line in the report:\n" + out);
        }
        double us = Double.parseDouble(m.group(2));
        double pctOfCore = us / 1_000_000 * 100; // one sample per second
        System.out.printf(Locale.ROOT, "SUMMARY|footprint: sampler CPU at 1 s (%s samples), JDK " + System.getProperty("java.version") + "|%.1f us/sample = %.4f%% of a core|< 0.2%%|%s%n",
                m.group(1), us, pctOfCore, pctOfCore < 0.2 ? "met" : "MISSED");
        long jar = Files.size(Path.of(agentJar));
        System.out.printf(Locale.ROOT, "SUMMARY|footprint: agent jar size|%,d B = %.2f MiB|<= 10 MiB|%s%n", jar,
                jar / 1048576.0, jar <= 10L * 1048576 ? "met" : "MISSED");
    }

    private static void compile(Path dir, String api) throws Exception {
        StringBuilder src = new StringBuilder("import io.memagent.api.ProfileMemory;\npublic class ManyOps {\n"
                + "  static volatile Object sink;\n");
        for (int i = 0; i < METHODS; i++) {
            src.append("  @ProfileMemory static Object m").append(i).append("() { return new byte[").append(i % 64)
                    .append("]; }\n");
        }
        src.append("  static void all() {\n");
        for (int i = 0; i < METHODS; i++) {
            src.append("    sink = m").append(i).append("();\n");
        }
        src.append("  }\n  public static void main(String[] a) throws Exception {\n"
                + "    for (int r = 0; r < 3; r++) all();\n"
                + "    Thread.sleep(200); System.gc(); Thread.sleep(200); System.gc();\n"
                + "    System.out.println(\"heapAfterGc=\" + java.lang.management.ManagementFactory.getMemoryMXBean()"
                + ".getHeapMemoryUsage().getUsed());\n"
                + "    Thread.sleep(Long.parseLong(a[0]));\n  }\n}\n");
        Path file = dir.resolve("ManyOps.java");
        Files.writeString(file, src);
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-cp", api, "-d",
                dir.toString(), file.toString());
        if (rc != 0) {
            throw new IllegalStateException("javac ManyOps failed");
        }
    }

    private static String run(String cp, String agentJar, long sleepMs) throws Exception {
        List<String> args = new ArrayList<>();
        if (agentJar != null) {
            args.add("-javaagent:" + agentJar);
            args.add("-Dmemagent.sample.interval.ms=1000");
        }
        args.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-cp", cp, "ManyOps", String.valueOf(sleepMs)));
        return Jvm.run(args);
    }

    private static long value(String out, String key) {
        return Jvm.value(out, key);
    }
}
