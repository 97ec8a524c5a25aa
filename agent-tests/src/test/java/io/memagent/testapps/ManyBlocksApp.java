package io.memagent.testapps;

import io.memagent.api.MemoryBlock;
import io.memagent.api.MemoryProfiler;

/** One call each of N differently named blocks, all in one statistics bucket, then exit. */
public class ManyBlocksApp {
    static volatile Object sink;

    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        for (int i = 0; i < n; i++) {
            try (MemoryBlock b = MemoryProfiler.block("many-" + i)) {
                sink = new byte[16];
            }
        }
        Truth.print("blocks", n);
    }
}
