package io.memagent.api;

/**
 * A measured region opened by {@link MemoryProfiler#block(String)}: the bytes the opening thread
 * allocates until {@link #close()} are recorded under the block's name (kind {@code block}).
 * Use it with try-with-resources. Closing twice records once. Close it on the thread that
 * opened it.
 */
public final class MemoryBlock implements AutoCloseable {
    /** What {@link MemoryProfiler#block} returns when nothing is recorded: closing it does nothing. */
    static final MemoryBlock NO_OP = new MemoryBlock(-1);

    private final int operationId;
    /** The agent's token for the open window; 0 once closed (or never opened). */
    int token;

    MemoryBlock(int operationId) {
        this.operationId = operationId;
    }

    /** Ends the measured region. Never throws. */
    @Override
    public void close() {
        int t = token;
        if (t != 0) {
            token = 0;
            AgentBridge.exit(operationId, t, false);
        }
    }
}
