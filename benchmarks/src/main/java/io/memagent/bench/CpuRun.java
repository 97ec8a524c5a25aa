package io.memagent.bench;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The agent's CPU on an app doing real work: the steady-state process CPU time (every thread: the app's, the JIT's,
 * the GC's, the agent's) of the sample app ({@code peers.SampleWorkload}: {@code SampleApp} run in batches, the first
 * ones a warm-up) without the agent and with it, runs alternating (the order rotates every round), each run against
 * the no-agent run of its own round. Prints per side the paired ratio against the 1.05x target and where the extra
 * CPU goes: medians of the steady state's CPU per thread group, read from {@code /proc/self/task/TID/schedstat} in
 * the app (JIT C1 and C2, GC, the VM thread, each memagent thread; the app's pool threads, which end every batch,
 * are the remainder of the process's figure).
 *
 * <p>Arguments: {@code <agent jar> <class path> <runs> <sides> <batches> <rounds per batch> <warm-up batches>}; sides
 * a comma-separated list of {@code none}, {@code memory} (in-memory mode, the sample's {@code memagent.include}) and
 * {@code postgres} (also PostgreSQL and the HTTP API: {@code cpu.jdbc.url}, {@code cpu.jdbc.user} system
 * properties). Extra JVM options for every side: {@code cpu.jvm}; for the agent's sides only: {@code cpu.agent.jvm}.
 * A side may name a variant, {@code memory:V}: the agent jar in {@code cpu.variant.V.jar} (default the first
 * argument) and extra JVM options in {@code cpu.variant.V.jvm} (separated by {@code ;}), so two builds or settings are compared in one run.
 */
public final class CpuRun {
    static final double TARGET = 1.05;
    static final String SCHEMA = "memagent_bench_cpu";

    /** One run's steady-state figures. */
    record Run(String side, int round, double wallS, double cpuS, double jitS, long gcCount, Map<String, Double> groups) {
    }

    private CpuRun() {
    }

    public static void main(String[] args) throws Exception {
        String agent = args[0];
        String cp = args[1];
        int runs = Integer.parseInt(args[2]);
        List<String> sides = List.of(args[3].split(","));
        List<String> workload = List.of(args).subList(4, args.length);
        String jdk = System.getProperty("java.version");
        System.out.printf(Locale.ROOT, "Steady CPU of the sample app, JDK %s, %d cores, %d runs per side %s, workload"
                        + " %s; load average %s%n", jdk, Runtime.getRuntime().availableProcessors(), runs, sides,
                workload, loadAverage());
        List<Run> all = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            for (int k = 0; k < sides.size(); k++) {
                String side = sides.get((k + r) % sides.size());
                Run run = runOnce(agent, cp, side, r, workload);
                all.add(run);
                System.out.printf(Locale.ROOT, "round %d %-8s steady wall %6.2f s, CPU %6.2f s, JIT %5.2f s, %d GCs;"
                                + " load %s%n", r + 1, side, run.wallS, run.cpuS, run.jitS, run.gcCount,
                        loadAverage());
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Steady-state CPU per thread group, s (medians of %d runs); app (ended threads)"
                + " = the process's CPU less the live threads'%n", runs);
        TreeSet<String> groups = new TreeSet<>();
        all.forEach(r -> groups.addAll(r.groups().keySet()));
        groups.add("app (ended threads)");
        StringBuilder head = new StringBuilder("| group |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String side : sides) {
            head.append(' ').append(side).append(" |");
            rule.append("---|");
            if (!side.equals("none")) {
                head.append(' ').append(side).append(" - none |");
                rule.append("---|");
            }
        }
        System.out.println(head);
        System.out.println(rule);
        for (String g : groups) {
            printGroup(g, all, sides, r -> group(r, g));
        }
        printGroup("process", all, sides, Run::cpuS);
        printGroup("(JIT compilation time, MXBean)", all, sides, Run::jitS);
        System.out.println();
        for (String side : sides) {
            if (side.equals("none")) {
                continue;
            }
            double[] ratios = paired(all, side);
            if (ratios.length == 0) {
                continue;
            }
            double med = median(ratios);
            System.out.printf(Locale.ROOT, "SUMMARY|CPU: sample app steady state over no agent, %s, JDK %s|%.3fx"
                            + " (%.3f..%.3f, %d paired runs; load %s)|<= %.2fx|%s%n", label(side), jdk, med, ratios[0],
                    ratios[ratios.length - 1], ratios.length, loadAverage(), TARGET, med <= TARGET ? "met" : "MISSED");
        }
    }

    private static String label(String side) {
        return switch (side.replaceAll(":.*", "")) {
            case "memory" -> "memory mode";
            case "postgres" -> "PostgreSQL + HTTP API";
            default -> side;
        } + (side.contains(":") ? " (" + side.substring(side.indexOf(':') + 1) + ")" : "");
    }

    /** The CPU of group {@code g} in a run; the ended threads are what the live ones leave of the process's. */
    private static double group(Run r, String g) {
        if (g.equals("app (ended threads)")) {
            double live = r.groups().values().stream().mapToDouble(Double::doubleValue).sum();
            return r.cpuS() - live;
        }
        return r.groups().getOrDefault(g, 0.0);
    }

    private static void printGroup(String name, List<Run> all, List<String> sides,
                                   java.util.function.ToDoubleFunction<Run> f) {
        StringBuilder row = new StringBuilder("| " + name + " |");
        double none = median(all.stream().filter(r -> r.side().equals("none")).mapToDouble(f).toArray());
        for (String side : sides) {
            double v = median(all.stream().filter(r -> r.side().equals(side)).mapToDouble(f).toArray());
            row.append(String.format(Locale.ROOT, " %.3f |", v));
            if (!side.equals("none")) {
                row.append(String.format(Locale.ROOT, " %+.3f |", v - none));
            }
        }
        System.out.println(row);
    }

    private static double[] paired(List<Run> all, String side) {
        List<Double> out = new ArrayList<>();
        for (Run r : all) {
            if (!r.side().equals(side)) {
                continue;
            }
            for (Run n : all) {
                if (n.side().equals("none") && n.round() == r.round() && n.cpuS() > 0) {
                    out.add(r.cpuS() / n.cpuS());
                }
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return 0;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static Run runOnce(String agent, String cp, String side, int round, List<String> workload)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        addAll(cmd, System.getProperty("cpu.jvm", ""));
        String mode = side;
        int colon = side.indexOf(':');
        if (colon > 0) {
            mode = side.substring(0, colon);
            String v = side.substring(colon + 1);
            agent = System.getProperty("cpu.variant." + v + ".jar", agent);
            String opts = System.getProperty("cpu.variant." + v + ".jvm", "");
            addAll(cmd, opts.replace(';', ' ')); // ';' between options: the runner's own options are split at spaces
        }
        switch (mode) {
            case "none" -> { }
            case "memory", "postgres" -> {
                cmd.add("-javaagent:" + agent);
                cmd.add("-Dmemagent.include=io.memagent.sample.Csv*#write*");
                cmd.add("-Dmemagent.service.name=cpu-bench");
                addAll(cmd, System.getProperty("cpu.agent.jvm", ""));
                if (mode.equals("postgres")) {
                    cmd.add("-Dmemagent.jdbc.url=" + System.getProperty("cpu.jdbc.url",
                            "jdbc:postgresql://127.0.0.1:5432/test"));
                    cmd.add("-Dmemagent.jdbc.user=" + System.getProperty("cpu.jdbc.user", "postgres"));
                    cmd.add("-Dmemagent.db.schema=" + SCHEMA);
                    try (ServerSocket s = new ServerSocket(0)) {
                        cmd.add("-Dmemagent.http.port=" + s.getLocalPort());
                    }
                }
            }
            default -> throw new IllegalArgumentException("unknown side " + side);
        }
        cmd.addAll(List.of("-cp", cp, "io.memagent.bench.peers.SampleWorkload"));
        cmd.addAll(workload);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
        }
        double wall = 0;
        double cpu = 0;
        double jit = 0;
        long gcs = 0;
        Map<String, Double> groups = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\|");
            if (f.length < 3 || !f[0].equals("PEERS")) {
                continue;
            }
            switch (f[1]) {
                case "steady" -> {
                    wall = Long.parseLong(f[2]) / 1e9;
                    cpu = Long.parseLong(f[3]) / 1e9;
                }
                case "where" -> {
                    jit = Long.parseLong(f[2]) / 1e3;
                    gcs = Long.parseLong(f[4]);
                }
                case "threads" -> {
                    for (String kv : f[2].split(";")) {
                        int eq = kv.lastIndexOf('=');
                        groups.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)) / 1e9);
                    }
                }
                default -> { }
            }
        }
        if (cpu == 0) {
            throw new IllegalStateException("no steady-state figures in:\n" + out);
        }
        return new Run(side, round, wall, cpu, jit, gcs, groups);
    }

    private static void addAll(List<String> cmd, String options) {
        if (!options.isBlank()) {
            cmd.addAll(Arrays.asList(options.trim().split("\\s+")));
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "?";
        }
    }
}
