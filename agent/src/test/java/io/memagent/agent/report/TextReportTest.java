package io.memagent.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memagent.agent.aggregate.OperationFigures;
import io.memagent.agent.aggregate.OperationSummary;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exit report's table: sums in binary units, each call's figures to the byte. */
class TextReportTest {
    @Test
    void averageMinAndMaxAreExactBytesWithThousandsSeparators() {
        OperationSummary big = new OperationSummary("Nested.outer", "x.Nested#outer()", "method", new OperationFigures(100,
                0, 0, 1, 100 * 1_001_032L, 101_600, 1_001_032L, 1_001_032L, 1_001_032L, 1_001_032L, 1_001_032L, 5_000_000, 90_000));
        OperationSummary small = new OperationSummary("Validator.validate", "x.Validator#validate()", "method",
                new OperationFigures(3000, 307, 0, 0, 251_801, 251_801, 0L, 819L, 24L, 800L, 819L, 1_000, 10));
        OperationSummary virtual = new OperationSummary("OnVirtual.run", "x.OnVirtual#run()", "method",
                new OperationFigures(4, 0, 4, 0, 0, 0, null, null, null, null, null, 4_096, 1_024));
        String text = TextReport.render("service s, pid 1, 1.0 s", List.of(big, small, virtual), null, 0);
        // The lines after these (the agent's own overhead) depend on what else ran in this JVM.
        String table = String.join("\n",
                "",
                "==== memagent report: service s, pid 1, 1.0 s ====",
                "Profiled: 3 operations, 3,104 calls (1 cold), 345.1 KiB self bytes (353,401 bytes: each byte once,"
                        + " nested profiled calls not counted again)",
                "Top operations by bytes allocated (inclusive); average, min and max in exact bytes per call:",
                "operation               calls       total   average       min       max         p99        self   errors  unmeasured     cold",
                "Nested.outer              100    95.5 MiB 1,001,032 1,001,032 1,001,032   977.6 KiB    99.2 KiB        0           0        1",
                "Validator.validate       3000   245.9 KiB        83         0       819       819 B   245.9 KiB      307           0        0",
                "OnVirtual.run               4         0 B         -         -         -           -         0 B        0           4        0",
                "total and self (inclusive minus nested profiled calls on the same thread) in KiB/MiB of 1,024; average"
                        + " (rounded down), min and max over every measured call, p99 (within 2.4%) over warm calls only;"
                        + " cold: calls during which their thread loaded classes (counted in every figure, never a spike).",
                "");
        String normalized = text.replace(System.lineSeparator(), "\n");
        assertEquals(table, normalized.substring(0, Math.min(normalized.length(), table.length())));
    }
}
