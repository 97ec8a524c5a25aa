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
        double[] with = new double[pairs];
        double[] without = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            without[i] = run(bench, null);
            with[i] = run(bench, agent);
        }
        double w = HotPathRun.median(with);
        double wo = HotPathRun.median(without);
        String jdk = System.getProperty("java.version");
        System.out.printf(Locale.ROOT, "Mount cost, JDK %s: Thread.yield() on 4 virtual threads, best of 5 rounds per JVM,"
                + " median of %d JVMs: %.1f ns with the agent, %.1f ns without (%.2fx)%n", jdk, pairs, w, wo, w / wo);
        System.out.printf(Locale.ROOT, "SUMMARY|virtual-thread mount+unmount with the agent's hooks, JDK %s|%.1f vs %.1f ns"
                + " per yield (%.2fx)|(reported)|-%n", jdk, w, wo, w / wo);
    }

    private static double run(String bench, String agent) throws Exception {
        List<String> args = new ArrayList<>();
        if (agent != null) {
            args.add("-javaagent:" + agent);
        }
        args.addAll(List.of("-cp", bench, MountCostApp.class.getName()));
        return Jvm.value(Jvm.run(args), "nsPerYieldTenths") / 10.0;
    }
}
