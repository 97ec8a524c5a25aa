package io.memagent.api;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The API's one link to the agent: {@code io.memagent.bootstrap.RuntimeNames} (the name's id),
 * {@code io.memagent.bootstrap.NamedWindows} (the window's entry) and
 * {@code io.memagent.bootstrap.HotPath} (its exit), which the agent defines
 * in the boot loader, found once by name and called through method handles (the API cannot link
 * against the agent: it must load and run without it). When the classes are absent, no agent is
 * attached (or it is disabled) and every call here is a cheap no-op.
 *
 * <p>Each {@code invokeExact} call site is run once in the static initializer: linking a call
 * site allocates, and done on first real use it would land inside the first measured block.
 * An agent attached later (not at start-up) is seen only if this class had not been used yet.
 */
final class AgentBridge {
    static final String BLOCK = "block";
    static final String TRACK = "track";
    /** Above java.lang.invoke's customization threshold (127). */
    private static final int WARM_UP_CALLS = 300;

    private static final MethodHandle OPERATION_ID;
    private static final MethodHandle ENTER;
    private static final MethodHandle EXIT;

    static {
        MethodHandle id = null;
        MethodHandle enter = null;
        MethodHandle exit = null;
        try {
            Class<?> names = Class.forName("io.memagent.bootstrap.RuntimeNames", false, null);
            Class<?> windows = Class.forName("io.memagent.bootstrap.NamedWindows", false, null);
            Class<?> hotPath = Class.forName("io.memagent.bootstrap.HotPath", false, null);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            id = lookup.findStatic(names, "operationId",
                    MethodType.methodType(int.class, String.class, String.class));
            enter = lookup.findStatic(windows, "enter", MethodType.methodType(int.class, int.class));
            exit = lookup.findStatic(hotPath, "exit",
                    MethodType.methodType(void.class, int.class, int.class, boolean.class));
        } catch (Throwable noAgent) {
            id = null;
            enter = null;
            exit = null;
        }
        OPERATION_ID = id;
        ENTER = enter;
        EXIT = exit;
        // Link the call sites now, and pass the JDK's threshold (127 invocations of a handle) at
        // which it customizes the handle's code, allocating on the calling thread: left to real
        // use, that would land once inside some measured block. A null name, id -1 and token 0
        // record nothing.
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            operationId(null, BLOCK);
            enter(-1);
            exit(-1, 0, false);
        }
    }

    private AgentBridge() {
    }

    /** The agent's id for this name, or -1 when nothing is recorded (no agent, agent not ready). */
    static int operationId(String name, String kind) {
        if (OPERATION_ID == null) {
            return -1;
        }
        try {
            return (int) OPERATION_ID.invokeExact(name, kind);
        } catch (Throwable t) {
            return -1;
        }
    }

    /** Opens the measured window (its last act is reading the thread's allocation counter). */
    static int enter(int operationId) {
        if (ENTER == null) {
            return 0;
        }
        try {
            return (int) ENTER.invokeExact(operationId);
        } catch (Throwable t) {
            return 0;
        }
    }

    /** Closes the window opened with {@code token} (its first act is reading the counter). */
    static void exit(int operationId, int token, boolean threw) {
        if (EXIT == null) {
            return; // token 0 (nothing opened) is the agent's to ignore: the warm-up relies on it
        }
        try {
            EXIT.invokeExact(operationId, token, threw);
        } catch (Throwable t) {
            // the agent's bug must never reach the app
        }
    }
}
