package io.memagent.testapps;

import io.memagent.api.ProfileMemory;

/** Profiled recursion 1,000 deep: inclusive and self stay right, and the agent causes no stack overflow. */
public class RecursionApp {
    static volatile Object sink;

    @ProfileMemory
    static void descend(int depth) {
        sink = new long[16];
        if (depth > 1) {
            descend(depth - 1);
        }
    }

    public static void main(String[] args) {
        int depth = Integer.parseInt(args[0]);
        Truth.print("truth.level", Truth.bytesOf(() -> new long[16]));
        descend(depth);
        Truth.print("depth", depth);
    }
}
