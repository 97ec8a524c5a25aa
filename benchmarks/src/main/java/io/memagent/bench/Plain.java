package io.memagent.bench;

/** {@link Profiled}'s twins: the same bodies, not annotated, so the agent leaves them alone. */
public final class Plain {
    private Plain() {
    }

    public static void empty() {
    }

    public static byte[] small() {
        return new byte[64];
    }

    public static byte[] oneMb() {
        return new byte[1_000_000];
    }
}
