package io.memagent.agent.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * One profiled call at or above {@code memagent.calls.min.bytes}, committed by the agent's
 * drain thread within ~10 ms of the call's end (so the event's own time is the drain's; the
 * call's duration and thread are fields).
 */
@Name("memagent.Call")
@Label("Profiled Call")
@Category({"memagent"})
@Description("A call profiled by memagent that allocated at least memagent.calls.min.bytes")
@StackTrace(false)
final class CallEvent extends jdk.jfr.Event {
    @Label("Operation")
    String operation;

    @Label("Method")
    String method;

    @Label("Kind")
    @Description("method, block, track, ...")
    String kind;

    @Label("Allocated")
    @Description("Bytes the thread allocated during the call (inclusive)")
    @DataAmount(DataAmount.BYTES)
    long allocatedBytes;

    @Label("Self Allocated")
    @Description("Allocated bytes minus nested profiled calls on the same thread")
    @DataAmount(DataAmount.BYTES)
    long selfBytes;

    @Label("Call Duration")
    @Timespan(Timespan.NANOSECONDS)
    long callDuration;

    @Label("Call Thread")
    Thread callThread;

    @Label("Threw")
    boolean threw;

    @Label("Cold")
    @Description("The thread loaded a class during the call: never a spike, outside the percentiles")
    boolean cold;

    @Label("Trace Id")
    @Description("The trace id of the OpenTelemetry span open on the thread when the call ended; null when none")
    String traceId;

    @Label("Span Id")
    @Description("That span's id; null when none")
    String spanId;
}
