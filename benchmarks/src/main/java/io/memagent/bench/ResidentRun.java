package io.memagent.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The agent's resident memory: peak RSS ({@code VmHWM} in {@code /proc/PID/status}) of {@link ResidentApp} (one
 * small profiled call every 10 ms, {@code -Xms128m -Xmx128m -XX:+AlwaysPreTouch}) after a fixed time, without the
 * agent, with it in memory mode, and with it writing to PostgreSQL and serving the HTTP API. Sides alternate, each
 * round against its own no-agent run; prints the median deltas against the targets.
 *
 * <p>Arguments: {@code <agent jar> <app class path> <jdbc url> <jdbc user> <seconds per run> <rounds>}; extra JVM
 * options for every side in the system property {@code resident.jvm} (space separated, e.g.
 * {@code -XX:NativeMemoryTracking=summary}). The JDK is this one's. Linux only.
 */
public final class ResidentRun {
    private static final String SCHEMA = "memagent_bench_rss";

    private ResidentRun() {
    }

    public static void main(String[] args) throws Exception {
        String agent = args[0];
        String cp = args[1];
        String url = args[2];
        String user = args[3];
        int seconds = Integer.parseInt(args[4]);
        int rounds = Integer.parseInt(args[5]);
        List<String> memory = List.of("-javaagent:" + agent, "-Dmemagent.service.name=rss-bench");
        List<String> postgres = new ArrayList<>(memory);
        postgres.addAll(List.of("-Dmemagent.jdbc.url=" + url, "-Dmemagent.jdbc.user=" + user,
                "-Dmemagent.db.schema=" + SCHEMA, "-Dmemagent.http.port=0"));
        List<List<String>> sides = List.of(List.of(), memory, postgres);
        String[] names = {"no agent", "memory mode", "PostgreSQL + HTTP API"};
        long[][] hwm = new long[3][rounds];
        for (int i = 0; i < rounds; i++) {
            for (int s = 0; s < 3; s++) {
                hwm[s][i] = peakRssKb(sides.get(s), cp, seconds);
            }
            System.out.printf(Locale.ROOT, "round %d: peak RSS %,d KB without the agent, %,d KB memory mode, %,d KB"
                    + " PostgreSQL + HTTP%n", i + 1, hwm[0][i], hwm[1][i], hwm[2][i]);
        }
        String jdk = System.getProperty("java.version");
        long[] targetsMb = {0, 10, 30};
        for (int s = 1; s < 3; s++) {
            long[] delta = new long[rounds];
            for (int i = 0; i < rounds; i++) {
                delta[i] = hwm[s][i] - hwm[0][i];
            }
            Arrays.sort(delta);
            double mib = delta[rounds / 2] / 1024.0;
            double base = SpringStartupRun.median(hwm[0]) / 1024.0;
            System.out.printf(Locale.ROOT, "SUMMARY|resident memory: peak RSS over no agent, %s, JDK %s|%+.1f MiB"
                            + " (no agent %.1f MiB; deltas %s KB)|<= +%d MiB|%s%n", names[s], jdk, mib, base,
                    Arrays.toString(delta), targetsMb[s], mib <= targetsMb[s] ? "met" : "MISSED");
        }
    }

    /** One run: VmHWM in KB after {@code seconds}, then the JVM is stopped. */
    static long peakRssKb(List<String> agentArgs, String cp, int seconds) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String extra = System.getProperty("resident.jvm", "").trim();
        if (!extra.isEmpty()) {
            cmd.addAll(Arrays.asList(extra.split("\\s+")));
        }
        cmd.addAll(List.of("-Xms128m", "-Xmx128m", "-XX:+AlwaysPreTouch"));
        cmd.addAll(agentArgs);
        cmd.addAll(List.of("-cp", cp, "io.memagent.bench.ResidentApp"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(
                ProcessBuilder.Redirect.DISCARD).start();
        try {
            Thread.sleep(seconds * 1000L);
            if (!p.isAlive()) {
                throw new IllegalStateException(String.join(" ", cmd) + " exited with " + p.exitValue());
            }
            String hook = System.getProperty("resident.hook", ""); // e.g. a jcmd to run against the pid
            if (!hook.isEmpty()) {
                new ProcessBuilder("sh", "-c", hook.replace("PID", String.valueOf(p.pid()))).inheritIO().start()
                        .waitFor();
            }
            for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            throw new IllegalStateException("no VmHWM in /proc/" + p.pid() + "/status");
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }
}
