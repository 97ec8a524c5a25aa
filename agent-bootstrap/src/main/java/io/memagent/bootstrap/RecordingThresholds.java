package io.memagent.bootstrap;

/**
 * The sizes from which a call does more than add to its figures: is published through its
 * thread's {@link DetailRing}, gets its stack captured at exit, makes a {@code memory_allocations}
 * row. Set by one call from the agent's runtime, {@link #configure}; an operation's registration
 * may lower the stack threshold for its own smaller spike threshold ({@link #lowerForOperation}).
 *
 * <p>Plain static fields, read on the hot path: written at start, and when an operation with a
 * lower spike threshold is registered, before its woven code runs. Written only here.
 */
public final class RecordingThresholds {
    /**
     * A measured call whose inclusive bytes reach this gets its stack captured at its exit (the
     * lowest spike threshold of any operation).
     */
    static long stackMinBytes = Long.MAX_VALUE;
    /** A measured call whose inclusive bytes reach this is also published through the detail ring. */
    static long detailMinBytes = Long.MAX_VALUE;
    /** {@code memagent.calls.min.bytes}: a call this big makes a row, so losing its detail drops one. */
    static long rowMinBytes = Long.MAX_VALUE;

    private RecordingThresholds() {
    }

    /**
     * @param callsMinBytes {@code memagent.calls.min.bytes}: calls from this size on make a row
     *                      (and a JFR {@code memagent.Call} event); {@link Long#MAX_VALUE}: none
     * @param spikeMinBytes the lowest configured spike threshold: calls from this size on get their
     *                      stack captured; 0 or less: none
     */
    public static synchronized void configure(long callsMinBytes, long spikeMinBytes) {
        rowMinBytes = callsMinBytes;
        stackMinBytes = spikeMinBytes > 0 ? spikeMinBytes : Long.MAX_VALUE;
        detailMinBytes = Math.min(callsMinBytes >= 0 ? callsMinBytes : Long.MAX_VALUE, stackMinBytes);
    }

    /**
     * An operation registered with its own spike threshold (an annotation's): calls from that size
     * on get their stack captured and are published, so its spikes are seen. Lowers, never raises.
     */
    public static synchronized void lowerForOperation(long spikeBytes) {
        if (spikeBytes <= 0) {
            return;
        }
        if (spikeBytes < stackMinBytes) {
            stackMinBytes = spikeBytes;
        }
        if (spikeBytes < detailMinBytes) {
            detailMinBytes = spikeBytes;
        }
    }

    /** Off: nothing published, no stack captured, no row (as before {@link #configure}; tests start from it). */
    public static void off() {
        configure(Long.MAX_VALUE, 0);
    }

    public static long rowMinBytes() {
        return rowMinBytes;
    }

    /** The size from which a call is published through its thread's detail ring. */
    public static long detailMinBytes() {
        return detailMinBytes;
    }

    /** The lowest spike threshold of any operation: the spike detector sees the calls from it on. */
    public static long stackMinBytes() {
        return stackMinBytes;
    }
}
