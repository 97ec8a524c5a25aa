package io.memagent.agent.jfr;

import io.memagent.agent.aggregate.Aggregator;
import io.memagent.agent.instrument.Operation;
import jdk.jfr.FlightRecorder;

/**
 * Emits the agent's JDK Flight Recorder events, all on agent threads. Without a recording nothing
 * here goes beyond one check of {@link FlightRecorder#isInitialized()}: the event classes are
 * not even loaded. When a recording runs, an event is made only if a recording enables its type.
 *
 * <p>Check that the {@code jdk.jfr} module is present before touching this class: a runtime
 * built without it has none of this.
 */
public final class JfrEvents implements Aggregator.CallObserver {
    private final long minBytes;

    public JfrEvents(long minBytes) {
        this.minBytes = minBytes;
    }

    @Override
    public long minBytes() {
        return minBytes;
    }

    @Override
    public void onCall(Operation operation, Thread thread, long inclusiveBytes, long selfBytes, long durationNs,
                       boolean threw, boolean cold, long nowMs, long callSeq, StackTraceElement[] stackAtExit,
                       String traceId, String spanId) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        CallEvent e = new CallEvent();
        if (!e.isEnabled()) {
            return;
        }
        e.operation = operation.name();
        e.method = operation.method();
        e.kind = operation.kind();
        e.allocatedBytes = inclusiveBytes;
        e.selfBytes = selfBytes;
        e.callDuration = durationNs;
        e.callThread = thread;
        e.threw = threw;
        e.cold = cold;
        e.traceId = traceId;
        e.spanId = spanId;
        e.commit();
    }

    /** A {@code memagent.Spike} event, when a recording wants one. Call on an agent thread. */
    static void spike(String operation, String method, String severity, long allocatedBytes, long thresholdBytes,
                      String threadName, String traceId, String spanId) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        SpikeEvent e = new SpikeEvent();
        if (!e.isEnabled()) {
            return;
        }
        e.operation = operation;
        e.method = method;
        e.severity = severity;
        e.allocatedBytes = allocatedBytes;
        e.thresholdBytes = thresholdBytes;
        e.threadName = threadName;
        e.traceId = traceId;
        e.spanId = spanId;
        e.commit();
    }

    /** A {@code memagent.Leak} event, when a recording wants one. Call on an agent thread. */
    static void leak(String leakType, String leakSource, String detectionMethod, String severity,
                            long leakedBytes) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        LeakEvent e = new LeakEvent();
        if (!e.isEnabled()) {
            return;
        }
        e.leakType = leakType;
        e.leakSource = leakSource;
        e.detectionMethod = detectionMethod;
        e.severity = severity;
        e.leakedBytes = leakedBytes;
        e.commit();
    }
}
