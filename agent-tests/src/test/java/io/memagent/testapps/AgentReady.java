package io.memagent.testapps;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * For test apps that run profiled code on virtual threads: fails fast, with a clear message, if the
 * agent is not measuring virtual threads (it weaves the JDK's {@code VirtualThread} in premain, so
 * it normally is before main starts), through {@code io.memagent.bootstrap.Carriers.enabled()}
 * found by name (no compile-time tie to the agent). Without the agent it returns at once.
 */
final class AgentReady {
    private AgentReady() {
    }

    static void awaitVirtualThreadsMeasured() throws Throwable {
        MethodHandle enabled;
        try {
            enabled = MethodHandles.publicLookup().findStatic(Class.forName("io.memagent.bootstrap.Carriers", false,
                    null), "enabled", MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException e) {
            return; // no agent
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!(boolean) enabled.invokeExact()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the agent did not start measuring virtual threads within 10 s");
            }
            Thread.sleep(5);
        }
    }
}
