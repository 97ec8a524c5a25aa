package io.memagent.api;

import java.util.function.Supplier;

/**
 * The facade applications call: measure code that is not a whole method, and hear about
 * allocation spikes. Without the memagent agent every method here only runs the work given to it
 * (no recording, no cost beyond a null check) and registers nothing.
 *
 * <p>With the agent, the bytes the calling thread allocates inside the region are recorded
 * exactly: the block object is made, and the name looked up (allocation-free once the name is
 * known), before the thread's allocation counter is first read, so a block around
 * {@code new byte[4000]} reports 4,016 bytes.
 */
public final class MemoryProfiler {
    private MemoryProfiler() {
    }

    /**
     * Opens a measured block named {@code name} (kind {@code block}):
     * {@code try (MemoryBlock b = MemoryProfiler.block("phase-1")) { ... }}. A null name records
     * nothing.
     */
    public static MemoryBlock block(String name) {
        int id = AgentBridge.operationId(name, AgentBridge.BLOCK);
        if (id < 0) {
            return MemoryBlock.NO_OP;
        }
        MemoryBlock b = new MemoryBlock(id);
        b.token = AgentBridge.enter(id); // the last thing before the caller's code
        return b;
    }

    /**
     * Runs {@code work} and records it under {@code name} (kind {@code track}); returns what it
     * returns. An exception passes through unchanged and is recorded as an error.
     */
    public static <T> T track(String name, Supplier<T> work) {
        int id = AgentBridge.operationId(name, AgentBridge.TRACK);
        if (id < 0) {
            return work.get();
        }
        int token = AgentBridge.enter(id);
        boolean returned = false;
        try {
            T result = work.get();
            returned = true;
            return result;
        } finally {
            AgentBridge.exit(id, token, !returned);
        }
    }

    /**
     * Runs {@code work} and records it under {@code name} (kind {@code track}). An exception
     * passes through unchanged and is recorded as an error.
     */
    public static void track(String name, Runnable work) {
        int id = AgentBridge.operationId(name, AgentBridge.TRACK);
        if (id < 0) {
            work.run();
            return;
        }
        int token = AgentBridge.enter(id);
        boolean returned = false;
        try {
            work.run();
            returned = true;
        } finally {
            AgentBridge.exit(id, token, !returned);
        }
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
