package io.memagent.testapps;

import io.memagent.api.ProfileMemory;

/** Many threads hammering one profiled method: totals must stay exact across bucket boundaries. */
public class ManyThreadsApp {
    static volatile Object sink;

    @ProfileMemory
    static Object tick() {
        return new Object();
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int callsPerThread = Integer.parseInt(args[1]);
        Truth.print("truth.tick", Truth.bytesOf(Object::new));
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                for (int i = 0; i < callsPerThread; i++) {
                    sink = tick();
                }
            }, "hammer-" + t);
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        Truth.print("calls", (long) threads * callsPerThread);
    }
}
