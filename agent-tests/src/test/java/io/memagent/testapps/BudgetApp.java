package io.memagent.testapps;

import io.memagent.api.ProfileMemory;
import io.memagent.junit.MemoryAssertions;
import org.opentest4j.AssertionFailedError;

/**
 * A memory budget assertion over code that calls profiled methods, run with the agent: the
 * failure message carries the exact bytes and, from the agent, the operations inside.
 */
public class BudgetApp {
    static volatile Object sink;

    @ProfileMemory
    static byte[] parse() {
        return new byte[10_000];
    }

    @ProfileMemory
    static long[] index() {
        return new long[500];
    }

    /** Pays the agent's one-time per-thread state outside the budgeted window. */
    @ProfileMemory
    static int firstProfiledCallOfTheThread() {
        return 1;
    }

    public static void main(String[] args) {
        firstProfiledCallOfTheThread();
        Truth.print("truth.parse", Truth.bytesOf(() -> new byte[10_000]));
        Truth.print("truth.index", Truth.bytesOf(() -> new long[500]));
        Truth.print("truth.own", Truth.bytesOf(() -> new byte[100]));
        Runnable work = () -> {
            for (int i = 0; i < 3; i++) {
                sink = parse();
                sink = index();
            }
            sink = new byte[100];
        };
        Truth.print("withinBudget", MemoryAssertions.assertAllocatesAtMost(1_000_000, work));
        try {
            MemoryAssertions.assertAllocatesAtMost(5_000, work);
            Truth.print("failed", 0);
        } catch (AssertionFailedError e) {
            Truth.print("failed", 1);
            System.out.println("message=" + e.getMessage().replace("\n", "|"));
        }
    }
}
