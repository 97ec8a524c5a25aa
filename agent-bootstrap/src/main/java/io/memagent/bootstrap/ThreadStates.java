package io.memagent.bootstrap;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every platform thread's {@link ThreadState}, kept by its {@code Thread}: a ThreadLocal miss looks
 * here before making a new one, so a ForkJoin worker keeps one state however often a pool wipes its
 * thread-locals. The reader removes a state once its thread has died and its figures are folded in.
 */
public final class ThreadStates {
    /**
     * Every platform thread that recorded a call and has not been retired by the reader. Sized for
     * 768 threads (a 1,024-entry table, 4 KB): a resize runs on the thread whose put crosses the
     * load factor and copies the map there, so below that no app thread's first call pays for one.
     */
    private static final ConcurrentHashMap<Thread, ThreadState> BY_THREAD = new ConcurrentHashMap<>(512);

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

    /**
     * From {@link ThreadState#warmUp}, on premain's thread before any app thread records: makes the
     * map's table, and initializes {@code ThreadLocalRandom}, which the map's size counter first
     * uses when two threads update it at once (an app thread's put racing the reader's remove).
     * Loaded then, on that app thread inside its first call's attach, it cost the thread about
     * 40 KB: the class files the JVM hands to the class-file hooks of any agent.
     */
    static void warmUp(ThreadState unowned) {
        java.util.concurrent.ThreadLocalRandom.current();
        Thread t = unowned.owner(); // this thread: nothing attaches it meanwhile
        if (BY_THREAD.putIfAbsent(t, unowned) == null) { // else the table is made, and t's own state stays
            BY_THREAD.remove(t, unowned);
        }
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
