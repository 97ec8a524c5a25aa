package io.memagent.agent.runtime;

/**
 * Where memagent-init leaves the runtime it built for the shutdown hook; or, when the JVM exits first in memory
 * mode, where the hook gives it up ({@link EarlyExit}), so the two never both drain the threads' figures.
 * Every method holds this object's monitor: publishing and giving up are exclusive.
 */
final class RuntimeSlot {
    private AgentRuntime runtime;
    private boolean givenUp;

    /** memagent-init: keeps the runtime unless the exit gave it up first; false means: discard it, start nothing. */
    synchronized boolean publish(AgentRuntime built) {
        if (givenUp) {
            return false;
        }
        runtime = built;
        return true;
    }

    /** The runtime, or null while (or if) it is not built. */
    synchronized AgentRuntime get() {
        return runtime;
    }

    /** The hook: gives the runtime up if memagent-init has not published it yet; true if it did. */
    synchronized boolean giveUpIfNotBuilt() {
        if (runtime != null) {
            return false;
        }
        givenUp = true;
        return true;
    }
}
