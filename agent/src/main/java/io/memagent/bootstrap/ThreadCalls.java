package io.memagent.bootstrap;

/**
 * Test tooling: what this thread's ring says about the profiled calls it finished, for
 * memagent-junit's failure messages (found by name through method handles). Kept apart from
 * {@link Recorder} so the hot path stays in one small file; nothing here runs on a profiled call's
 * path, only when a test asks. Defined in the boot loader like {@link Recorder}, so it depends on
 * nothing but the JDK and uses no lambdas.
 */
public final class ThreadCalls {
    private ThreadCalls() {
    }

    /**
     * How many calls this thread has published to its ring so far (-1 before its first): a mark
     * for {@link #biggestOperationsSince}. For test tooling (memagent-junit's failure messages).
     */
    public static long callsFinishedOnThisThread() {
        Recorder.ThreadState s = Recorder.STATE.get();
        return s == null ? (Recorder.enabled ? 0 : -1) : s.head;
    }

    /**
     * The operations this thread finished since {@code mark}, by self bytes, biggest first: up to
     * {@code limit} triples (operation id, calls, self bytes). Reads the thread's own ring, whose
     * last {@link Recorder#RING_RECORDS} records stay intact until this thread overwrites them; calls
     * beyond those, or that found the ring full, are not listed. Allocates: call it outside any
     * measured window.
     */
    public static long[] biggestOperationsSince(long mark, int limit) {
        Recorder.ThreadState s = Recorder.STATE.get();
        if (s == null || mark < 0 || s.ringRecords == 0) {
            return new long[0];
        }
        long head = s.head;
        long from = Math.max(mark, head - s.ringRecords);
        // Few distinct operations in a test's window: parallel arrays, no lambdas (this class is
        // defined straight into the boot loader).
        int[] ops = new int[16];
        long[] calls = new long[16];
        long[] self = new long[16];
        int size = 0;
        for (long n = from; n < head; n++) {
            int i = (int) (n & (s.ringRecords - 1)) * Recorder.RECORD_LONGS;
            long word = s.ring[i];
            if ((word & Recorder.FLAG_UNMEASURED) != 0) {
                continue;
            }
            int op = (int) (word >>> 32);
            int k = 0;
            while (k < size && ops[k] != op) {
                k++;
            }
            if (k == size) {
                if (size == ops.length) {
                    ops = java.util.Arrays.copyOf(ops, size * 2);
                    calls = java.util.Arrays.copyOf(calls, size * 2);
                    self = java.util.Arrays.copyOf(self, size * 2);
                }
                ops[k] = op;
                size++;
            }
            calls[k]++;
            self[k] += s.ring[i + 2];
        }
        int n = Math.min(Math.max(limit, 0), size);
        long[] out = new long[n * 3];
        for (int k = 0; k < n; k++) { // selection of the n biggest
            int best = k;
            for (int m = k + 1; m < size; m++) {
                if (self[m] > self[best]) {
                    best = m;
                }
            }
            int o = ops[best];
            long c = calls[best];
            long b = self[best];
            ops[best] = ops[k];
            calls[best] = calls[k];
            self[best] = self[k];
            ops[k] = o;
            calls[k] = c;
            self[k] = b;
            out[k * 3] = o;
            out[k * 3 + 1] = c;
            out[k * 3 + 2] = b;
        }
        return out;
    }
}
