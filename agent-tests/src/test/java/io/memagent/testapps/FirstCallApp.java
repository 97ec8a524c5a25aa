package io.memagent.testapps;

import io.memagent.api.ProfileMemory;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the agent allocates on a thread, seen by the app's own counter: its first profiled call
 * (the per-thread state and the operation's slot), its first call of a second operation (a slot
 * alone), and a call after that (nothing). Measured on 200 threads; the state alone is the
 * difference of the first two.
 */
public class FirstCallApp {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ProfileMemory(name = "first.empty")
    static void empty() {
    }

    @ProfileMemory(name = "first.other")
    static void other() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        empty(); // the class is woven and the operations registered on main
        other();
        AtomicLong maxFirst = new AtomicLong();
        AtomicLong maxState = new AtomicLong();
        AtomicLong maxSlot = new AtomicLong();
        AtomicLong maxSecond = new AtomicLong();
        long[] states = new long[threads];
        AtomicLong maxPlain = new AtomicLong();
        Thread[] all = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int index = i;
            all[i] = new Thread(() -> {
                long a = THREADS.getCurrentThreadAllocatedBytes();
                long b = THREADS.getCurrentThreadAllocatedBytes();
                empty();
                long c = THREADS.getCurrentThreadAllocatedBytes();
                other();
                long d = THREADS.getCurrentThreadAllocatedBytes();
                empty();
                other();
                long e = THREADS.getCurrentThreadAllocatedBytes();
                maxPlain.accumulateAndGet(b - a, Math::max);
                maxFirst.accumulateAndGet(c - b, Math::max);
                maxSlot.accumulateAndGet(d - c, Math::max);
                maxState.accumulateAndGet((c - b) - (d - c), Math::max);
                states[index] = (c - b) - (d - c);
                maxSecond.accumulateAndGet(e - d, Math::max);
            });
            all[i].start();
            all[i].join(); // one at a time: each thread's first call measured alone
        }
        Truth.print("maxFirstCallBytes", maxFirst.get());
        Truth.print("maxStateBytes", maxState.get());
        java.util.Arrays.sort(states);
        Truth.print("medianStateBytes", states[threads / 2]);
        Truth.print("maxSlotBytes", maxSlot.get());
        Truth.print("maxLaterCallsBytes", maxSecond.get());
        Truth.print("maxPlainBytes", maxPlain.get());
    }
}
