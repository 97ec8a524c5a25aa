package io.memagent.bench;

import io.memagent.api.ProfileMemory;

/** The measured methods, woven by the agent. {@link Plain} has the same bodies without the annotation. */
public final class Profiled {
    private Profiled() {
    }

    @ProfileMemory
    public static void empty() {
    }

    @ProfileMemory
    public static byte[] small() {
        return new byte[64];
    }

    @ProfileMemory
    public static byte[] oneMb() {
        return new byte[1_000_000];
    }
}
