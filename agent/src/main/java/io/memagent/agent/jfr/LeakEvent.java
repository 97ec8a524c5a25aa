package io.memagent.agent.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A suspected leak (a {@code memory_leak_detection} row). */
@Name("memagent.Leak")
@Label("Suspected Leak")
@Category({"memagent"})
@Description("Growth that memagent's leak detection reports")
@StackTrace(false)
final class LeakEvent extends jdk.jfr.Event {
    @Label("Leak Type")
    String leakType;

    @Label("Source")
    String leakSource;

    @Label("Detection Method")
    String detectionMethod;

    @Label("Severity")
    @Description("low, medium, high or critical")
    String severity;

    @Label("Leaked")
    @DataAmount(DataAmount.BYTES)
    long leakedBytes;
}
