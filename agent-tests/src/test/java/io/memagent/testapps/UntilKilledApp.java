package io.memagent.testapps;

import io.memagent.api.ProfileMemory;

/**
 * Makes N profiled calls (optionally pausing a few milliseconds every k calls; with {@code -DuntilFile=PATH}, on
 * until that file exists), prints {@code done=<calls made>}, then
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
        // With -DuntilFile=PATH: at least n calls, and on until that file exists (the test says when it has seen enough).
        String untilFile = System.getProperty("untilFile");
        int calls = 0;
        while (calls < n || (untilFile != null && !java.nio.file.Files.exists(java.nio.file.Path.of(untilFile)))) {
            work();
            calls++;
            if (pauseMs > 0 && calls % every == 0) {
                Thread.sleep(pauseMs);
            }
        }
        Truth.print("done", calls);
        Thread.sleep(600_000);
    }
}
