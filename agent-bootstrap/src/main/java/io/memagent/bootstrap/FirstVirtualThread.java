package io.memagent.bootstrap;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The moment the app makes its first virtual thread (JDK 21+), when the agent sets up what measures virtual
 * threads ({@link Carriers}' mount hooks). The agent weaves {@link #starting} at the start of
 * {@code java.lang.ThreadBuilders.newVirtualThread}, through which the JDK makes every virtual thread, and
 * {@linkplain #arm arms} it at premain with that set-up. The first thread to get here runs it before its virtual
 * thread exists, so no virtual thread mounts without the hooks. Why not at premain: most JVMs never start a
 * virtual thread, and they then neither have {@code VirtualThread} redefined nor pay for the set-up (weaving it, the
 * carrier's method handles: on JDK 25 here about 4 ms of a start's CPU, most of it beside the rest of premain).
 *
 * <p>Concurrency: one atomic swap hands the set-up to exactly one thread; once it has been taken, a call is one
 * volatile read. A thread that makes a virtual thread while the first one's set-up is still running does not wait
 * for it: calls on that virtual thread are counted as unmeasured until the hooks are in
 * ({@link Carriers#enabled}), never with a wrong number.
 */
public final class FirstVirtualThread {
    /** The set-up, until a thread takes it (then null for good). */
    private static final AtomicReference<Runnable> SET_UP = new AtomicReference<>();

    private FirstVirtualThread() {
    }

    /** premain: {@code setUp} runs on the first call of {@link #starting}. */
    public static void arm(Runnable setUp) {
        SET_UP.set(setUp);
    }

    /** Takes the set-up back (null if a thread has taken it already): it is then the caller's to run. */
    public static Runnable disarm() {
        return SET_UP.getAndSet(null);
    }

    /** Whether the set-up is still waiting for the first virtual thread. */
    public static boolean armed() {
        return SET_UP.get() != null;
    }

    /** Woven at the start of {@code ThreadBuilders.newVirtualThread}, on the thread making a virtual thread. Never throws. */
    public static void starting() {
        if (SET_UP.get() == null) { // volatile read: all that is left once the set-up has been taken
            return;
        }
        Runnable setUp = SET_UP.getAndSet(null);
        if (setUp != null) {
            try {
                setUp.run();
            } catch (Throwable ignored) {
                // the app's virtual thread is made whatever happens here; the set-up says what failed
            }
        }
    }
}
