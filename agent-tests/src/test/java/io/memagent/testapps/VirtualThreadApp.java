package io.memagent.testapps;

import io.memagent.api.ProfileMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Profiled calls on a virtual thread (JDK 21+), which stays mounted: measured on its carrier. It is the app's first
 * virtual thread: prints whether the agent set up what measures virtual threads at it (not at start) and whether
 * that was done by the time the thread ran.
 */
public class VirtualThreadApp {
    static volatile Object sink;

    @ProfileMemory
    static byte[] onVirtualThread() {
        return new byte[4000];
    }

    public static void main(String[] args) throws Throwable {
        Truth.print("setUpAtFirstVirtualThread", AgentReady.firstVirtualThreadSetsUp() ? 1 : 0);
        Runnable work = () -> {
            Truth.print("measuringWhenItRan", AgentReady.measuring() ? 1 : 0);
            for (int i = 0; i < 25; i++) {
                sink = onVirtualThread();
            }
        };
        // Thread.startVirtualThread(Runnable), looked up so this compiles for Java 17.
        Thread t = (Thread) MethodHandles.publicLookup()
                .findStatic(Thread.class, "startVirtualThread", MethodType.methodType(Thread.class, Runnable.class))
                .invokeExact(work);
        t.join();
        Truth.print("calls", 25);
    }
}
