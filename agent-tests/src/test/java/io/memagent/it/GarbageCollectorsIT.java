package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.ExactBytesApp;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exact bytes under every collector the JDK ships, on the JDK of the pass (17 and 25): one forked
 * JVM per collector, in memory mode, each profiled method's min and max per call in the exit
 * report equal to its twin measured in the same JVM (so an object layout that a collector changes,
 * such as ZGC's uncompressed references, is compared with itself).
 */
class GarbageCollectorsIT {
    static final int CALLS = 50;
    static final List<String[]> OPERATIONS = List.of(
            new String[] {"ExactBytesApp.oneMillionBytes", "truth.oneMillionBytes"},
            new String[] {"ExactBytesApp.fourThousandBytes", "truth.fourThousandBytes"},
            new String[] {"ExactBytesApp.thousandLongs", "truth.thousandLongs"},
            new String[] {"ExactBytesApp.tenReferences", "truth.tenReferences"},
            new String[] {"ExactBytesApp.twoMillionBytesOfInts", "truth.twoMillionBytesOfInts"});

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Serial", "Parallel", "G1", "Z", "Shenandoah"})
    void everyCallIsExactUnder(String collector) throws Exception {
        // Up for a second after its calls: the agent builds its runtime (the MXBeans the report's JVM section reads)
        // 100 ms after premain, and a JVM that exits sooner gets a report without that section.
        AppRun.Result r = AppRun.main(ExactBytesApp.class).jvmArg("-XX:+Use" + collector + "GC").jvmArg("-Xmx512m")
                .args(String.valueOf(CALLS), "1000").run().assertOk();
        assertTrue(r.stderr().contains("==== memagent report"), r.toString());
        List<String> wrong = new ArrayList<>();
        for (String[] op : OPERATIONS) {
            long truth = r.value(op[1]);
            long calls = op[0].endsWith("oneMillionBytes") ? 2L * CALLS : CALLS; // also called from Nested.outer
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(op[0])
                    + "\\s+(\\d+)\\s+\\S+ \\S+\\s+([\\d,]+)\\s+([\\d,]+)\\s+([\\d,]+)\\s").matcher(r.stderr());
            assertTrue(m.find(), op[0] + " in the report:\n" + r.stderr());
            String seen = "calls " + m.group(1) + ", average " + m.group(2) + ", min " + m.group(3) + ", max " + m.group(4);
            String want = "calls " + calls + ", average " + String.format(java.util.Locale.ROOT, "%,d", truth) + ", min "
                    + String.format(java.util.Locale.ROOT, "%,d", truth) + ", max " + String.format(java.util.Locale.ROOT, "%,d", truth);
            if (!seen.equals(want)) {
                wrong.add(op[0] + ": " + seen + " (expected " + want + ")");
            }
        }
        assertEquals(List.of(), wrong, collector + " on JDK " + AppRun.javaFeatureVersion());
        assertTrue(r.stderr().matches("(?s).*\\n  (Copy|PS Scavenge|G1 Young Generation|ZGC \\w+|Shenandoah \\w+)[^\\n]*"
                + "collections.*"), "the report names the collector's own beans: " + r.stderr());
    }
}
