package io.memagent.testapps;

import io.memagent.api.MemoryBlock;
import io.memagent.api.MemoryProfiler;
import io.memagent.api.ProfileMemory;

/**
 * {@code MemoryProfiler.block} and {@code track} around known allocations, with plain twins
 * measured in the same JVM. Runs the same with and without the agent (then only the api is on
 * the class path, and every block and track is a no-op that still runs the work).
 */
public class BlockTrackApp {
    static volatile Object sink;

    /**
     * An annotated method called first: with the agent, the main class's calls are measured from here on
     * (blocks and tracks are recorded from {@code main} on, as premain ends before it).
     */
    @ProfileMemory
    static int ready() {
        return 1;
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        ready();
        Truth.print("truth.fourThousandBytes", Truth.bytesOf(() -> new byte[4000]));
        Truth.print("truth.thousandLongs", Truth.bytesOf(() -> new long[1000]));
        int ran = 0;
        int caught = 0;
        long returned = 0;
        for (int i = 0; i < n; i++) {
            try (MemoryBlock b = MemoryProfiler.block("four-thousand")) {
                sink = new byte[4000];
                ran++;
            }
            byte[] r = MemoryProfiler.track("track.supplier", () -> new byte[4000]);
            returned += r.length;
            sink = r;
            MemoryProfiler.track("track.runnable", () -> {
                sink = new long[1000];
            });
            int planned = i;
            try {
                MemoryProfiler.track("track.throws", () -> {
                    throw new IllegalStateException("planned " + planned);
                });
            } catch (IllegalStateException e) {
                if (e.getMessage().equals("planned " + i)) {
                    caught++;
                }
            }
        }
        // A block closed twice records once; a null name records nothing but the work runs.
        MemoryBlock twice = MemoryProfiler.block("closed-twice");
        sink = new byte[4000];
        twice.close();
        twice.close();
        Truth.print("nullName", MemoryProfiler.track(null, () -> 7));
        Truth.print("ran", ran);
        Truth.print("returned", returned);
        Truth.print("caught", caught);
    }
}
