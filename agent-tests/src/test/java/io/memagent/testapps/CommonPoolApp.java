package io.memagent.testapps;

import io.memagent.api.ProfileMemory;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import javax.management.ObjectName;

/**
 * The ForkJoin common pool wipes its workers' thread-locals between tasks. Bursts of
 * {@code CompletableFuture.runAsync} and a parallel stream, each task one profiled call; then
 * the agent's own objects left on the heap after a full GC, from the JVM's class histogram.
 */
public class CommonPoolApp {
    static volatile Object sink;

    @ProfileMemory(name = "pool.task")
    static void task() {
        sink = new byte[48];
    }

    @ProfileMemory(name = "pool.stream")
    static int streamed(int i) {
        sink = new byte[48];
        return i;
    }

    public static void main(String[] args) throws Exception {
        int bursts = Integer.parseInt(args[0]);
        int streamed = Integer.parseInt(args[1]);
        for (int b = 0; b < bursts; b++) {
            CompletableFuture<?>[] f = new CompletableFuture<?>[4];
            for (int i = 0; i < 4; i++) {
                f[i] = CompletableFuture.runAsync(CommonPoolApp::task);
            }
            CompletableFuture.allOf(f).join();
        }
        long sum = IntStream.range(0, streamed).parallel().map(CommonPoolApp::streamed).asLongStream().sum();
        Truth.print("streamedSum", sum);
        Thread.sleep(200); // the drainer retires nothing here: workers live on
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        long agentBytes = 0;
        long states = 0;
        for (String line : histogram.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":") && f[3].contains("io.memagent.")) {
                agentBytes += Long.parseLong(f[2]);
                if (f[3].equals("io.memagent.bootstrap.ThreadState")) {
                    states = Long.parseLong(f[1]);
                }
            }
        }
        Truth.print("agentHeapBytes", agentBytes);
        Truth.print("threadStates", states);
        Truth.print("parallelism", java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());
        Truth.print("truth.task", Truth.bytesOf(() -> new byte[48]));
    }
}
