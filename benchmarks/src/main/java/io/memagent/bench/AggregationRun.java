package io.memagent.bench;

import java.util.List;
import java.util.Locale;

/**
 * Runs {@link AggregationApp} (2 threads, an empty profiled method, flat out) with the agent in
 * in-memory mode and reads its exit report: every call made must be counted, and none may lose its
 * detail (threads sum their own calls; only calls over {@code memagent.calls.min.bytes} could, when
 * they come faster than the agent drains them). Arguments: {@code <agent jar> <class path> <seconds>}.
 */
public final class AggregationRun {
    private AggregationRun() {
    }

    public static void main(String[] args) throws Exception {
        String out = Jvm.run(List.of("-javaagent:" + args[0], "-cp", args[1], AggregationApp.class.getName(), args[2]));
        long made = Jvm.value(out, "calls") + Jvm.value(out, "warmupCalls");
        long rate = Jvm.value(out, "rate");
        long counted = Long.parseLong(Jvm.group(out, "(?m)^Profiled\\.empty\\s+(\\d+)\\s", "Profiled.empty's calls"));
        String lost = out.contains("came faster than the agent drained them")
                ? Jvm.group(out, "(?m)^(\\d+) calls .*came faster than the agent drained them", "calls without detail") : "0";
        long withoutDetail = Long.parseLong(lost);
        double pct = 100.0 * withoutDetail / counted;
        String jdk = System.getProperty("java.version");
        System.out.printf(Locale.ROOT, "Aggregation, JDK %s: %,d calls/s on 2 threads; made %,d, counted %,d; %,d (%.2f%%) "
                + "without detail%n", jdk, rate, made, counted, withoutDetail, pct);
        boolean met = rate >= 20_000_000 && counted == made && withoutDetail == 0;
        System.out.printf(Locale.ROOT, "SUMMARY|aggregation: 2 threads, JDK %s|%.1fM calls/s, %s counted, %.2f%% without detail|"
                        + ">= 20M/s, all counted, 0 without detail|%s%n", jdk, rate / 1e6, counted == made ? "all" : (made - counted)
                        + " NOT", pct, met ? "met" : "MISSED");
    }
}
