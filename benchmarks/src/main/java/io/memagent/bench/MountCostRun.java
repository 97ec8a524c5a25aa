package io.memagent.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the agent's virtual-thread hooks (woven into {@code VirtualThread.mount()/unmount()}) cost a
 * virtual thread that unmounts and mounts again: {@link MountCostApp} with and without the agent,
 * in alternating pairs of forked JVMs, medians compared. JDK 21+ (the forks run this JVM's JDK).
 *
 * <p>Arguments: {@code <agent jar> <benchmarks jar> <pairs>}.
 */
public final class MountCostRun {
    private MountCostRun() {
    }

    public static void main(String[] args) throws Exception {
        if (Runtime.version().feature() < 21) {
            System.out.println("mount cost: no virtual threads on JDK " + Runtime.version().feature());
            return;
        }
        String agent = args[0];
        String bench = args[1];
        int pairs = Integer.parseInt(args[2]);
        double[] without = new double[pairs];
        double[] disabled = new double[pairs];
        double[] with = new double[pairs];
        double[] profiled = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            without[i] = run(bench, null, false, false);
            disabled[i] = run(bench, agent, true, false);
            with[i] = run(bench, agent, false, false);
            profiled[i] = run(bench, agent, false, true);
        }
        double wo = HotPathRun.median(without);
        double d = HotPathRun.median(disabled);
        double w = HotPathRun.median(with);
        double p = HotPathRun.median(profiled);
        String jdk = System.getProperty("java.version");
        System.out.printf(Locale.ROOT, "Mount cost, JDK %s: Thread.yield() on 4 virtual threads, best of 5 rounds per JVM,"
                + " median of %d JVMs each, ns per yield:%n  without an agent %.1f; with memagent attached but disabled"
                + " (memagent.enabled=false: the JVM's cost of any Java agent) %.1f; with memagent %.1f; with memagent"
                + " after profiled calls %.1f%n", jdk, pairs, wo, d, w, p);
        System.out.printf(Locale.ROOT, "SUMMARY|virtual-thread unmount+mount, JDK %s|hooks %.1f ns (%.2fx the disabled"
                + " agent's %.1f), after profiled calls %.1f ns; no agent %.1f ns|(reported)|-%n", jdk, w, w / d, d, p, wo);
    }

    private static double run(String bench, String agent, boolean disabled, boolean profiledCalls) throws Exception {
        List<String> args = new ArrayList<>();
        if (agent != null) {
            args.add("-javaagent:" + agent);
        }
        if (disabled) {
            args.add("-Dmemagent.enabled=false");
        }
        args.addAll(List.of("-cp", bench, MountCostApp.class.getName()));
        if (profiledCalls) {
            args.add("profiled");
        }
        return Jvm.value(Jvm.run(args), "nsPerYieldTenths") / 10.0;
    }
}
