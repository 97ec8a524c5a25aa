package io.memagent.api;

/**
 * Called for every allocation spike the agent detects (see {@link MemoryProfiler#onSpike}).
 * Runs on the agent's own thread, never on the thread that made the call; a listener that
 * throws is logged once by the agent and does not stop the others. Keep it short: listeners
 * run one after another.
 */
@FunctionalInterface
public interface SpikeListener {
    void onSpike(MemorySpike spike);
}
