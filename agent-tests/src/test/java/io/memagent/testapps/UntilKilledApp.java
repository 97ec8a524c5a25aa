package io.memagent.testapps;

import io.memagent.api.ProfileMemory;

/**
 * Makes N profiled calls (optionally pausing a few milliseconds every k calls), prints {@code done=N}, then
 * waits to be killed: what the agent flushes from its shutdown hook is all that reaches the
 * database.
 */
public class UntilKilledApp {
    static volatile Object sink;

    @ProfileMemory
    static void work() {
        sink = new byte[1000];
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        long pauseMs = args.length > 1 ? Long.parseLong(args[1]) : 0;
        int every = args.length > 2 ? Integer.parseInt(args[2]) : 1; // pause after every this many calls
        for (int i = 0; i < n; i++) {
            work();
            if (pauseMs > 0 && (i + 1) % every == 0) {
                Thread.sleep(pauseMs);
            }
        }
        Truth.print("done", n);
        Thread.sleep(600_000);
    }
}
