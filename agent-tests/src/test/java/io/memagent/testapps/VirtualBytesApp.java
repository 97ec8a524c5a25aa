package io.memagent.testapps;

import io.memagent.api.ProfileMemory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;

/**
 * Profiled calls on virtual threads (JDK 21+; run with {@code --add-opens java.base/java.lang=ALL-UNNAMED}
 * so the app can measure itself the same way, see {@link #carrierCounter}).
 *
 * <ul>
 *   <li>{@code mounted}: 40 calls of {@link #alloc1000} and 40 of {@link #outer} on one virtual thread,
 *       nothing blocks. The app measures each {@code alloc1000} call on its own, around the call, with
 *       the public {@code ThreadMXBean.getThreadAllocatedBytes(carrierId)} and prints the distinct
 *       figures ({@code own.alloc1000}).</li>
 *   <li>one virtual thread: 20 calls of {@link #sleepOnly}, then 20 of {@link #oneAtATime}, then
 *       {@link #deep} 10 levels deep.</li>
 *   <li>200 virtual threads each call {@link #allocSleepAlloc} once (allocate, sleep 10 ms, allocate,
 *       then call {@link #afterSleep}, which does not block).</li>
 * </ul>
 */
public class VirtualBytesApp {
    static volatile Object sink;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final MethodHandle CURRENT_CARRIER = currentCarrier();

    @ProfileMemory
    static byte[] alloc1000() {
        return new byte[1000];
    }

    @ProfileMemory
    static Object outer() {
        Object[] mine = new Object[2]; // 24 bytes of its own
        mine[0] = alloc1000();
        mine[1] = new long[100]; // 816
        return mine;
    }

    @ProfileMemory
    static Object allocSleepAlloc() throws InterruptedException {
        return allocateSleepAllocate();
    }

    /** Not profiled: the body {@link #allocSleepAlloc} and {@link #oneAtATime} share. */
    private static Object allocateSleepAllocate() throws InterruptedException {
        Object[] both = new Object[3];
        both[0] = new byte[2000];
        Thread.sleep(10);
        both[1] = new byte[3000];
        both[2] = afterSleep();
        return both;
    }

    /** What sleeping 10 ms costs a virtual thread itself (the JDK's timer, its frames' stack chunk). */
    @ProfileMemory
    static void sleepOnly() throws InterruptedException {
        Thread.sleep(10);
    }

    /** {@link #allocSleepAlloc}'s twin, called one at a time on one virtual thread. */
    @ProfileMemory
    static Object oneAtATime() throws InterruptedException {
        return allocateSleepAllocate();
    }

    /** Nested {@code levels} deep, sleeping at the bottom: more calls open than the agent keeps for an unmount. */
    @ProfileMemory
    static Object deep(int levels) throws InterruptedException {
        if (levels == 1) {
            Thread.sleep(10);
            return new byte[100];
        }
        return deep(levels - 1);
    }

    @ProfileMemory
    static byte[] afterSleep() {
        return new byte[500];
    }

    public static void main(String[] args) throws Throwable {
        AgentReady.firstVirtualThreadSetsUp();
        TreeSet<Long> own = new TreeSet<>();
        int[] sameCarrier = new int[1];
        Thread t = startVirtual(() -> {
            for (int i = 0; i < 40; i++) {
                Thread c = carrier();
                long before = carrierCounter(c);
                Object o = alloc1000();
                long after = carrierCounter(c);
                sink = o;
                if (i >= 5 && carrier() == c) { // past the first calls, which set things up
                    own.add(after - before);
                    sameCarrier[0]++;
                }
                sink = outer();
            }
        });
        t.join();
        Truth.print("own.alloc1000", own.size() == 1 ? own.first() : -own.size());
        startVirtual(() -> {
            try {
                for (int i = 0; i < 20; i++) {
                    sleepOnly();
                }
                for (int i = 0; i < 20; i++) {
                    sink = oneAtATime();
                }
                sink = deep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).join();
        Truth.print("own.sameCarrier", sameCarrier[0]);

        CountDownLatch done = new CountDownLatch(200);
        List<Thread> sleepers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sleepers.add(startVirtual(() -> {
                try {
                    sink = allocSleepAlloc();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }));
        }
        done.await();
        for (Thread s : sleepers) {
            s.join();
        }
        Truth.print("sleepers", sleepers.size());
    }

    private static Thread carrier() {
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The carrier's counter, by the public API: what a virtual thread allocates while mounted lands there. */
    private static long carrierCounter(Thread carrier) {
        return THREADS.getThreadAllocatedBytes(carrier.getId());
    }

    private static MethodHandle currentCarrier() {
        try {
            return MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                    .findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("run with --add-opens java.base/java.lang=ALL-UNNAMED", e);
        }
    }

    /** Thread.startVirtualThread(Runnable), looked up so this compiles for Java 17. */
    static Thread startVirtual(Runnable r) throws Throwable {
        return (Thread) MethodHandles.publicLookup()
                .findStatic(Thread.class, "startVirtualThread", MethodType.methodType(Thread.class, Runnable.class))
                .invokeExact(r);
    }
}
