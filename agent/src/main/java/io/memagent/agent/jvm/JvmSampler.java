package io.memagent.agent.jvm;

import io.memagent.agent.jdk.PlatformBeans;
import io.memagent.agent.util.AgentLog;
import io.memagent.agent.store.RowSink;
import io.memagent.agent.util.DaemonThreads;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every {@code memagent.sample.interval.ms}, on its own daemon thread, one {@code memory_metrics}
 * row: heap committed/used/free/max, non-heap, metaspace, old generation after the last GC,
 * direct and mapped buffers, GC count and time, threads, loaded classes, the allocation rate,
 * utilization and state (the heap's and the container's, see {@link HeapState}), and the state
 * changes into the history. What reacts to a sample (state alerts, the recommender, the leak and
 * spike detectors) is registered by the wiring as a listener: this class only samples.
 *
 * <p>Old generation is found by role, not by name: the heap pools that support a usage
 * threshold (HotSpot gives young pools, whose usage swings by design, none). That is "PS Old
 * Gen", "Tenured Gen", "G1 Old Gen", "ZGC Old Generation", and ZGC's single "ZHeap".
 *
 * <p>The allocation rate comes from the GC's accounting: heap used now, minus heap used at the
 * previous sample, plus what collections freed in between (from the GC notifications). Summing
 * every thread's allocation counter instead would cost O(threads) per sample and lose what
 * threads that died in between had allocated; the GC's figures cover every thread, dead or not,
 * for the price of one subtraction. With concurrent collectors the rate is an estimate: what was
 * allocated during a concurrent cycle shows in its before/after figures.
 */
public final class JvmSampler {
    private final SamplerSettings settings;
    private final JvmHistory history;
    private final RowSink sink;
    private HeapState heapState = HeapState.NORMAL;
    private HeapState containerState = HeapState.NORMAL;
    private final ProcessMemory processMemory = ProcessMemory.self();
    private final CgroupMemory cgroup = CgroupMemory.locate(java.nio.file.Path.of("/"));
    private final long physicalMemory = physicalMemory();
    private boolean nativeTracking;
    private long lastNativeReadMs = Long.MIN_VALUE;
    /** A limit rarely changes (an in-place resize): read once a minute, not every sample; each read walks up the groups. */
    static final long CGROUP_LIMIT_EVERY_MS = 60_000;
    private Long cgroupLimit;
    private long cgroupLimitReadMs = Long.MIN_VALUE;
    private final GcListener gcListener;
    private final MemoryMXBean memory = PlatformBeans.memory();
    private final ThreadMXBean threads = PlatformBeans.threads();
    private final ClassLoadingMXBean classes = PlatformBeans.classLoading();
    private final List<GarbageCollectorMXBean> collectors = PlatformBeans.garbageCollectors();
    private final List<MemoryPoolMXBean> oldPools = new ArrayList<>();
    private MemoryPoolMXBean metaspace;
    private BufferPoolMXBean direct;
    private BufferPoolMXBean mapped;
    private ScheduledExecutorService executor;
    private final List<SampleListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private long lastUsed = -1;
    private long lastFreed;
    private long lastAtNanos;

    public JvmSampler(SamplerSettings settings, JvmHistory history, RowSink sink) {
        this.settings = settings;
        this.history = history;
        this.sink = sink;
        String nmt = NativeMemory.trackingLevel();
        this.nativeTracking = nmt != null && !nmt.equals("off");
        this.gcListener = new GcListener(history, sink);
        for (MemoryPoolMXBean pool : PlatformBeans.memoryPools()) {
            if (pool.getType() == MemoryType.HEAP && pool.isUsageThresholdSupported()) {
                oldPools.add(pool);
            } else if (pool.getType() == MemoryType.NON_HEAP && pool.getName().equals("Metaspace")) {
                metaspace = pool;
            }
        }
        for (BufferPoolMXBean pool : PlatformBeans.bufferPools()) {
            if (pool.getName().equals("direct")) {
                direct = pool;
            } else if (pool.getName().equals("mapped")) {
                mapped = pool;
            }
        }
    }

    /**
     * Called with every sample on the sampler's thread, in the order registered (the state alerts,
     * the recommender, the detectors). Register before {@link #start}.
     */
    public void addListener(SampleListener listener) {
        listeners.add(listener);
    }

    public void start() {
        gcListener.install();
        executor = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("memagent-sampler"));
        executor.scheduleAtFixedRate(new Runnable() { // not a lambda: DaemonThreads says why
            @Override
            public void run() {
                sampleSafely();
            }
        }, 0, settings.sampleIntervalMs(), TimeUnit.MILLISECONDS);
    }

    /** Stops sampling and GC events, waiting briefly for a sample in progress: no row comes after this. */
    public void stop() {
        gcListener.uninstall();
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(500, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Physical memory: Linux's MemTotal (the only platform with a resident set to measure against it), else the
     * OperatingSystemMXBean's figure. Not the bean on Linux: its first use sets up the JDK's own container metrics,
     * ~13 ms on the sampler's first sample, which delays the detectors' first look at the app; 0 if unknown.
     */
    private static long physicalMemory() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return ProcessMemory.parseVmRss("VmRSS:" + line.substring("MemTotal:".length()));
                }
            }
        } catch (Exception | Error e) {
            // not Linux
        }
        try {
            java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : 0;
        } catch (Throwable t) {
            return 0;
        }
    }

    /** The cgroup the process's memory is limited by, or null (not Linux, no memory controller). */
    public CgroupMemory cgroup() {
        return cgroup;
    }

    /** The old generation's usage now (the pools' current usage, not after their last collection). */
    public long oldGenerationUsedBytes() {
        long sum = 0;
        for (MemoryPoolMXBean p : oldPools) {
            sum += p.getUsage().getUsed();
        }
        return sum;
    }

    /** The names of the pools taken as the old generation. */
    public List<String> oldGenerationPools() {
        List<String> names = new ArrayList<>();
        for (MemoryPoolMXBean p : oldPools) {
            names.add(p.getName());
        }
        return names;
    }

    /**
     * The sample times handed out so far, strictly increasing (sampler thread only): a sample's time is its row's key
     * with the run id, and a fixed-rate schedule that fell behind (a long pause, a loaded machine) runs the missed
     * samples back to back, two of them sometimes in the same millisecond; the wall clock may also step back.
     */
    private long lastSampleMs = Long.MIN_VALUE;

    private void sampleSafely() {
        try {
            long cpuBefore = threads.getCurrentThreadCpuTime();
            long nowMs = Math.max(System.currentTimeMillis(), lastSampleMs + 1);
            lastSampleMs = nowMs;
            JvmSample s = sample(nowMs);
            long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
            history.addSample(s, cpu);
            sink.offer(s);
            for (SampleListener l : listeners) {
                try {
                    l.onSample(s);
                } catch (Throwable t) {
                    AgentLog.errorAtMostEvery("sample-listener", 60_000, "a detector failed on a sample and will retry: " + t);
                }
            }
        } catch (Throwable t) {
            AgentLog.errorAtMostEvery("sampler", 60_000, "the JVM sampler failed and will retry: " + t);
        }
    }

    JvmSample sample(long nowMs) {
        MemoryUsage heap = memory.getHeapMemoryUsage();
        long used = heap.getUsed();
        long committed = heap.getCommitted();
        Long max = heap.getMax() > 0 ? heap.getMax() : null;
        double utilization = 100.0 * used / (max != null ? max : Math.max(1, committed));
        HeapState state = HeapState.of(utilization, settings.heap());
        if (state != heapState) {
            history.addStateChange(new JvmHistory.StateChange(nowMs, heapState.label(), state.label(), utilization));
            heapState = state;
        }
        long gcCount = 0;
        long gcTime = 0;
        for (GarbageCollectorMXBean gc : collectors) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcTime += Math.max(0, gc.getCollectionTime());
        }
        Long oldAfterGc = null;
        for (MemoryPoolMXBean pool : oldPools) {
            MemoryUsage after = pool.getCollectionUsage();
            if (after != null) {
                oldAfterGc = (oldAfterGc == null ? 0 : oldAfterGc) + after.getUsed();
            }
        }
        NativeMemory.Reading nmt = null;
        if (nativeTracking && (lastNativeReadMs == Long.MIN_VALUE || nowMs - lastNativeReadMs >= settings.nmtIntervalMs())) {
            lastNativeReadMs = nowMs;
            try {
                nmt = NativeMemory.read(nowMs);
                history.nativeMemoryRead(nmt);
            } catch (Throwable t) {
                nativeTracking = false;
                AgentLog.warn("native memory tracking is on but its summary could not be read; samples carry no native"
                        + " memory by category: " + t);
            }
        }
        Long rss = processMemory.rssBytes();
        if (cgroup != null && (cgroupLimitReadMs == Long.MIN_VALUE || nowMs - cgroupLimitReadMs >= CGROUP_LIMIT_EVERY_MS
                || nowMs < cgroupLimitReadMs)) {
            cgroupLimit = cgroup.limitBytes();
            cgroupLimitReadMs = nowMs;
        }
        Long cgroupLimit = this.cgroupLimit;
        Long cgroupUsed = cgroup == null ? null : cgroup.usedBytes();
        Long configured = settings.containerMemoryLimitBytes();
        Long limit = configured != null ? configured : cgroupLimit;
        long against = limit != null ? limit : physicalMemory;
        history.containerLimit(configured != null ? "configured" : cgroupLimit != null ? "cgroup v" + cgroup.version()
                : "physical memory", against);
        Double containerPct = null;
        String containerLabel = null;
        if (rss != null && against > 0) {
            double pct = 100.0 * rss / against;
            containerPct = pct;
            HeapState cs = HeapState.of(pct, settings.heap());
            containerLabel = cs.label();
            if (cs != containerState) {
                history.addContainerStateChange(new JvmHistory.StateChange(nowMs, containerState.label(), cs.label(),
                        pct));
                containerState = cs;
            }
        }
        long now = System.nanoTime();
        long freed = gcListener.freedBytes();
        Long rate = null;
        if (lastUsed >= 0 && now > lastAtNanos) {
            long allocated = Math.max(0, used - lastUsed + (freed - lastFreed));
            rate = allocated * 1_000_000_000L / (now - lastAtNanos);
        }
        lastUsed = used;
        lastFreed = freed;
        lastAtNanos = now;
        return new JvmSample(nowMs, committed, used, max, memory.getNonHeapMemoryUsage().getUsed(),
                metaspace != null ? metaspace.getUsage().getUsed() : null, oldAfterGc,
                direct != null ? direct.getMemoryUsed() : null, mapped != null ? mapped.getMemoryUsed() : null, gcCount,
                gcTime, threads.getThreadCount(), classes.getLoadedClassCount(), rate, utilization, state.label(), rss,
                limit, cgroupUsed, containerPct, containerLabel, nmt == null ? null : nmt.totalCommittedBytes(),
                nmt == null ? null : nmt.json());
    }
}
