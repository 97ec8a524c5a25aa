package io.memagent.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link HotPathBench} with the real agent attached to the forks, on 1 and 2 threads, with
 * JMH's GC profiler (bytes allocated per call), and prints one table per thread count plus
 * {@code SUMMARY} lines that {@code benchmarks/run.sh} collects. The forks run on the JVM that runs
 * this (set {@code JAVA_HOME}).
 *
 * <p>Arguments: {@code <agent jar> [--quick]}.
 */
public final class HotPathRun {
    private static final String[] CASES = {"empty", "small", "oneMb"};

    private HotPathRun() {
    }

    public static void main(String[] args) throws Exception {
        String agentJar = args[0];
        boolean quick = args.length > 1 && args[1].equals("--quick");
        int rounds = quick ? 1 : 3;
        String jdk = System.getProperty("java.version");
        Map<String, double[]> platformOne = null;
        for (int threads : new int[] {1, 2}) {
            // Whole rounds, one after the other: on a shared machine the load changes by the minute, so
            // each round's floor and profiled figures (measured one after the other) are paired.
            List<Map<String, double[]>> all = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                all.add(round(agentJar, threads, quick, false));
            }
            print(jdk, threads, all);
            if (threads == 1) {
                platformOne = medians(all);
            }
        }
        if (Runtime.version().feature() >= 21) {
            // The same benchmarks on a virtual thread (JMH's VIRTUAL executor), where the agent reads the
            // carrier's counter through a method handle and looks the carrier's state up.
            List<Map<String, double[]>> virtual = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                virtual.add(round(agentJar, 1, quick, true));
            }
            printVirtual(jdk, medians(virtual), platformOne);
        }
    }

    private static void printVirtual(String jdk, Map<String, double[]> v, Map<String, double[]> platform) {
        System.out.printf(Locale.ROOT, "%nHot path on a virtual thread, JDK %s, 1 thread (ns per call, +- JMH's 99.9%% "
                + "interval), against the platform-thread run above%n", jdk);
        System.out.printf(Locale.ROOT, "%-8s %18s %18s %14s %14s%n", "method", "plain ns", "profiled ns",
                "added virtual", "added platform");
        for (String c : CASES) {
            double[] p = v.get(c + "Plain");
            double[] q = v.get(c + "Profiled");
            double platformAdded = platform.get(c + "Profiled")[0] - platform.get(c + "Plain")[0];
            System.out.printf(Locale.ROOT, "%-8s %10.1f +- %5.1f %10.1f +- %5.1f %14.1f %14.1f%n", c, p[0], p[1], q[0],
                    q[1], q[0] - p[0], platformAdded);
        }
        double added = v.get("emptyProfiled")[0] - v.get("emptyPlain")[0];
        double platformAdded = platform.get("emptyProfiled")[0] - platform.get("emptyPlain")[0];
        System.out.printf(Locale.ROOT, "SUMMARY|hot path: ns added per empty profiled call, virtual vs platform thread, JDK %s"
                + "|%.1f vs %.1f ns (%.2fx)|(reported)|-%n", jdk, added, platformAdded, added / platformAdded);
    }

    private static Map<String, double[]> round(String agentJar, int threads, boolean quick, boolean virtual)
            throws Exception {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(HotPathBench.class.getName() + "\\.")
                .jvmArgsAppend("-javaagent:" + agentJar, "-Xms1g", "-Xmx1g",
                        "-Djmh.executor=" + (virtual ? "VIRTUAL" : "PLATFORM"))
                .threads(threads)
                .forks(1)
                .warmupIterations(quick ? 1 : 3)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 2 : 5)
                .measurementTime(TimeValue.seconds(1))
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true);
        Map<String, double[]> byName = new LinkedHashMap<>();
        for (RunResult r : new Runner(o.build()).run()) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            Result primary = r.getPrimaryResult();
            double alloc = Double.NaN;
            for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
                if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                    alloc = e.getValue().getScore();
                }
            }
            // The fastest measurement iteration: the one the machine's other load disturbed least.
            double best = Double.MAX_VALUE;
            for (BenchmarkResult b : r.getBenchmarkResults()) {
                for (IterationResult i : b.getIterationResults()) {
                    best = Math.min(best, i.getPrimaryResult().getScore());
                }
            }
            byName.put(name, new double[] {primary.getScore(), primary.getScoreError(), alloc, best});
        }
        return byName;
    }

    /** Per benchmark, the median over rounds of {@code [ns, error, bytes, best iteration ns]}, component by component. */
    private static Map<String, double[]> medians(List<Map<String, double[]>> all) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (String name : all.get(0).keySet()) {
            double[] v = new double[4];
            for (int k = 0; k < 4; k++) {
                double[] xs = new double[all.size()];
                for (int i = 0; i < xs.length; i++) {
                    xs[i] = all.get(i).get(name)[k];
                }
                v[k] = median(xs);
            }
            m.put(name, v);
        }
        return m;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static void print(String jdk, int threads, List<Map<String, double[]>> all) {
        Map<String, double[]> r = medians(all);
        double[] floor = r.get("floor");
        System.out.printf(Locale.ROOT, "%nHot path, JDK %s, %d thread%s, median of %d round%s (ns per call, +- JMH's 99.9%% "
                + "interval; bytes per call from -prof gc)%n", jdk, threads, threads == 1 ? "" : "s", all.size(),
                all.size() == 1 ? "" : "s");
        System.out.printf(Locale.ROOT, "%-8s %18s %18s %10s %12s %12s %s%n", "method", "plain ns", "profiled ns",
                "added ns", "plain B", "profiled B", "added / floor");
        for (String c : CASES) {
            double[] p = r.get(c + "Plain");
            double[] q = r.get(c + "Profiled");
            System.out.printf(Locale.ROOT, "%-8s %10.1f +- %5.1f %10.1f +- %5.1f %10.1f %12.1f %12.1f %.2fx%n", c,
                    p[0], p[1], q[0], q[1], q[0] - p[0], p[2], q[2], (q[0] - p[0]) / floor[0]);
        }
        System.out.printf(Locale.ROOT, "%-8s %10.1f +- %5.1f %18s %10s %12.1f%n", "floor", floor[0], floor[1], "", "",
                floor[2]);
        double[] empty = r.get("emptyProfiled");
        double[] ratios = new double[all.size()];
        StringBuilder each = new StringBuilder();
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = all.get(i).get("emptyProfiled")[0] / all.get(i).get("floor")[0];
            each.append(String.format(Locale.ROOT, "%s%.1f/%.1f=%.2fx", i == 0 ? "" : ", ",
                    all.get(i).get("emptyProfiled")[0], all.get(i).get("floor")[0], ratios[i]));
        }
        double ratio = median(ratios);
        System.out.println("empty profiled / floor, each round: " + each);
        double[] best = new double[all.size()];
        for (int i = 0; i < best.length; i++) {
            best[i] = all.get(i).get("emptyProfiled")[3] / all.get(i).get("floor")[3];
        }
        double bestRatio = median(best);
        System.out.printf(Locale.ROOT, "empty profiled / floor, fastest iterations: %.1f / %.1f ns = %.2fx%n",
                r.get("emptyProfiled")[3], floor[3], bestRatio);
        double added = r.get("emptyProfiled")[2] - r.get("emptyPlain")[2];
        System.out.printf(Locale.ROOT, "empty profiled / floor: median ratio %.2fx of rounds (medians %.1f / %.1f ns) (target <= 1.30x); "
                + "bytes added per call: empty %.1f, small %.1f, 1 MB %.1f%n", ratio, empty[0], floor[0], added,
                r.get("smallProfiled")[2] - r.get("smallPlain")[2], r.get("oneMbProfiled")[2] - r.get("oneMbPlain")[2]);
        if (empty[0] - r.get("emptyPlain")[0] < floor[0] / 2) {
            System.out.println("WARNING: the profiled method costs about what its twin does: was the agent attached?");
        }
        System.out.printf(Locale.ROOT, "SUMMARY|hot path: empty profiled / floor, JDK %s, %d thr|%.2fx (%.1f / %.1f ns); fastest "
                        + "iterations %.2fx (%.1f / %.1f ns)|<= 1.30x|%s%n", jdk, threads, ratio, empty[0], floor[0], bestRatio,
                r.get("emptyProfiled")[3], floor[3], ratio <= 1.30 ? "met" : "MISSED");
        // -prof gc divides all of a thread's allocation by the calls made: within a fraction of a byte for
        // the empty and small methods (JMH's own few bytes per iteration spread over millions of calls), but
        // with ~1 MB per call and few calls, JMH's and the GC's own allocations show as noise. So the check is
        // absolute: the empty profiled method allocates nothing, the small one exactly its byte[64] (80 B).
        double emptyBytes = r.get("emptyProfiled")[2];
        double smallBytes = r.get("smallProfiled")[2];
        System.out.printf(Locale.ROOT, "SUMMARY|hot path: bytes per profiled call, JDK %s, %d thr|empty %.2f B, byte[64] %.2f B"
                        + "|0 B, 80 B|%s%n", jdk, threads, emptyBytes, smallBytes,
                emptyBytes < 0.5 && Math.abs(smallBytes - 80) < 0.5 ? "met" : "MISSED");
    }
}
