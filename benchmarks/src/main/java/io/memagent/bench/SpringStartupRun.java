package io.memagent.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What {@code -javaagent} costs a Spring Boot fat jar (the {@code spring-app}: embedded Tomcat, JdbcTemplate over
 * HikariCP and pgjdbc) until users feel it ready, measured from launching {@code java}:
 * <ul>
 *   <li><b>started</b>: until Spring's own {@code Started ... in} line appears on the app's stdout;</li>
 *   <li><b>first answered request</b>: until the first {@code GET /orders/1} is answered 200 (the runner tries to
 *       connect every 5 ms from the launch on; the first request also pays the dispatcher's lazy start and whatever
 *       weaving the request's classes need).</li>
 * </ul>
 * The sides alternate run by run, so a change in the machine's load hits all alike: no agent; an agent that does
 * nothing ({@link NoOpAgent}: the JVM's own cost of {@code -javaagent}); the same agent with a transformer that
 * changes nothing (the JVM's cost of showing every class load to an agent, which any agent that weaves classes as
 * they load pays); {@code -javaagent}; {@code -javaagent} with
 * {@code memagent.attribute.jdbc} and {@code .http}; with {@code -Dbench.other.agent=<jar>}, those two again with
 * another build, to compare two builds in one run. Prints each side's medians and the ratios against the run's own
 * no-agent medians, with the targets, the median and middle half of the rounds' own ratios (each side against the
 * no-agent run of its round), for how much of a figure is the machine, and each agent side over those two floors.
 * The order {@code 1} must exist in the app's table ({@code startup-spring.sh} makes it).
 *
 * <p>Arguments: {@code <agent jar> <spring-app jar> <jdbc url> <schema> <runs per side>}; the JDK is this one's.
 */
public final class SpringStartupRun {
    private static final long TIMEOUT_MS = 120_000;

    private SpringStartupRun() {
    }

    /** Wall times from the launch, and the app's CPU (user and system, all its threads) at its started line. */
    record Times(long startedMs, long firstRequestMs, long startedCpuMs) {
    }

    /** One way of launching the app: its JVM options, and the targets of its ratios over no agent (0: none). */
    record Side(String name, List<String> jvmArgs, double startedTarget, double firstTarget) {
    }

    public static void main(String[] args) throws Exception {
        String agent = args[0];
        String jar = args[1];
        String url = args[2];
        String schema = args[3];
        int runs = Integer.parseInt(args[4]);
        String other = System.getProperty("bench.other.agent", "");
        List<Side> sides = new ArrayList<>();
        sides.add(new Side("no agent", List.of(), 0, 0));
        Path noop = NoOpAgent.writeJar(true);
        sides.add(new Side("an agent that does nothing", List.of("-javaagent:" + noop), 0, 0));
        sides.add(new Side("an agent that sees every class load", List.of("-javaagent:" + noop + "="
                + NoOpAgent.SEE_CLASS_LOADS), 0, 0));
        sides.add(new Side("-javaagent", agentArgs(agent, false), 1.03, 1.05));
        sides.add(new Side("-javaagent + jdbc/http attribution", agentArgs(agent, true), 1.05, 1.10));
        if (!other.isEmpty()) { // another build, to compare two in one run
            sides.add(new Side("-javaagent " + other, agentArgs(other, false), 1.03, 1.05));
            sides.add(new Side("-javaagent " + other + " + jdbc/http attribution", agentArgs(other, true), 1.05,
                    1.10));
        }
        int n = sides.size();
        for (Side side : sides) { // warms the page cache, not counted
            run(side.jvmArgs, jar, url, schema);
        }
        long[][] started = new long[n][runs];
        long[][] first = new long[n][runs];
        long[][] cpu = new long[n][runs];
        for (int i = 0; i < runs; i++) {
            for (int s = 0; s < n; s++) {
                Times t = run(sides.get(s).jvmArgs, jar, url, schema);
                started[s][i] = t.startedMs;
                first[s][i] = t.firstRequestMs;
                cpu[s][i] = t.startedCpuMs;
            }
        }
        String jdk = System.getProperty("java.version");
        for (int s = 0; s < n; s++) {
            System.out.printf(Locale.ROOT, "%s: started %s ms; first answered request %s ms; CPU at started %s ms%n",
                    sides.get(s).name, Arrays.toString(started[s]), Arrays.toString(first[s]),
                    Arrays.toString(cpu[s]));
        }
        double s0 = median(started[0]);
        double f0 = median(first[0]);
        for (int s = 1; s < n; s++) {
            Side side = sides.get(s);
            double sm = median(started[s]);
            double fm = median(first[s]);
            summary("Spring Boot started (launch to \"Started ... in\"), " + side.name + ", JDK " + jdk,
                    sm / s0, s0, sm, runs, side.startedTarget, pairedRatios(started[s], started[0]));
            summary("Spring Boot first answered GET /orders/1, " + side.name + ", JDK " + jdk,
                    fm / f0, f0, fm, runs, side.firstTarget, pairedRatios(first[s], first[0]));
            // Not a target: the CPU the agent adds until started, which a busy machine stretches less than the wall.
            double c0 = median(cpu[0]);
            double cm = median(cpu[s]);
            System.out.printf(Locale.ROOT, "SUMMARY|Spring Boot CPU until started (all threads), %s, JDK %s|%.2fx"
                            + " (%,.0f -> %,.0f ms, %+,.0f ms, median of %d; middle half of the rounds %s)"
                            + "|(information)|-%n", side.name, jdk, cm / c0, c0, cm, cm - c0, runs,
                    middleHalf(pairedRatios(cpu[s], cpu[0])));
        }
        // What an agent can be held to: its figures over the JVM's own cost of any agent, and of any agent that
        // sees class loads, from the same rounds.
        for (int floor = 1; floor <= 2; floor++) {
            for (int s = floor + 1; s < n; s++) {
                System.out.printf(Locale.ROOT, "SUMMARY|Spring Boot over %s, %s, JDK %s|started %+,.0f ms, first"
                                + " answered request %+,.0f ms, CPU until started %+,.0f ms (medians; round by round"
                                + " started %.2fx, first %.2fx)|(information)|-%n", sides.get(floor).name,
                        sides.get(s).name, jdk, median(started[s]) - median(started[floor]),
                        median(first[s]) - median(first[floor]), median(cpu[s]) - median(cpu[floor]),
                        pairedMedian(pairedRatios(started[s], started[floor])),
                        pairedMedian(pairedRatios(first[s], first[floor])));
            }
        }
    }

    private static List<String> agentArgs(String agent, boolean attribution) {
        List<String> a = new ArrayList<>(List.of("-javaagent:" + agent, "-Dmemagent.service.name=startup-bench"));
        if (attribution) {
            a.addAll(List.of("-Dmemagent.attribute.jdbc=true", "-Dmemagent.attribute.http=true"));
        }
        return a;
    }

    static double pairedMedian(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * Each round's ratio against the no-agent run of the same round, sorted: a slow drift in the machine's load
     * cancels within a round, and the middle half of these says how far one figure can be trusted.
     */
    static double[] pairedRatios(long[] with, long[] without) {
        double[] r = new double[with.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (double) with[i] / without[i];
        }
        Arrays.sort(r);
        return r;
    }

    /** The middle half of sorted ratios, as {@code 0.95x..1.05x}. */
    static String middleHalf(double[] sorted) {
        int n = sorted.length;
        return String.format(Locale.ROOT, "%.2fx..%.2fx", sorted[n / 4], sorted[(3 * n - 1) / 4]);
    }

    private static void summary(String what, double ratio, double base, double with, int runs, double target,
                                double[] paired) {
        System.out.printf(Locale.ROOT, "SUMMARY|%s|%.2fx (%,.0f -> %,.0f ms, %+,.0f ms, median of %d; round by round"
                        + " %.2fx, middle half %s)|%s|%s%n",
                what, ratio, base, with, with - base, runs, pairedMedian(paired), middleHalf(paired),
                target > 0 ? String.format(Locale.ROOT, "<= %.2fx", target) : "(information)",
                target <= 0 ? "-" : ratio <= target ? "met" : "MISSED");
    }

    static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    }

    /** One launch: the times to Spring's started line and to the first 200, then the JVM is stopped. */
    static Times run(List<String> jvmArgs, String jar, String url, String schema) throws Exception {
        int port = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-jar", jar, "--server.port=" + port, "--server.address=127.0.0.1",
                "--spring.datasource.url=" + url, "--app.schema=" + schema));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        long[] startedAt = {-1};
        long[] startedCpu = {-1};
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (startedAt[0] < 0 && line.contains("Started ") && line.contains(" in ")) {
                        long now = System.nanoTime();
                        long cpu = cpuMillis(p.pid());
                        synchronized (startedAt) {
                            startedAt[0] = now;
                            startedCpu[0] = cpu;
                        }
                    }
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                }
            } catch (Exception e) {
                // the process ended
            }
        }, "app-output");
        reader.setDaemon(true);
        reader.start();
        try {
            long answeredAt = -1;
            while (answeredAt < 0) {
                if (!p.isAlive() || System.nanoTime() - t0 > TIMEOUT_MS * 1_000_000) {
                    throw new IllegalStateException("the app died or never answered:\n" + output);
                }
                int status = get(port, "/orders/1");
                if (status == 200) {
                    answeredAt = System.nanoTime();
                } else if (status > 0) {
                    throw new IllegalStateException("GET /orders/1 answered " + status + ":\n" + output);
                } else {
                    Thread.sleep(5);
                }
            }
            long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000;
            while (true) {
                synchronized (startedAt) {
                    if (startedAt[0] >= 0) {
                        break;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no \"Started ... in\" line:\n" + output);
                }
                Thread.sleep(5);
            }
            return new Times((startedAt[0] - t0) / 1_000_000, (answeredAt - t0) / 1_000_000, startedCpu[0]);
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    /** A process's CPU so far, user and system, from /proc (clock ticks of 10 ms); -1 where there is none. */
    static long cpuMillis(long pid) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // utime, stime: fields 14 and 15
        } catch (Exception e) {
            return -1;
        }
    }

    /** The status of one GET, or -1 when nothing listens yet (or the connection was dropped). */
    private static int get(int port, String path) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
                line.append((char) c);
            }
            String[] parts = line.toString().split(" ");
            return parts.length >= 2 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
