package io.memagent.junit;

import java.util.Locale;
import org.opentest4j.AssertionFailedError;

/**
 * Assertions on the bytes code allocates on the calling thread, exact (the thread's allocation
 * counter, read right before and right after {@code work}); they work with or without the
 * memagent agent, which, when attached, adds the profiled operations inside to the message.
 *
 * <pre>{@code
 * long bytes = MemoryAssertions.assertAllocatesAtMost(8_192, () -> cache.get("key"));
 * }</pre>
 */
public final class MemoryAssertions {
    /** How many profiled operations a failure message lists. */
    static final int TOP_OPERATIONS = 5;

    private MemoryAssertions() {
    }

    /**
     * Runs {@code work} and fails if it allocated more than {@code maxBytes} on this thread.
     * Returns the bytes it allocated. An exception from {@code work} passes through unchanged.
     */
    public static long assertAllocatesAtMost(long maxBytes, Runnable work) {
        long[] mark = AgentCalls.mark();
        long before = ThreadBytes.now();
        work.run();
        long after = ThreadBytes.now();
        return check(maxBytes, before, after, mark, "the code");
    }

    /** The bytes {@code work} allocated on this thread (-1 where the JVM cannot count them). */
    public static long allocatedBytes(Runnable work) {
        long before = ThreadBytes.now();
        work.run();
        long after = ThreadBytes.now();
        return before < 0 || after < 0 ? -1 : after - before;
    }

    static long check(long maxBytes, long before, long after, long[] mark, String what) {
        if (before < 0 || after < 0) {
            throw new AssertionFailedError("cannot check the memory budget: " + ThreadBytes.unsupported());
        }
        long bytes = after - before;
        if (bytes > maxBytes) {
            throw new AssertionFailedError(message(what, bytes, maxBytes, mark), maxBytes, bytes);
        }
        return bytes;
    }

    static String message(String what, long bytes, long maxBytes, long[] mark) {
        String msg = String.format(Locale.ROOT, "%s allocated %,d bytes on its thread, over the budget of %,d bytes by %,d",
                what, bytes, maxBytes, bytes - maxBytes);
        String top = AgentCalls.describeSince(mark, TOP_OPERATIONS);
        if (!top.isEmpty()) {
            msg += "; profiled operations inside, by self bytes:" + top;
        } else if (AgentCalls.attached()) {
            msg += "; no profiled operations ran inside";
        }
        return msg;
    }
}
