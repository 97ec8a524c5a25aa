package io.memagent.bench.peers;

import io.memagent.api.ProfileMemory;

/**
 * The second workload's profiled methods: fixed allocation sizes, so the truth is the number of
 * calls times a size the workload measures once on the unannotated twins below (80, 8,016, 56,
 * 4,016 + 2 x 80 and 1,000,016 bytes with the default heap layout). Results escape through
 * {@link #sink} so the JIT cannot remove the allocations.
 */
final class SmallCalls {
    static volatile Object sink;

    private SmallCalls() {
    }

    @ProfileMemory
    static byte[] bytes64() {
        return new byte[64];
    }

    @ProfileMemory
    static long[] longs1000() {
        return new long[1000];
    }

    @ProfileMemory
    static Object[] objects10() {
        return new Object[10];
    }

    /** Inclusive: its own byte[4000] and two nested {@link #bytes64} calls (which count for bytes64 too). */
    @ProfileMemory
    static byte[] nested() {
        byte[] b = new byte[4000];
        sink = bytes64();
        sink = bytes64();
        return b;
    }

    /** One large array, allocated outside any TLAB. */
    @ProfileMemory
    static int[] large() {
        return new int[250_000];
    }

    /** Allocates nothing. */
    @ProfileMemory
    static int none(int x) {
        return x * 31 + (x >>> 3);
    }

    // Unannotated twins: the workload measures their sizes once, with the thread's allocation counter.
    static byte[] plainBytes64() {
        return new byte[64];
    }

    static long[] plainLongs1000() {
        return new long[1000];
    }

    static Object[] plainObjects10() {
        return new Object[10];
    }

    static byte[] plainNested() {
        byte[] b = new byte[4000];
        sink = plainBytes64();
        sink = plainBytes64();
        return b;
    }

    static int[] plainLarge() {
        return new int[250_000];
    }

    static int plainNone(int x) {
        return x * 31 + (x >>> 3);
    }
}
