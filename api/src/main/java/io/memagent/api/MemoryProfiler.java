package io.memagent.api;

/**
 * The facade applications call. Everything here is a no-op when no memagent agent is attached.
 */
public final class MemoryProfiler {
    private MemoryProfiler() {
    }

    /**
     * Registers a listener for allocation spikes. It is called on the agent's thread for every
     * spike detected from then on; one that throws is logged once and the others still run.
     * Without the agent nothing is registered and nothing is called.
     */
    public static void onSpike(SpikeListener listener) {
        if (listener == null) {
            throw new NullPointerException("listener");
        }
        SpikeBridge.register(listener);
    }
}
