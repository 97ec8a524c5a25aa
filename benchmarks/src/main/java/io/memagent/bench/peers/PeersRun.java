package io.memagent.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * memagent side by side with JDK Flight Recorder and async-profiler on one workload: runs it several
 * times each way, the ways alternating (the order rotates every run, so a change in the machine's
 * load hits all alike), on the JDK running this class; then prints an accuracy table (per operation,
 * the bytes each tool gives against the truth or memagent's exact figure) and a cost table (wall, CPU
 * and peak RSS against no agent, start-up and steady state apart).
 *
 * <p>Arguments: {@code <agent jar> <class path> <output dir> <sample|small> <runs> <sides> <workload
 * args...>}, sides a comma-separated list of {@code none}, {@code memagent} (in-memory, plus the HTTP
 * port its figures are read from), {@code memagent-bare} (in-memory, nothing else: cost only),
 * {@code jfr} ({@code settings=profile}) and {@code async} (async-profiler {@code event=alloc}).
 *
 * <p>A peer's bytes for an operation are the weights of its allocation samples whose stack holds the
 * operation's method (inclusive, like memagent's figure): for an operation {@code Cls.m}, any frame
 * of a class whose simple name is {@code Cls} and method {@code m}. memagent's blocks and tracked work
 * have no frame of their own: {@code domains.batch} is compared with {@code SampleApp.domainJob}
 * (the block and 40 B around it) and {@code clicks.generate} with {@code ClickLog.generate}.
 */
public final class PeersRun {
    static final Map<String, String> ALIASES = Map.of(
            "domains.batch", "SampleApp.domainJob",
            "clicks.generate", "ClickLog.generate");
    static final List<String> PEERS = List.of("jfr", "async");

    private final String agent;
    private final String cp;
    private final Path out;
    private final String workload;
    private final List<String> workloadArgs;
    private final String asyncLib;
    private final ObjectMapper json = new ObjectMapper();

    /** One run of one side. */
    static final class Run {
        String side;
        int index;
        double wallS;
        double cpuS;
        long rssKib;
        double startupWallS;
        double startupCpuS;
        double steadyWallS;
        double steadyCpuS;
        double fetchWallS;
        double fetchCpuS;
        double jitS;
        double gcS;
        long gcCount;
        double toolThreadsCpuS;
        /** Bytes per operation as this run's tool attributes them (memagent: exact; peers: from stacks). */
        Map<String, Double> bytes = new LinkedHashMap<>();
        Map<String, Long> calls = new LinkedHashMap<>();
        /** The workload's own truth per operation (small calls only). */
        Map<String, Long> truth = new LinkedHashMap<>();
        /** The operations whose truth is calls times a fixed size (the others' is the workload's own counter). */
        Set<String> deterministic = new HashSet<>();
        double peerTotal;
    }

    private PeersRun(String[] args) throws IOException {
        agent = args[0];
        cp = args[1];
        out = Path.of(args[2]).toAbsolutePath();
        workload = args[3];
        workloadArgs = List.of(args).subList(6, args.length);
        Files.createDirectories(out);
        asyncLib = extractAsyncProfiler(out);
    }

    public static void main(String[] args) throws Exception {
        PeersRun p = new PeersRun(args);
        int runs = Integer.parseInt(args[4]);
        List<String> sides = List.of(args[5].split(","));
        p.run(runs, sides);
    }

    private void run(int runs, List<String> sides) throws Exception {
        String started = header();
        System.out.println("Peers, workload " + workload + " " + workloadArgs + ", " + started);
        List<Run> all = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            for (int k = 0; k < sides.size(); k++) {
                String side = sides.get((k + r) % sides.size());
                if (side.equals("async") && asyncLib == null) {
                    continue;
                }
                Run run = runOnce(side, r);
                all.add(run);
                System.out.printf(Locale.ROOT, "run %d %-13s wall %6.2f s, CPU %6.2f s, steady wall %6.2f s, CPU %6.2f s, "
                                + "RSS %4d MiB%n", r + 1, side, run.wallS, run.cpuS, run.steadyWallS, run.steadyCpuS,
                        run.rssKib / 1024);
            }
        }
        String loadEnd = loadAverage();
        System.out.println();
        System.out.println("Finished " + utcNow() + ", load average " + loadEnd);
        writeCsv(all);
        accuracy(all, sides);
        cost(all, sides, runs);
    }

    // ---------------------------------------------------------------- running

    private Run runOnce(String side, int index) throws Exception {
        String tag = workload + "-" + side + "-" + (index + 1);
        Path log = out.resolve(tag + ".log");
        Path time = out.resolve(tag + ".time");
        List<String> cmd = new ArrayList<>();
        boolean timed = Files.isExecutable(Path.of("/usr/bin/time"));
        if (timed) {
            cmd.addAll(List.of("/usr/bin/time", "-o", time.toString(), "-f", "%e %U %S %M"));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path figures = out.resolve(tag + ".json");
        Path jfr = out.resolve(tag + ".jfr");
        Path collapsed = out.resolve(tag + ".collapsed");
        switch (side) {
            case "none" -> { }
            case "memagent" -> {
                int port = freePort();
                cmd.add("-javaagent:" + agent);
                cmd.add("-Dmemagent.http.port=" + port);
                cmd.add("-Dpeers.api=http://127.0.0.1:" + port);
                cmd.add("-Dpeers.out=" + figures);
                cmd.add("-Dmemagent.include=" + include());
            }
            case "memagent-bare" -> {
                cmd.add("-javaagent:" + agent);
                cmd.add("-Dmemagent.include=" + include());
            }
            case "jfr" -> cmd.add("-XX:StartFlightRecording:settings=profile,filename=" + jfr);
            case "async" -> cmd.add("-agentpath:" + asyncLib + "=start,event=alloc,total,collapsed,file=" + collapsed);
            default -> throw new IllegalArgumentException("unknown side " + side);
        }
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(workload.equals("sample") ? SampleWorkload.class.getName() : SmallCallsWorkload.class.getName());
        cmd.addAll(workloadArgs);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int exit = p.waitFor();
        double wall = (System.nanoTime() - t0) / 1e9;
        String output = Files.readString(log);
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited with " + exit + ":\n" + output);
        }
        Run run = new Run();
        run.side = side;
        run.index = index;
        run.wallS = wall;
        if (timed) {
            String[] f = Files.readString(time).trim().split("\\s+");
            String[] last = Arrays.copyOfRange(f, f.length - 4, f.length); // /usr/bin/time may print a status line first
            run.wallS = Double.parseDouble(last[0]);
            run.cpuS = Double.parseDouble(last[1]) + Double.parseDouble(last[2]);
            run.rssKib = Long.parseLong(last[3]);
        }
        for (String line : output.split("\n")) {
            String[] f = line.trim().split("\\|");
            if (f.length < 2 || !f[0].equals("PEERS")) {
                continue;
            }
            switch (f[1]) {
                case "startup" -> {
                    run.startupWallS = Long.parseLong(f[2]) / 1e9;
                    run.startupCpuS = Long.parseLong(f[3]) / 1e9;
                }
                case "steady" -> {
                    run.steadyWallS = Long.parseLong(f[2]) / 1e9;
                    run.steadyCpuS = Long.parseLong(f[3]) / 1e9;
                }
                case "hwm_kib" -> {
                    if (!timed) {
                        run.rssKib = Long.parseLong(f[2]);
                    }
                }
                case "where" -> {
                    run.jitS = Long.parseLong(f[2]) / 1e3;
                    run.gcS = Long.parseLong(f[3]) / 1e3;
                    run.gcCount = Long.parseLong(f[4]);
                    run.toolThreadsCpuS = Long.parseLong(f[5]) / 1e9;
                }
                case "fetch" -> {
                    run.fetchWallS = Long.parseLong(f[2]) / 1e9;
                    run.fetchCpuS = Long.parseLong(f[3]) / 1e9;
                }
                case "truth" -> {
                    run.truth.put(f[2], Long.parseLong(f[4]));
                    if (f[5].endsWith("B per call")) {
                        run.deterministic.add(f[2]);
                    }
                }
                default -> { }
            }
        }
        // memagent's reading of its own figures comes after the timed work: not a cost of profiling.
        run.wallS -= run.fetchWallS;
        run.cpuS -= run.fetchCpuS;
        switch (side) {
            case "memagent" -> readMemagent(run, figures);
            case "jfr" -> readJfr(run, jfr);
            case "async" -> readCollapsed(run, collapsed);
            default -> { }
        }
        return run;
    }

    private String include() {
        return workload.equals("sample") ? "io.memagent.sample.Csv*#write*"
                : "com.fasterxml.jackson.databind.ObjectMapper#readTree";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** async-profiler's native library, from its Maven jar on our class path; null (with the reason) if absent. */
    private static String extractAsyncProfiler(Path dir) throws IOException {
        String arch = System.getProperty("os.arch").equals("aarch64") ? "linux-arm64" : "linux-x64";
        try (InputStream in = PeersRun.class.getClassLoader().getResourceAsStream(arch + "/libasyncProfiler.so")) {
            if (in == null || !System.getProperty("os.name").equals("Linux")) {
                System.out.println("async-profiler: no " + arch + "/libasyncProfiler.so on the class path; left out");
                return null;
            }
            Path lib = dir.resolve("libasyncProfiler.so");
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            return lib.toString();
        }
    }

    // ---------------------------------------------------------------- reading each tool's figures

    private void readMemagent(Run run, Path figures) throws IOException {
        JsonNode root = json.readTree(figures.toFile());
        for (JsonNode op : root.get("operations")) {
            run.bytes.put(op.get("operation").asText(), op.get("total_bytes").asDouble());
            run.calls.put(op.get("operation").asText(), op.get("calls").asLong());
        }
    }

    /** JFR: jdk.ObjectAllocationSample's weight, per operation whose method is on the sample's stack. */
    private static void readJfr(Run run, Path file) throws IOException {
        Map<String, Double> bytes = new TreeMap<>();
        double total = 0;
        try (RecordingFile rf = new RecordingFile(file)) {
            while (rf.hasMoreEvents()) {
                RecordedEvent e = rf.readEvent();
                if (!e.getEventType().getName().equals("jdk.ObjectAllocationSample")) {
                    continue;
                }
                long weight = e.getLong("weight");
                total += weight;
                if (e.getStackTrace() == null) {
                    continue;
                }
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : e.getStackTrace().getFrames()) {
                    if (f.getMethod() == null) {
                        continue;
                    }
                    String type = f.getMethod().getType().getName();
                    seen.add(type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName());
                }
                for (String key : seen) {
                    bytes.merge(key, (double) weight, Double::sum);
                }
            }
        }
        run.bytes = bytes;
        run.peerTotal = total;
    }

    private static final Pattern SUFFIX = Pattern.compile("_\\[.]$");

    /** async-profiler's collapsed stacks with {@code total}: each line's frames and its bytes. */
    private static void readCollapsed(Run run, Path file) throws IOException {
        Map<String, Double> bytes = new TreeMap<>();
        double total = 0;
        for (String line : Files.readAllLines(file)) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            double weight = Double.parseDouble(line.substring(space + 1));
            total += weight;
            Set<String> seen = new HashSet<>();
            for (String frame : line.substring(0, space).split(";")) {
                String f = SUFFIX.matcher(frame).replaceAll("").replace('/', '.');
                int paren = f.indexOf('(');
                if (paren >= 0) {
                    f = f.substring(0, paren);
                }
                int dot = f.lastIndexOf('.');
                if (dot <= 0) {
                    continue;
                }
                String type = f.substring(0, dot);
                seen.add(type.substring(type.lastIndexOf('.') + 1) + f.substring(dot));
            }
            for (String key : seen) {
                bytes.merge(key, weight, Double::sum);
            }
        }
        run.bytes = bytes;
        run.peerTotal = total;
    }

    /** A peer's bytes for one of memagent's operations: its method's frame, or the alias's. */
    static double peerBytes(Run run, String op) {
        return run.bytes.getOrDefault(ALIASES.getOrDefault(op, op), 0.0);
    }

    // ---------------------------------------------------------------- tables

    private void accuracy(List<Run> all, List<String> sides) {
        List<Run> mem = of(all, "memagent");
        boolean haveTruth = !all.isEmpty() && !all.get(0).truth.isEmpty();
        // The reference: the workload's truth where it knows it, else memagent's exact figure (median of its runs).
        Map<String, Double> ref = new LinkedHashMap<>();
        if (haveTruth) {
            for (String op : all.get(0).truth.keySet()) {
                ref.put(op, median(all, r -> r.truth.getOrDefault(op, 0L), op));
            }
        } else if (!mem.isEmpty()) {
            for (String op : mem.get(0).bytes.keySet()) {
                ref.put(op, median(mem, r -> r.bytes.getOrDefault(op, 0.0), op));
            }
        } else {
            System.out.println("(no memagent run and no truth: no accuracy table)");
            return;
        }
        List<String> ops = new ArrayList<>(ref.keySet());
        ops.sort((a, b) -> Double.compare(ref.get(b), ref.get(a)));
        String refName = haveTruth ? "truth" : "memagent (exact)";
        System.out.println();
        System.out.println("Accuracy, " + workload + ", JDK " + System.getProperty("java.version") + ": bytes per "
                + "operation over the whole run (median of the runs), and each tool's error against " + refName
                + " (median, min..max over the runs)");
        StringBuilder h = new StringBuilder("| operation | " + refName + " |");
        StringBuilder sep = new StringBuilder("|---|---|");
        if (haveTruth && !mem.isEmpty()) {
            h.append(" memagent | memagent error |");
            sep.append("---|---|");
        } else if (!mem.isEmpty()) {
            h.append(" memagent's own spread over runs |");
            sep.append("---|");
        }
        for (String peer : PEERS) {
            if (sides.contains(peer) && !of(all, peer).isEmpty()) {
                h.append(' ').append(label(peer)).append(" | ").append(label(peer)).append(" error |");
                sep.append("---|---|");
            }
        }
        System.out.println(h);
        System.out.println(sep);
        for (String op : ops) {
            double truth = ref.get(op);
            StringBuilder row = new StringBuilder("| " + op + (ALIASES.containsKey(op) ? " (as " + ALIASES.get(op) + ")" : "")
                    + " | " + bytes(truth) + " |");
            if (haveTruth && !mem.isEmpty()) {
                // memagent against the truth of the same run: the exact figure must match it to the byte.
                double[] err = new double[mem.size()];
                long worstAbs = 0;
                for (int i = 0; i < mem.size(); i++) {
                    Run r = mem.get(i);
                    double t = r.truth.getOrDefault(op, 0L);
                    double m = r.bytes.getOrDefault(op, 0.0);
                    err[i] = relative(m, t);
                    worstAbs = Math.max(worstAbs, Math.abs((long) (m - t)));
                }
                row.append(' ').append(bytes(median(mem, r -> r.bytes.getOrDefault(op, 0.0), op))).append(" | ")
                        .append(worstAbs == 0 ? "0 (exact, every run)" : errors(err) + "; up to " + worstAbs + " B off"
                                + (r0(mem).deterministic.contains(op) ? "" : " (see below)"))
                        .append(" |");
            } else if (!mem.isEmpty()) {
                double[] err = new double[mem.size()];
                for (int i = 0; i < mem.size(); i++) {
                    err[i] = relative(mem.get(i).bytes.getOrDefault(op, 0.0), truth);
                }
                Arrays.sort(err);
                row.append(' ').append(err[0] == 0 && err[err.length - 1] == 0 ? "none"
                        : pct(err[0]) + ".." + pct(err[err.length - 1])).append(" |");
            }
            for (String peer : PEERS) {
                List<Run> runs = of(all, peer);
                if (!sides.contains(peer) || runs.isEmpty()) {
                    continue;
                }
                double[] err = new double[runs.size()];
                for (int i = 0; i < runs.size(); i++) {
                    Run r = runs.get(i);
                    double t = haveTruth ? r.truth.getOrDefault(op, 0L) : truth;
                    err[i] = relative(peerBytes(r, op), t);
                }
                double med = median(runs, r -> peerBytes(r, op), op);
                row.append(' ').append(med == 0 ? "0 (missed)" : bytes(med)).append(" | ").append(errors(err)).append(" |");
            }
            System.out.println(row);
        }
        // Ranking: pairs of operations whose order (by bytes) differs from the reference's.
        List<String> ranked = new ArrayList<>();
        for (String op : ops) {
            if (ref.get(op) > 0) {
                ranked.add(op);
            }
        }
        int pairs = ranked.size() * (ranked.size() - 1) / 2;
        StringBuilder rank = new StringBuilder("| ranking: pairs of operations out of the reference's order (of " + pairs
                + "), min..max over runs | |");
        if (haveTruth && !mem.isEmpty()) {
            rank.append(' ').append(discordance(mem, ranked, ref, false)).append(" | |");
        } else if (!mem.isEmpty()) {
            rank.append(' ').append(discordance(mem, ranked, ref, false)).append(" |");
        }
        for (String peer : PEERS) {
            List<Run> runs = of(all, peer);
            if (sides.contains(peer) && !runs.isEmpty()) {
                rank.append(' ').append(discordance(runs, ranked, ref, true)).append(" | |");
            }
        }
        System.out.println(rank);
        for (String peer : PEERS) {
            List<Run> runs = of(all, peer);
            if (!runs.isEmpty()) {
                System.out.printf(Locale.ROOT, "%s: all its samples together weigh %s (median of %d runs)%n", label(peer),
                        bytes(median(runs, r -> r.peerTotal, "total")), runs.size());
            }
        }
        if (haveTruth && !mem.isEmpty()) {
            long worst = 0;
            for (Run r : mem) {
                for (Map.Entry<String, Long> t : r.truth.entrySet()) {
                    if (!r.deterministic.contains(t.getKey())) {
                        continue;
                    }
                    worst = Math.max(worst, Math.abs((long) (r.bytes.getOrDefault(t.getKey(), 0.0) - t.getValue())));
                }
            }
            for (String op : ops) {
                if (!r0(mem).deterministic.contains(op)) {
                    System.out.println(op + ": the truth is the workload's own counter around each call, which in memagent's runs"
                            + " also sees the agent's own bookkeeping on the app's thread outside the method's window (a thread's"
                            + " first call of an operation, and a histogram row the first time a call's size falls in a new range)");
                }
            }
            System.out.printf(Locale.ROOT, "SUMMARY|peers: memagent's error on %d deterministic operations x %d runs, JDK %s|"
                            + "largest difference %d B|0|%s%n", r0(mem).deterministic.size(), mem.size(),
                    System.getProperty("java.version"), worst, worst == 0 ? "met" : "MISSED");
        }
    }

    private static Run r0(List<Run> runs) {
        return runs.get(0);
    }

    private static String discordance(List<Run> runs, List<String> ranked, Map<String, Double> ref, boolean peer) {
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (Run r : runs) {
            int bad = 0;
            for (int i = 0; i < ranked.size(); i++) {
                for (int j = i + 1; j < ranked.size(); j++) {
                    String a = ranked.get(i);
                    String b = ranked.get(j);
                    if (ref.get(a).equals(ref.get(b))) {
                        continue;
                    }
                    double va = peer ? peerBytes(r, a) : r.bytes.getOrDefault(a, 0.0);
                    double vb = peer ? peerBytes(r, b) : r.bytes.getOrDefault(b, 0.0);
                    if (va <= vb) { // the reference has a > b
                        bad++;
                    }
                }
            }
            min = Math.min(min, bad);
            max = Math.max(max, bad);
        }
        return min == max ? Integer.toString(min) : min + ".." + max;
    }

    private void cost(List<Run> all, List<String> sides, int runs) {
        System.out.println();
        System.out.println("Cost, " + workload + ", JDK " + System.getProperty("java.version") + ": medians of " + runs
                + " alternating runs; ratios are per run against the no-agent run of the same round, median (min..max)");
        System.out.println("| side | whole run: wall | CPU | start-up wall (JVM start to end of warm-up) | steady state: wall"
                + " | steady wall vs none | steady CPU | steady CPU vs none | whole wall vs none | whole CPU vs none | peak RSS |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        List<Run> none = of(all, "none");
        for (String side : sides) {
            List<Run> rs = of(all, side);
            if (rs.isEmpty()) {
                continue;
            }
            System.out.printf(Locale.ROOT, "| %s | %.2f s | %.2f s | %.2f s | %.2f s | %s | %.2f s | %s | %s | %s | %d MiB |%n",
                    label(side), median(rs, r -> r.wallS, ""), median(rs, r -> r.cpuS, ""),
                    median(rs, r -> r.startupWallS, ""), median(rs, r -> r.steadyWallS, ""),
                    ratio(rs, none, r -> r.steadyWallS), median(rs, r -> r.steadyCpuS, ""),
                    ratio(rs, none, r -> r.steadyCpuS), ratio(rs, none, r -> r.wallS), ratio(rs, none, r -> r.cpuS),
                    Math.round(median(rs, r -> r.rssKib, "") / 1024));
        }
        System.out.println();
        System.out.println("Where the steady state's time goes, " + workload + ", JDK " + System.getProperty("java.version")
                + " (medians): the steady CPU over no agent's, JIT compilation time, GC pauses, and the CPU of the tool's"
                + " own Java threads (memagent-*, JFR *; async-profiler has none)");
        System.out.println("| side | steady CPU over no agent | JIT compilation | GC pauses (count) | tool's own threads' CPU |");
        System.out.println("|---|---|---|---|---|");
        double noneCpu = median(none, r -> r.steadyCpuS, "");
        for (String side : sides) {
            List<Run> rs = of(all, side);
            if (!rs.isEmpty()) {
                System.out.printf(Locale.ROOT, "| %s | %+.2f s | %.2f s | %.2f s (%.0f) | %.2f s |%n", label(side),
                        median(rs, r -> r.steadyCpuS, "") - noneCpu, median(rs, r -> r.jitS, ""),
                        median(rs, r -> r.gcS, ""), median(rs, r -> r.gcCount, ""), median(rs, r -> r.toolThreadsCpuS, ""));
            }
        }
        if (workload.equals("sample") && !none.isEmpty()) {
            for (String side : List.of("memagent", "memagent-bare", "jfr", "async")) {
                List<Run> rs = of(all, side);
                if (rs.isEmpty()) {
                    continue;
                }
                double w = pairedMedian(rs, none, r -> r.steadyWallS);
                double c = pairedMedian(rs, none, r -> r.steadyCpuS);
                boolean ours = side.startsWith("memagent");
                System.out.printf(Locale.ROOT, "SUMMARY|peers: %s steady-state overhead over no agent, sample app, JDK %s|"
                                + "wall %+.1f%%, CPU %+.1f%% (median of %d paired runs)|%s|%s%n", label(side),
                        System.getProperty("java.version"), (w - 1) * 100, (c - 1) * 100, rs.size(),
                        ours ? "<= 5%" : "(compare)", ours ? (w <= 1.05 && c <= 1.05 ? "met" : "MISSED") : "info");
            }
        }
    }

    private static String label(String side) {
        return switch (side) {
            case "none" -> "no agent";
            case "memagent" -> "memagent";
            case "memagent-bare" -> "memagent (no HTTP)";
            case "jfr" -> "JFR profile";
            case "async" -> "async-profiler alloc";
            default -> side;
        };
    }

    private static List<Run> of(List<Run> all, String side) {
        List<Run> out = new ArrayList<>();
        for (Run r : all) {
            if (r.side.equals(side)) {
                out.add(r);
            }
        }
        return out;
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> f, String what) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return 0;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double[] paired(List<Run> side, List<Run> none, ToDoubleFunction<Run> f) {
        List<Double> out = new ArrayList<>();
        for (Run r : side) {
            for (Run n : none) {
                if (n.index == r.index && f.applyAsDouble(n) > 0) {
                    out.add(f.applyAsDouble(r) / f.applyAsDouble(n));
                }
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    private static double pairedMedian(List<Run> side, List<Run> none, ToDoubleFunction<Run> f) {
        double[] v = paired(side, none, f);
        return v.length == 0 ? Double.NaN
                : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String ratio(List<Run> side, List<Run> none, ToDoubleFunction<Run> f) {
        double[] v = paired(side, none, f);
        if (v.length == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.3fx (%.3f..%.3f)", pairedMedian(side, none, f), v[0], v[v.length - 1]);
    }

    private static double relative(double measured, double truth) {
        if (truth == 0) {
            return measured == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return (measured - truth) / truth;
    }

    private static String errors(double[] err) {
        double[] v = err.clone();
        Arrays.sort(v);
        double med = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return pct(med) + " (" + pct(v[0]) + ".." + pct(v[v.length - 1]) + ")";
    }

    private static String pct(double e) {
        if (Double.isInfinite(e)) {
            return "n/a (truth 0)";
        }
        return String.format(Locale.ROOT, "%+.1f%%", e * 100);
    }

    static String bytes(double b) {
        if (b >= 1024 * 1024 * 1024.0) {
            return String.format(Locale.ROOT, "%.2f GiB", b / (1024 * 1024 * 1024.0));
        }
        if (b >= 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", b / (1024 * 1024.0));
        }
        if (b >= 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        }
        return String.format(Locale.ROOT, "%.0f B", b);
    }

    // ---------------------------------------------------------------- context

    private static String header() throws IOException {
        String cpu = "?";
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                cpu = line.substring(line.indexOf(':') + 1).trim();
                break;
            }
        }
        long memKib = 0;
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                memKib = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return String.format(Locale.ROOT, "%s, %d cores (%s), %.0f GiB; JDK %s (%s %s); load average %s", utcNow(),
                Runtime.getRuntime().availableProcessors(), cpu, memKib / 1048576.0, System.getProperty("java.version"),
                System.getProperty("java.vm.vendor"), System.getProperty("java.vm.version"), loadAverage());
    }

    private static String utcNow() {
        return ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private void writeCsv(List<Run> all) throws IOException {
        StringBuilder sb = new StringBuilder("workload,jdk,side,run,wall_s,cpu_s,rss_kib,startup_wall_s,startup_cpu_s,"
                + "steady_wall_s,steady_cpu_s\n");
        for (Run r : all) {
            sb.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%.3f,%.3f,%d,%.3f,%.3f,%.3f,%.3f%n", workload,
                    System.getProperty("java.version"), r.side, r.index + 1, r.wallS, r.cpuS, r.rssKib, r.startupWallS,
                    r.startupCpuS, r.steadyWallS, r.steadyCpuS));
        }
        Path csv = out.resolve(workload + "-runs.csv");
        Files.writeString(csv, sb.toString());
        System.out.println("Per-run figures: " + csv + " (logs, .jfr, .collapsed and memagent's .json beside it)");
    }
}
