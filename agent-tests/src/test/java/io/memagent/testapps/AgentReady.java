package io.memagent.testapps;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * For test apps that run profiled code on virtual threads. The agent sets up what measures them when the app makes
 * its first virtual thread, before that thread exists; {@link #firstVirtualThreadSetsUp} says whether that is still
 * to come here (through {@code io.memagent.bootstrap.FirstVirtualThread.armed()} and
 * {@code io.memagent.bootstrap.Carriers.enabled()}, found by name: no compile-time tie to the agent).
 */
final class AgentReady {
    private AgentReady() {
    }

    /**
     * True if the agent will set up at the app's next virtual thread (none has been made yet), false without the
     * agent; if it has been set up already, waits until it is done (at most 10 s) and returns false.
     */
    static boolean firstVirtualThreadSetsUp() throws Throwable {
        MethodHandle armed;
        MethodHandle enabled;
        try {
            armed = find("io.memagent.bootstrap.FirstVirtualThread", "armed");
            enabled = find("io.memagent.bootstrap.Carriers", "enabled");
        } catch (ReflectiveOperationException e) {
            return false; // no agent
        }
        if ((boolean) armed.invokeExact()) {
            return true;
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!(boolean) enabled.invokeExact()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the agent did not start measuring virtual threads within 10 s");
            }
            Thread.sleep(5);
        }
        return false;
    }

    /** Whether the agent measures virtual threads' calls now (false without the agent). */
    static boolean measuring() {
        try {
            return (boolean) find("io.memagent.bootstrap.Carriers", "enabled").invokeExact();
        } catch (ReflectiveOperationException e) {
            return false;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MethodHandle find(String className, String method) throws ReflectiveOperationException {
        return MethodHandles.publicLookup().findStatic(Class.forName(className, false, null), method,
                MethodType.methodType(boolean.class));
    }
}
