package io.memagent.testapps;

import io.memagent.api.ProfileMemory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * Thousands of fresh virtual threads (JDK 21+), each making one profiled call of {@link Allocating#alloc1000}
 * and then staying alive, parked, until all have called. Around each call the app reads, itself,
 * the counter the agent reads: its carrier's, by the same native read ({@code
 * sun.management.ThreadImpl.getThreadAllocatedMemory0(0)}, the current JVM thread's counter; run
 * with {@code --add-opens java.base/java.lang=ALL-UNNAMED --add-opens
 * java.management/sun.management=ALL-UNNAMED}). Minus what the agent says it allocated itself on
 * that carrier meanwhile ({@code WindowProbe.agentBytesOnThisThread}), that is the app's own figure
 * for the call. The agent's figure for the same call is the growth of the carrier's recorded self
 * bytes ({@code WindowProbe.carrierSelfBytes}). A call is compared when its thread stayed mounted on
 * one carrier throughout ({@code WindowProbe.carrierMounts} unchanged), which a call that never
 * blocks does.
 *
 * <p>Prints: {@code compared}, {@code notCompared} (of which {@code firstOnCarrier}: the carrier had
 * no recording state yet), {@code carriers} (how many carriers ran calls), {@code agentAbove} and {@code ownAbove} (calls
 * whose two figures differ, by which is bigger), {@code agentOther} (calls the agent read at other
 * than 1,016 bytes) and {@code agentOtherMatched} (those the app's own reading matched),
 * {@code agent.<bytes>} (how many compared calls the agent measured at each figure) and
 * {@code own.<bytes>} (the same for the app's own figure), and a line per call whose figures differ or
 * are not 1,016 (with its duration and the JVM's uptime, to set beside {@code -Xlog:gc,safepoint}).
 */
public class CarrierCounterApp {
    static volatile Object sink;
    private static final MethodHandle COUNTER = find("sun.management.ThreadImpl", "getThreadAllocatedMemory0",
            MethodType.methodType(long.class, long.class));
    private static final MethodHandle CARRIER = find("java.lang.Thread", "currentCarrierThread",
            MethodType.methodType(Thread.class));
    private static final MethodHandle AGENT_BYTES = probe("agentBytesOnThisThread");
    private static final MethodHandle MOUNTS = probe("carrierMounts");
    private static final MethodHandle SELF_BYTES = probe("carrierSelfBytes");

    private static final Map<Long, Integer> AGENT = new TreeMap<>();
    private static final Map<Long, Integer> OWN = new TreeMap<>();
    private static int compared;
    private static int notCompared;
    /** Not compared because the carrier had no recording state yet: its first call makes it. */
    private static int firstOnCarrier;
    /** The carriers calls ran on: the scheduler may add one beyond its parallelism to compensate a pinned thread. */
    private static final Set<Thread> CARRIERS = new HashSet<>();
    /** Compared calls the agent read more bytes for than the app's own reading around them. */
    private static int agentAbove;
    /** Compared calls the app's own reading saw more bytes for than the agent. */
    private static int ownAbove;
    /** Compared calls the agent read at other than 1,016 bytes; of those, the ones the app's own reading matched. */
    private static int agentOther;
    private static int agentOtherMatched;

    static {
        // Link the call sites and pass the JDK's method-handle customization threshold (~127
        // invocations, which allocates) before any measurement.
        try {
            for (int i = 0; i < 300; i++) {
                long sum = (long) COUNTER.invokeExact(0L) + (long) AGENT_BYTES.invokeExact()
                        + (long) MOUNTS.invokeExact() + (long) SELF_BYTES.invokeExact();
                sink = (Thread) CARRIER.invokeExact();
                sink = sum;
            }
        } catch (Throwable t) {
            throw new ExceptionInInitializerError(t);
        }
    }

    /**
     * The profiled method, in a class with no string constant: HotSpot resolves a class's unresolved
     * string constants on the thread that requests a C2 compile of one of its methods, and that
     * request comes at the method's entry, inside this app's window (seen: 760 bytes, the 11 strings
     * of this app's own class, when {@code alloc1000} was declared here).
     */
    static final class Allocating {
        @ProfileMemory
        static byte[] alloc1000() {
            return new byte[1000];
        }
    }

    /** One call, measured by the agent and by the app around it, from a virtual thread. */
    static void measuredCall() throws Throwable {
        long mounts0 = (long) MOUNTS.invokeExact();
        long self0 = (long) SELF_BYTES.invokeExact();
        long agentOwn0 = (long) AGENT_BYTES.invokeExact();
        Thread carrier0 = (Thread) CARRIER.invokeExact();
        long nanos0 = System.nanoTime();
        long counter0 = (long) COUNTER.invokeExact(0L);
        sink = Allocating.alloc1000();
        long counter1 = (long) COUNTER.invokeExact(0L);
        long nanos1 = System.nanoTime();
        Thread carrier1 = (Thread) CARRIER.invokeExact();
        long agentOwn1 = (long) AGENT_BYTES.invokeExact();
        long self1 = (long) SELF_BYTES.invokeExact();
        long mounts1 = (long) MOUNTS.invokeExact();
        boolean stayed = mounts0 >= 0 && self0 >= 0 && mounts0 == mounts1 && carrier0 == carrier1;
        long agent = self1 - self0;
        long own = counter1 - counter0 - (agentOwn1 - agentOwn0);
        synchronized (CarrierCounterApp.class) { // after the window; a virtual thread may unmount here
            CARRIERS.add(carrier0);
            if (!stayed) {
                notCompared++;
                firstOnCarrier += mounts0 < 0 || self0 < 0 ? 1 : 0;
                return;
            }
            compared++;
            AGENT.merge(agent, 1, Integer::sum);
            OWN.merge(own, 1, Integer::sum);
            if (agent != 1016) {
                agentOther++;
                agentOtherMatched += agent == own ? 1 : 0;
            }
            if (agent != own) {
                if (agent > own) {
                    agentAbove++;
                } else {
                    ownAbove++;
                }
            }
            if (agent != own || agent != 1016) {
                System.out.println("call: agent " + agent + ", own " + own + " (carrier counter "
                        + (counter1 - counter0)
                        + ", agent's own " + (agentOwn1 - agentOwn0) + "), " + (nanos1 - nanos0) / 1000 + " us, at "
                        + ManagementFactory.getRuntimeMXBean().getUptime() + " ms of uptime");
            }
        }
    }

    public static void main(String[] args) throws Throwable {
        AgentReady.firstVirtualThreadSetsUp();
        int threads = Integer.parseInt(args[0]);
        CountDownLatch called = new CountDownLatch(threads);
        CountDownLatch release = new CountDownLatch(1);
        Runnable work = () -> {
            try {
                measuredCall();
            } catch (Throwable t) {
                t.printStackTrace();
            } finally {
                called.countDown();
            }
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Thread[] all = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            all[i] = VirtualBytesApp.startVirtual(work);
        }
        called.await();
        release.countDown();
        for (Thread t : all) {
            t.join();
        }
        synchronized (CarrierCounterApp.class) {
            Truth.print("compared", compared);
            Truth.print("notCompared", notCompared);
            Truth.print("firstOnCarrier", firstOnCarrier);
            Truth.print("carriers", CARRIERS.size());
            Truth.print("agentAbove", agentAbove);
            Truth.print("ownAbove", ownAbove);
            Truth.print("agentOther", agentOther);
            Truth.print("agentOtherMatched", agentOtherMatched);
            AGENT.forEach((bytes, calls) -> Truth.print("agent." + bytes, calls));
            OWN.forEach((bytes, calls) -> Truth.print("own." + bytes, calls));
        }
    }

    private static MethodHandle find(String className, String method, MethodType type) {
        try {
            Class<?> c = Class.forName(className);
            return MethodHandles.privateLookupIn(c, MethodHandles.lookup()).findStatic(c, method, type);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("run with --add-opens java.base/java.lang=ALL-UNNAMED"
                    + " --add-opens java.management/sun.management=ALL-UNNAMED", e);
        }
    }

    private static MethodHandle probe(String method) {
        try {
            return MethodHandles.publicLookup().findStatic(Class.forName("io.memagent.bootstrap.WindowProbe", false,
                    null), method, MethodType.methodType(long.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("run with the agent", e);
        }
    }
}
