package io.memagent.bootstrap;

/**
 * Calls on virtual threads, measured on their carriers ({@link Carriers}): exact, also across
 * unmounts ({@link ParkedFrames}), and unmeasured (never a wrong number) when their frames could not
 * be kept.
 *
 * <p>The open calls live in the state of the carrier the virtual thread is mounted on, like a
 * platform thread's, each frame tagged with the carrier's mount number and the call's token. The
 * hooks in {@code VirtualThread.mount()/unmount()} move a thread's frames with it from carrier to
 * carrier, retagged with the new mount number. At exit the call looks for its frame on the current
 * carrier's state with the current mount number: found, it is exact; not found (its thread had too
 * many calls open, or no entry was free to keep them), it goes to {@link UnmeasuredCounters} with its
 * duration, which the token carries.
 *
 * <p>Token: {@link UnmeasuredCounters}'s (sign bit, start in microseconds), plus {@link #MOUNTED}.
 */
final class CarrierFrames {
    /** Token bit: the call has a frame on its carrier's state. */
    static final int MOUNTED = 1 << 30;

    /**
     * Set by {@link Carriers#enable} once the mount hook is woven: from then on virtual threads'
     * calls are measured. Kept here, not in {@link Carriers}: reading it must not initialize
     * Carriers before the agent has opened the JDK internals its handles need.
     */
    static volatile boolean on;

    /**
     * Set once a carrier has a state (a virtual thread made a profiled call): until then the mount
     * hooks have nothing to do and return at once, so virtual threads that never call profiled code
     * pay one field read per mount and unmount.
     */
    static volatile boolean carrierStates;

    private CarrierFrames() {
    }

    /** From {@link Carriers#enable}: whether virtual threads' calls are measured from now on. */
    static void measure(boolean on) {
        CarrierFrames.on = on;
    }

    /** From {@link ThreadStates#attachCarrier}: a carrier has a state, so the mount hooks have work. */
    static void carrierStateMade() {
        carrierStates = true;
    }

    /** The carrier's state for a virtual thread's call, made on its first; null when off. */
    static ThreadState state() {
        if (!on) {
            return null;
        }
        ThreadState s = Carriers.STATE.get();
        return s != null ? s : ThreadStates.attachCarrier();
    }

    static int enter(ThreadState s, long gcEpoch) {
        long now = System.nanoTime();
        int token = UnmeasuredCounters.token(now);
        if (s.owner() != Carriers.current()) {
            return token; // moved to another carrier since the state was looked up: unmeasured
        }
        return s.openMounted(gcEpoch, token | MOUNTED, now) ? token | MOUNTED : token;
    }

    /** {@code entered}: the state the call entered on; its thread may have moved to another carrier since. */
    static void exit(int operationId, ThreadState entered, int token, boolean threw) {
        long endBytes = Carriers.allocated(); // first: nothing of ours before it
        long endNanos = System.nanoTime();
        ThreadState s = entered != null && entered.owner() == Carriers.current() ? entered : Carriers.STATE.get();
        int at = s == null ? -1 : s.frameOf(token);
        if (at < 0) {
            UnmeasuredCounters.exit(operationId, token, threw);
            return;
        }
        HotPath.finish(operationId, s, at, endBytes, endNanos, threw, endBytes >= 0);
    }

}
