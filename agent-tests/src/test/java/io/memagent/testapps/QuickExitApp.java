package io.memagent.testapps;

import io.memagent.api.MemoryBlock;
import io.memagent.api.MemoryProfiler;
import io.memagent.api.ProfileMemory;

/**
 * A batch job in miniature: 5,000 blocks, 5,000 tracks and 5,000 annotated calls, as soon as the
 * JVM starts, then it exits at once. Every call must be reported.
 */
public class QuickExitApp {
    static volatile Object sink;

    @ProfileMemory(name = "quick.annotated")
    static void annotated() {
        sink = new byte[100];
    }

    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        for (int i = 0; i < n; i++) {
            try (MemoryBlock b = MemoryProfiler.block("quick.block")) {
                sink = new byte[100];
            }
            MemoryProfiler.track("quick.track", () -> sink = new byte[100]);
            annotated();
        }
        Truth.print("truth.hundredBytes", Truth.bytesOf(() -> new byte[100]));
    }
}
