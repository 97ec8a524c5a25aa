package io.memagent.testapps;

import io.memagent.api.ProfileMemory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs without the agent, makes 50 calls, then waits for a file to appear (the test attaches
 * the agent meanwhile), makes 40 more calls and exits. Only the 40 are profiled.
 */
public class AttachTargetApp {
    static volatile Object sink;

    @ProfileMemory
    static void work() {
        sink = new byte[3000];
    }

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < 50; i++) {
            work();
        }
        Truth.print("before", 50);
        Path go = Path.of(args[0]);
        while (!Files.exists(go)) {
            Thread.sleep(20);
        }
        Truth.print("truth.work", Truth.bytesOf(() -> new byte[3000]));
        // Each call as the app itself sees it (its counter less the agent's own bytes, and the raw counter), printed
        // after the calls: a call the agent reports off can be told apart from one the thread really allocated more in.
        long[] app = new long[40];
        long[] raw = new long[40];
        for (int i = 0; i < 40; i++) {
            long appBefore = Truth.appBytesNow();
            long rawBefore = Truth.rawNow();
            work();
            raw[i] = Truth.rawNow() - rawBefore;
            app[i] = Truth.appBytesNow() - appBefore;
        }
        for (int i = 0; i < 40; i++) {
            System.out.println("call " + i + " app=" + app[i] + " raw=" + raw[i]);
        }
        Truth.print("after", 40);
    }
}
