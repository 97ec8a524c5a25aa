package io.memagent.bootstrap;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * What a virtual thread's call needs of the platform thread it runs on (its carrier, JDK 21+):
 * the carrier's identity, the carrier's allocation counter, and the carrier's recording state.
 *
 * <p>The JVM keeps no allocation counter for a virtual thread; while one is mounted, whatever it
 * allocates is counted on its carrier. So a call that stays mounted on one carrier, with no other
 * virtual thread mounted there in between, allocated exactly the carrier's counter difference.
 * {@link #mounted}, which the agent weaves into {@code VirtualThread.mount()}, moves the carrier's
 * {@link OpenCalls#mounts} on at every mount, so frames another virtual thread left there are
 * known as stale ({@link CarrierFrames}); {@link #unmounting}, woven into {@code unmount()}, saves
 * the unmounting thread's open calls for its next mount ({@link ParkedFrames}), so they go on
 * counting only its own bytes, on whichever carrier. A call whose frames could not be kept is
 * counted as unmeasured, never with a wrong number.
 *
 * <p>Reached through JDK internals the agent opens to the boot loader before this class
 * initializes ({@code java.lang}, {@code jdk.internal.misc}, {@code sun.management}):
 * {@code Thread.currentCarrierThread()}, {@code ThreadImpl.getThreadAllocatedMemory0(0)} (the
 * JVM's current thread's counter, the same read {@code getCurrentThreadAllocatedBytes} makes on a
 * platform thread) and a {@code jdk.internal.misc.CarrierThreadLocal}, whose value lives in the
 * carrier's thread-locals. The handles are constants, so compiled code calls the natives
 * directly; each is run past the JDK's customization threshold at {@link #install}, so that
 * one-time cost (some 34 KB) lands on the agent's thread, not inside an app's call.
 */
public final class Carriers {
    private static final MethodHandle CURRENT_CARRIER;
    private static final MethodHandle ALLOCATED;
    /** Each carrier's {@link ThreadState} for the virtual threads it runs (a CarrierThreadLocal). */
    static final ThreadLocal<ThreadState> STATE;
    private static final String PROBLEM;
    /**
     * Assigned in the static initializer, not a compile-time constant, so its {@code ldc} runs there:
     * this class then has no unresolved string constant left. When a JIT compile of a method is
     * requested at C2's level, HotSpot first resolves every unresolved string constant of the
     * method's class on the requesting thread ({@code CompileBroker::compile_method},
     * {@code resolve_string_constants}). For {@link #allocated}, that request comes at its entry,
     * inside a call's window: this one 50-character message, a String and its byte[], 96 bytes,
     * was counted in the call (1,112 bytes for a {@code new byte[1000]}, once per JVM).
     */
    private static final String NOT_COUNTED;

    static {
        MethodHandle carrier = null;
        MethodHandle allocated = null;
        ThreadLocal<ThreadState> state = null;
        String problem = null;
        try {
            MethodHandles.Lookup own = MethodHandles.lookup();
            carrier = MethodHandles.privateLookupIn(Thread.class, own)
                    .findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
            Class<?> impl = Class.forName("sun.management.ThreadImpl");
            allocated = MethodHandles.privateLookupIn(impl, own)
                    .findStatic(impl, "getThreadAllocatedMemory0", MethodType.methodType(long.class, long.class));
            @SuppressWarnings("unchecked")
            ThreadLocal<ThreadState> local = (ThreadLocal<ThreadState>) Class
                    .forName("jdk.internal.misc.CarrierThreadLocal").getConstructor().newInstance();
            state = local;
        } catch (Throwable t) {
            problem = t.toString();
            carrier = null;
            allocated = null;
            state = null;
        }
        CURRENT_CARRIER = carrier;
        ALLOCATED = allocated;
        STATE = state;
        PROBLEM = problem;
        NOT_COUNTED = "this JVM does not count allocated bytes per thread";
    }

    private Carriers() {
    }

    /**
     * Readies the handles (null) or says why they cannot be had. Runs each past the JDK's
     * method-handle customization threshold here, on the agent's thread.
     */
    public static String install() {
        if (PROBLEM != null) {
            return PROBLEM;
        }
        long sum = 0;
        for (int i = 0; i < 300; i++) {
            sum += allocated();
            sum += current() == null ? 1 : 0;
        }
        return sum < 0 ? NOT_COUNTED : null;
    }

    /** From now on virtual threads' calls are measured on their carriers (the mount hook is woven). */
    public static void enable() {
        CarrierFrames.measure(PROBLEM == null);
    }

    public static boolean enabled() {
        return CarrierFrames.on;
    }

    /**
     * Woven at the end of {@code java.lang.VirtualThread.mount()}, on the carrier {@code vthread}
     * has just mounted: calls the carrier's state holds open belong to a virtual thread that
     * unmounted, and are known as such by the mount number; {@code vthread}'s own open calls, saved
     * at its unmount, are put back ({@link ParkedFrames}). Allocation-free once the carrier's
     * thread-local map has our entry (its first mount makes it); never throws.
     */
    public static void mounted(Thread vthread) {
        try {
            if (CarrierFrames.carrierStates) { // else no virtual thread has made a profiled call yet: nothing to do
                ThreadState s = STATE.get();
                if (s != null) {
                    s.carrierMounted();
                }
                if (ParkedFrames.any()) {
                    ParkedFrames.restore(vthread, s);
                }
            }
        } catch (Throwable ignored) {
            // the JDK's mount must go on whatever happens here
        }
    }

    /**
     * Woven at the start of {@code java.lang.VirtualThread.unmount()}, while {@code vthread} is still
     * the current thread on its carrier: its open calls are saved until it mounts again. Never throws.
     */
    public static void unmounting(Thread vthread) {
        try {
            if (CarrierFrames.carrierStates) {
                ThreadState s = STATE.get();
                if (s != null && s.depth() > 0) {
                    ParkedFrames.save(vthread, s, allocated()); // nothing allocated since the thread's last bytes
                }
            }
        } catch (Throwable ignored) {
            // the JDK's unmount must go on whatever happens here
        }
    }

    /** The platform thread running the current thread (itself, for a platform thread). */
    static Thread current() {
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (Throwable t) {
            return null;
        }
    }

    /** The allocation counter of the JVM thread running this code: a virtual thread's carrier's. */
    static long allocated() {
        try {
            return (long) ALLOCATED.invokeExact(0L);
        } catch (Throwable t) {
            return -1;
        }
    }
}
