package io.memagent.agent.jdk;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * The platform MXBeans the agent's runtime reads on its start (the sampler, the GC listener, memory pressure), taken
 * from the JDK's own factory, {@code sun.management.ManagementFactoryHelper}, rather than asked of
 * {@code ManagementFactory}. They are the same objects: {@code ManagementFactory}'s default provider hands out that
 * factory's singletons, and the JVM itself makes the memory pools and the collectors (with their GC notifications
 * when {@code jdk.management} is there).
 *
 * <p>Why: on JDK 22 and later every {@code ManagementFactory} getter first builds the JDK's registry of platform
 * components (a service lookup, streams and a dozen lambdas, each a class the JDK generates); on a 2-core machine
 * that is about 20 ms of CPU beside the app's start, and on JDK 24+ those classes add to what gets C1 to compile the
 * class-file library's stack-map generator, whose 7.6 MiB arena stays in the process's resident memory
 * ({@link JdkInternals} says more).
 *
 * <p>{@link JdkInternals#threadCounter} exports {@code sun.management} to the agent at premain. Until then, or in a
 * JVM where that failed (a test without the agent, a JDK without the factory), every getter here asks
 * {@code ManagementFactory}, as the agent did before. Each getter spells out the same try-then-fall-back: a shared
 * helper would take a lambda per getter, the very classes this one avoids.
 */
public final class PlatformBeans {
    /** Set once {@code sun.management} is exported to this class's module. */
    private static volatile boolean exported;

    private PlatformBeans() {
    }

    /** Called once both packages are exported to the agent (on premain's thread: nothing else is done there). */
    static void exported() {
        exported = true;
    }

    /** Whether the getters may use the JDK's factory: exported, and {@code jdk.management}'s library loaded. */
    private static boolean usable() {
        return exported && ManagementLibrary.LOADED;
    }

    /**
     * The beans {@code jdk.management} adds (the collectors' GC notifications, {@code HotSpotDiagnostic}'s flags) call
     * into its native library, which only its platform-bean provider loads, in its static initializer: that is
     * initialized here (it loads nothing else), on the first getter's call, off premain's thread. Without the library
     * the first such call would fail, and a JDK class whose initializer failed stays unusable, for the app too.
     */
    private static final class ManagementLibrary {
        static final boolean LOADED = load();

        private static boolean load() {
            try {
                Class.forName("com.sun.management.internal.PlatformMBeanProviderImpl", true, null);
                return true;
            } catch (ClassNotFoundException | LinkageError e) {
                return false; // ManagementFactory, then, which loads it itself
            }
        }
    }

    public static MemoryMXBean memory() {
        if (usable()) {
            try {
                return sun.management.ManagementFactoryHelper.getMemoryMXBean();
            } catch (RuntimeException | LinkageError e) {
                // the platform's, below
            }
        }
        return ManagementFactory.getMemoryMXBean();
    }

    public static List<MemoryPoolMXBean> memoryPools() {
        if (usable()) {
            try {
                return sun.management.ManagementFactoryHelper.getMemoryPoolMXBeans();
            } catch (RuntimeException | LinkageError e) {
                // the platform's, below
            }
        }
        return ManagementFactory.getMemoryPoolMXBeans();
    }

    public static List<GarbageCollectorMXBean> garbageCollectors() {
        if (usable()) {
            try {
                return sun.management.ManagementFactoryHelper.getGarbageCollectorMXBeans();
            } catch (RuntimeException | LinkageError e) {
                // the platform's, below
            }
        }
        return ManagementFactory.getGarbageCollectorMXBeans();
    }

    /**
     * The buffer pools ({@code direct}, {@code mapped}, ...), read from the JDK's own list of them: the management
     * factory's copy of that list is built with a stream, whose lambdas the JDK generates classes for.
     */
    public static List<BufferPoolMXBean> bufferPools() {
        if (usable()) {
            try {
                List<jdk.internal.misc.VM.BufferPool> pools = jdk.internal.misc.VM.getBufferPools();
                List<BufferPoolMXBean> beans = new java.util.ArrayList<>(pools.size());
                for (jdk.internal.misc.VM.BufferPool pool : pools) {
                    beans.add(new BufferPoolBean(pool));
                }
                return beans;
            } catch (RuntimeException | LinkageError e) {
                // the platform's, below
            }
        }
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
    }

    /** What {@code ManagementFactory}'s bean for a buffer pool reads, from the same pool. */
    private static final class BufferPoolBean implements BufferPoolMXBean {
        private final jdk.internal.misc.VM.BufferPool pool;

        BufferPoolBean(jdk.internal.misc.VM.BufferPool pool) {
            this.pool = pool;
        }

        @Override
        public String getName() {
            return pool.getName();
        }

        @Override
        public long getCount() {
            return pool.getCount();
        }

        @Override
        public long getTotalCapacity() {
            return pool.getTotalCapacity();
        }

        @Override
        public long getMemoryUsed() {
            return pool.getMemoryUsed();
        }

        @Override
        public javax.management.ObjectName getObjectName() {
            try {
                return new javax.management.ObjectName("java.nio:type=BufferPool,name=" + pool.getName());
            } catch (javax.management.MalformedObjectNameException e) {
                throw new IllegalArgumentException(e);
            }
        }
    }

    public static RuntimeMXBean runtime() {
        if (usable()) {
            try {
                return sun.management.ManagementFactoryHelper.getRuntimeMXBean();
            } catch (RuntimeException | LinkageError e) {
                // the platform's, below
            }
        }
        return ManagementFactory.getRuntimeMXBean();
    }

    public static ClassLoadingMXBean classLoading() {
        if (usable()) {
            try {
                return sun.management.ManagementFactoryHelper.getClassLoadingMXBean();
            } catch (RuntimeException | LinkageError e) {
                // the platform's, below
            }
        }
        return ManagementFactory.getClassLoadingMXBean();
    }

    /** For the thread count and such: not the per-thread allocation counter ({@link JdkInternals#threadCounter}). */
    public static ThreadMXBean threads() {
        if (usable()) {
            try {
                return sun.management.ManagementFactoryHelper.getThreadMXBean();
            } catch (RuntimeException | LinkageError e) {
                // the platform's, below
            }
        }
        return ManagementFactory.getThreadMXBean();
    }

    /** A JVM option's value as the JVM runs with it (e.g. {@code NativeMemoryTracking}), or null if it has none. */
    public static String vmOption(String name) {
        if (usable()) {
            try {
                return new com.sun.management.internal.HotSpotDiagnostic().getVMOption(name).getValue();
            } catch (RuntimeException | LinkageError e) {
                // the platform's, below
            }
        }
        try {
            return ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption(name).getValue();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
