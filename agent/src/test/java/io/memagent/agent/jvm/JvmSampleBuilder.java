package io.memagent.agent.jvm;

/**
 * A {@link JvmSample} for tests, each figure set by name: the record has 23 components, and a test
 * names the few its detector reads instead of passing them all in order. The defaults describe a
 * quiet JVM: 100 MiB used of a 512 MiB heap (1 GiB max), one collection, 10 threads, no old
 * generation seen collected, no allocation rate, and none of the figures beyond the heap (resident
 * set, container, native memory).
 */
public final class JvmSampleBuilder {
    private static final long MB = 1L << 20;

    private long recordedAtMs;
    private long heapCommittedBytes = 512 * MB;
    private long heapUsedBytes = 100 * MB;
    private Long heapMaxBytes = 1024 * MB;
    private long nonHeapUsedBytes = 10 * MB;
    private Long metaspaceUsedBytes = 5 * MB;
    private Long oldGenUsedAfterGcBytes;
    private Long directBufferBytes = 0L;
    private Long mappedBufferBytes = 0L;
    private long gcCount = 1;
    private long gcTimeMs = 10;
    private int threadCount = 10;
    private int loadedClassCount = 1000;
    private Long allocationRateBytesPerSec;
    private double utilizationPct = 10;
    private String memoryState = "normal";
    private Long processRssBytes;
    private Long containerLimitBytes;
    private Long containerUsedBytes;
    private Double containerUtilizationPct;
    private String containerState;
    private Long nativeCommittedBytes;
    private String nativeMemoryJson;

    private JvmSampleBuilder(long recordedAtMs) {
        this.recordedAtMs = recordedAtMs;
    }

    /** A sample taken at {@code recordedAtMs}, every other figure at its default. */
    public static JvmSampleBuilder sampleAt(long recordedAtMs) {
        return new JvmSampleBuilder(recordedAtMs);
    }

    public JvmSampleBuilder heapCommittedBytes(long v) {
        heapCommittedBytes = v;
        return this;
    }

    public JvmSampleBuilder heapUsedBytes(long v) {
        heapUsedBytes = v;
        return this;
    }

    public JvmSampleBuilder heapMaxBytes(Long v) {
        heapMaxBytes = v;
        return this;
    }

    public JvmSampleBuilder nonHeapUsedBytes(long v) {
        nonHeapUsedBytes = v;
        return this;
    }

    public JvmSampleBuilder metaspaceUsedBytes(Long v) {
        metaspaceUsedBytes = v;
        return this;
    }

    public JvmSampleBuilder oldGenUsedAfterGcBytes(Long v) {
        oldGenUsedAfterGcBytes = v;
        return this;
    }

    public JvmSampleBuilder directBufferBytes(Long v) {
        directBufferBytes = v;
        return this;
    }

    public JvmSampleBuilder mappedBufferBytes(Long v) {
        mappedBufferBytes = v;
        return this;
    }

    public JvmSampleBuilder gcCount(long v) {
        gcCount = v;
        return this;
    }

    public JvmSampleBuilder gcTimeMs(long v) {
        gcTimeMs = v;
        return this;
    }

    public JvmSampleBuilder threadCount(int v) {
        threadCount = v;
        return this;
    }

    public JvmSampleBuilder loadedClassCount(int v) {
        loadedClassCount = v;
        return this;
    }

    public JvmSampleBuilder allocationRateBytesPerSec(Long v) {
        allocationRateBytesPerSec = v;
        return this;
    }

    public JvmSampleBuilder utilizationPct(double v) {
        utilizationPct = v;
        return this;
    }

    public JvmSampleBuilder memoryState(String v) {
        memoryState = v;
        return this;
    }

    public JvmSampleBuilder processRssBytes(Long v) {
        processRssBytes = v;
        return this;
    }

    public JvmSampleBuilder containerLimitBytes(Long v) {
        containerLimitBytes = v;
        return this;
    }

    public JvmSampleBuilder containerUsedBytes(Long v) {
        containerUsedBytes = v;
        return this;
    }

    public JvmSampleBuilder containerUtilizationPct(Double v) {
        containerUtilizationPct = v;
        return this;
    }

    public JvmSampleBuilder containerState(String v) {
        containerState = v;
        return this;
    }

    /** NMT's total committed and its categories (a JSON object), read together at one sample. */
    public JvmSampleBuilder nativeMemory(Long committedBytes, String categoriesJson) {
        nativeCommittedBytes = committedBytes;
        nativeMemoryJson = categoriesJson;
        return this;
    }

    public JvmSample build() {
        return new JvmSample(recordedAtMs, heapCommittedBytes, heapUsedBytes, heapMaxBytes, nonHeapUsedBytes,
                metaspaceUsedBytes, oldGenUsedAfterGcBytes, directBufferBytes, mappedBufferBytes, gcCount, gcTimeMs,
                threadCount, loadedClassCount, allocationRateBytesPerSec, utilizationPct, memoryState, processRssBytes,
                containerLimitBytes, containerUsedBytes, containerUtilizationPct, containerState, nativeCommittedBytes,
                nativeMemoryJson);
    }
}
