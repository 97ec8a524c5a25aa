package io.memagent.bootstrap;

/**
 * What the agent allocates on a thread is the agent's: a thread's first call of an operation makes
 * its slot (about 0.55 KB), its first call of a new power of two of bytes a histogram row (144
 * bytes per period), its first call that needs the ring the ring; each such cost is taken off every
 * call open on the thread (their start marks move on) and added to {@link #agentBytes}, which
 * memagent-junit and the tests subtract from the app's own counter, and to {@link AgentOverhead}.
 * The second layer of {@link ThreadState}; owner thread only, off the hot path.
 */
abstract class AgentOwnBytes extends OpenCalls {
    /** Bytes the agent allocated on this thread (new slots, rows, stacks) and took off the open calls. */
    private volatile long agentBytes;

    /**
     * The agent just allocated on this thread while calls may be open on it: move their start
     * marks so none of them is charged for it, and count it as the agent's own.
     */
    @Override
    final void compensate(long counterBefore) {
        long spent = HotPath.ownCounter() - counterBefore;
        if (counterBefore < 0 || spent <= 0) {
            return;
        }
        compensate(spent, 0);
    }

    /**
     * The agent spent {@code bytes} and {@code nanos} on this thread: no open call is charged for
     * them, and they count as the agent's ({@link AgentOverhead}).
     */
    final void compensate(long bytes, long nanos) {
        moveStartMarks(bytes, nanos);
        agentBytes += bytes; // owner is the only writer
        AgentOverhead.add(bytes, nanos);
    }

    /** Any thread: the bytes so far. */
    public final long agentBytes() {
        return agentBytes;
    }
}
