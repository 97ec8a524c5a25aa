package io.memagent.api;

/**
 * One allocation spike: a profiled call that allocated at least its operation's medium
 * threshold (25 MiB by default). The same figures as a {@code memory_spikes} row.
 */
public final class MemorySpike {
    private final String operation;
    private final String method;
    private final String severity;
    private final long allocatedBytes;
    private final long thresholdBytes;
    private final String threadName;
    private final String stackTrace;
    private final String heapDumpPath;
    private final long detectedAtMillis;

    public MemorySpike(String operation, String method, String severity, long allocatedBytes, long thresholdBytes,
                       String threadName, String stackTrace, String heapDumpPath, long detectedAtMillis) {
        this.operation = operation;
        this.method = method;
        this.severity = severity;
        this.allocatedBytes = allocatedBytes;
        this.thresholdBytes = thresholdBytes;
        this.threadName = threadName;
        this.stackTrace = stackTrace;
        this.heapDumpPath = heapDumpPath;
        this.detectedAtMillis = detectedAtMillis;
    }

    /** The operation's name ({@code operation_type}). */
    public String operation() {
        return operation;
    }

    /** {@code pkg.Class#name(descriptor)}. */
    public String method() {
        return method;
    }

    /** {@code medium}, {@code high} or {@code critical}. */
    public String severity() {
        return severity;
    }

    /** Bytes the call allocated (inclusive). */
    public long allocatedBytes() {
        return allocatedBytes;
    }

    /** The threshold of this severity that the call reached, in bytes. */
    public long thresholdBytes() {
        return thresholdBytes;
    }

    /** The thread that made the call. */
    public String threadName() {
        return threadName;
    }

    /** The thread's stack at the call's exit, one frame a line; null if it could not be taken. */
    public String stackTrace() {
        return stackTrace;
    }

    /** The heap dump written for this spike, or null (none asked for, rate-limited, or failed). */
    public String heapDumpPath() {
        return heapDumpPath;
    }

    /** When the agent saw the call end, in epoch milliseconds. */
    public long detectedAtMillis() {
        return detectedAtMillis;
    }

    @Override
    public String toString() {
        return "MemorySpike{" + severity + " " + operation + ": " + allocatedBytes + " bytes >= " + thresholdBytes
                + " on " + threadName + (heapDumpPath != null ? ", heap dump " + heapDumpPath : "") + "}";
    }
}
