package io.memagent.agent.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A call whose bytes reached a spike threshold (a {@code memory_spikes} row). */
@Name("memagent.Spike")
@Label("Allocation Spike")
@Category({"memagent"})
@Description("A profiled call allocating at least memagent.spike.medium.mb, or the heap jumping by as much")
@StackTrace(false)
final class SpikeEvent extends jdk.jfr.Event {
    @Label("Operation")
    String operation;

    @Label("Method")
    String method;

    @Label("Severity")
    @Description("medium, high or critical")
    String severity;

    @Label("Allocated")
    @DataAmount(DataAmount.BYTES)
    long allocatedBytes;

    @Label("Threshold")
    @DataAmount(DataAmount.BYTES)
    long thresholdBytes;

    @Label("Thread Name")
    @Description("the thread that made the call; (all threads) for a heap-level spike")
    String threadName;

    @Label("Trace Id")
    @Description("The trace id of the OpenTelemetry span open on the thread when the call ended; null when none")
    String traceId;

    @Label("Span Id")
    @Description("That span's id; null when none")
    String spanId;
}
