package io.memagent.testapps;

import io.memagent.api.ProfileMemory;
import java.lang.management.ManagementFactory;

/**
 * A profiled call whose first run loads, and so makes the agent weave, an annotated class on the
 * app's thread inside the open call. The app measures the call three ways: its thread's raw
 * counter, the counter less the agent's own bytes ({@link Truth#appBytesNow}), and the agent's own
 * bytes alone. Run with and without the agent.
 */
public class AgentOverheadApp {
    static volatile Object sink;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Loaded for the first time inside {@link #handle}: annotated, so the agent weaves it then. */
    static final class LazilyWoven {
        @ProfileMemory
        static Object make(int i) {
            return new long[8 + i];
        }
    }

    @ProfileMemory
    static Object handle(int i) {
        byte[] own = new byte[1000];
        return new Object[] {own, LazilyWoven.make(i)};
    }

    public static void main(String[] args) {
        Truth.appBytesNow(); // Truth set up outside the measured calls
        for (int call = 1; call <= 2; call++) {
            long raw0 = THREADS.getCurrentThreadAllocatedBytes();
            long app0 = Truth.appBytesNow();
            sink = handle(call);
            long app1 = Truth.appBytesNow();
            long raw1 = THREADS.getCurrentThreadAllocatedBytes();
            Truth.print("call" + call + ".raw", raw1 - raw0);
            Truth.print("call" + call + ".app", app1 - app0);
        }
    }
}
