package io.memagent.bootstrap;

/**
 * Test tooling: which profiled operations this thread finished inside a window, for
 * memagent-junit's failure messages (found by name through method handles). Reads the running
 * totals of the thread's own {@link OpSlot}s, so every call counts, however many there were.
 * Nothing here runs on a profiled call's path, only when a test asks; both methods allocate, so
 * call them outside any measured window. Defined in the boot loader like {@link HotPath}: JDK
 * types only, no lambdas.
 */
public final class WindowProbe {
    private WindowProbe() {
    }

    /** A platform thread's own state (a virtual thread's carrier's holds other threads' calls too). */
    private static ThreadState ownState() {
        return VirtualThreads.isVirtual(Thread.currentThread()) ? null : HotPath.STATE.get();
    }

    /**
     * A mark for {@link #biggestOperationsSince}: this thread's running totals per operation, as
     * triples (operation id, calls, self bytes); empty before its first profiled call.
     */
    public static long[] markThisThread() {
        ThreadState s = ownState();
        if (s == null) {
            return new long[0];
        }
        OpSlot[] slots = s.ownerSlots();
        long[] out = new long[slots.length * 3];
        int n = 0;
        for (OpSlot slot : slots) {
            if (slot == null) {
                continue;
            }
            int k = 0;
            while (k < n && out[k] != slot.op) {
                k += 3;
            }
            if (k == n) {
                out[n++] = slot.op;
                n += 2;
            }
            out[k + 1] += slot.totalCalls;
            out[k + 2] += slot.totalSelfBytes;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /**
     * Bytes the agent itself allocated on this thread so far (its per-thread state, operation
     * slots, histogram rows, stacks): subtract the difference over a window from the thread's own
     * counter to get what the app allocated. 0 before the thread's first profiled call. On a
     * virtual thread: on its carrier, whose counter a mounted window is read from.
     */
    public static long agentBytesOnThisThread() {
        ThreadState s = HotPath.ownState(); // a virtual thread's carrier's: its bytes land on that counter
        return s == null ? 0 : s.agentBytes();
    }

    /**
     * How many times a virtual thread has mounted on the carrier this code runs on (-1 on a platform
     * thread, or before the carrier has a state): the same number before and after a window on a
     * virtual thread means it stayed mounted throughout, so its carrier's counter over the window is
     * the thread's own. Allocation-free.
     */
    public static long carrierMounts() {
        if (!VirtualThreads.isVirtual(Thread.currentThread())) {
            return -1;
        }
        ThreadState s = HotPath.ownState();
        return s == null ? -1 : s.mounts();
    }

    /**
     * Self bytes of every profiled call recorded so far on the carrier this code runs on, for the
     * virtual threads mounted on it (-1 on a platform thread, or before the carrier has a state).
     * Over a window in which {@link #carrierMounts} did not change, the difference is what the agent
     * measured for this virtual thread's calls that finished in the window. Allocation-free.
     */
    public static long carrierSelfBytes() {
        if (!VirtualThreads.isVirtual(Thread.currentThread())) {
            return -1;
        }
        ThreadState s = HotPath.ownState();
        if (s == null) {
            return -1;
        }
        long sum = 0;
        for (OpSlot slot : s.ownerSlots()) {
            if (slot != null) {
                sum += slot.totalSelfBytes;
            }
        }
        return sum;
    }

    /**
     * The operations this thread finished since {@code mark}, by self bytes, biggest first: up to
     * {@code limit} triples (operation id, calls, self bytes).
     */
    public static long[] biggestOperationsSince(long[] mark, int limit) {
        long[] now = markThisThread();
        int size = now.length / 3;
        long[] calls = new long[size];
        long[] self = new long[size];
        for (int k = 0; k < size; k++) {
            calls[k] = now[k * 3 + 1];
            self[k] = now[k * 3 + 2];
            for (int m = 0; m + 2 < mark.length; m += 3) {
                if (mark[m] == now[k * 3]) {
                    calls[k] -= mark[m + 1];
                    self[k] -= mark[m + 2];
                    break;
                }
            }
        }
        long[] out = new long[Math.min(Math.max(limit, 0), size) * 3];
        int n = 0;
        while (n * 3 < out.length) { // selection of the biggest, skipping operations without calls
            int best = -1;
            for (int k = 0; k < size; k++) {
                if (calls[k] > 0 && (best < 0 || self[k] > self[best])) {
                    best = k;
                }
            }
            if (best < 0) {
                break;
            }
            out[n * 3] = now[best * 3];
            out[n * 3 + 1] = calls[best];
            out[n * 3 + 2] = self[best];
            calls[best] = 0;
            n++;
        }
        return java.util.Arrays.copyOf(out, n * 3);
    }
}
