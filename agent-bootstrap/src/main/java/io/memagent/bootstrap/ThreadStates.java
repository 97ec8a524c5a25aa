package io.memagent.bootstrap;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every platform thread's {@link ThreadState}, kept by its {@code Thread}: a ThreadLocal miss looks
 * here before making a new one, so a ForkJoin worker keeps one state however often a pool wipes its
 * thread-locals. The reader removes a state once its thread has died and its figures are folded in.
 */
public final class ThreadStates {
    /** Every platform thread that recorded a call and has not been retired by the reader. */
    private static final ConcurrentHashMap<Thread, ThreadState> BY_THREAD = new ConcurrentHashMap<>();

    private ThreadStates() {
    }

    /**
     * The ThreadLocal-miss path of a platform thread (virtual threads record in their carrier's
     * state, see {@link #attachCarrier}): this thread's state, found again or made now. What it
     * allocates (the state, the map entries) is taken off any call open on this thread.
     */
    static ThreadState attach() {
        Thread t = Thread.currentThread();
        ThreadState s = BY_THREAD.get(t);
        long before = HotPath.ownCounter();
        if (s == null) {
            s = new ThreadState(t, false);
            BY_THREAD.put(t, s);
        }
        HotPath.STATE.set(s);
        s.compensate(before);
        return s;
    }

    /**
     * The miss path of a virtual thread's {@link Carriers#STATE}: its carrier's state, found again
     * or made now (the carrier's own, should it have recorded calls as a platform thread, serves
     * both: it is the same JVM thread). Null if the virtual thread moved to another carrier
     * meanwhile (the map's lock may unmount it): that call is unmeasured, the next one attaches.
     */
    static ThreadState attachCarrier() {
        Thread carrier = Carriers.current();
        if (carrier == null) {
            return null;
        }
        long before = Carriers.allocated();
        ThreadState s = BY_THREAD.get(carrier);
        if (s == null) {
            s = new ThreadState(carrier, true);
            BY_THREAD.put(carrier, s);
        }
        if (Carriers.current() != carrier) {
            return null;
        }
        s.serveAsCarrier();
        Carriers.STATE.set(s);
        CarrierFrames.carrierStateMade();
        s.compensate(before);
        return s;
    }

    /** Every state to drain. Only the reader iterates it. */
    public static Collection<ThreadState> all() {
        return BY_THREAD.values();
    }

    /** Called by the reader once a dead thread's figures are folded in. */
    public static void retire(ThreadState s) {
        BY_THREAD.remove(s.owner(), s);
    }
}
