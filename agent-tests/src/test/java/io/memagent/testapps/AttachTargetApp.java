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
        for (int i = 0; i < 40; i++) {
            work();
        }
        Truth.print("after", 40);
    }
}
