package io.memagent.agent.report;

import io.memagent.agent.util.Bytes;
import io.memagent.agent.aggregate.OperationSummary;
import io.memagent.agent.aggregate.ProfiledTotals;
import io.memagent.agent.store.WriterStats;
import java.util.List;
import io.memagent.agent.util.Text;
import java.util.Map;

/** The report printed at exit (and by the report command): top operations by bytes. */
public final class TextReport {
    public static final int TOP = 25;

    private TextReport() {
    }

    /**
     * @param header one line naming the service and run
     */
    public static String render(String header, List<OperationSummary> operations, WriterStats writer,
                                long detailsLost) {
        StringBuilder sb = new StringBuilder();
        sb.append('\n').append("==== memagent report: ").append(header).append(" ====\n");
        if (operations.isEmpty()) {
            sb.append("No profiled calls were recorded. Annotate methods with @io.memagent.api.ProfileMemory"
                    + " or set memagent.include.\n");
        } else {
            sb.append(profiledLine(operations));
            sb.append(operationTable(operations, TOP));
        }
        long overheadBytes = io.memagent.bootstrap.AgentOverhead.bytes();
        if (overheadBytes > 0) {
            sb.append(Text.format("Agent overhead on app threads: %,d bytes, %.1f ms (weaving classes as"
                            + " they load, naming operations, per-thread state); in no operation's figures.%n",
                    overheadBytes, io.memagent.bootstrap.AgentOverhead.nanos() / 1e6));
        }
        if (detailsLost > 0) {
            sb.append(detailsLost).append(" calls over memagent.calls.min.bytes came faster than the agent drained"
                    + " them: they are in every figure, but have no row of their own (nor a spike check).\n");
        }
        if (writer != null) {
            Map<String, Long> drops = writer.dropsByReason();
            if (writer.mode().equals("postgresql")) {
                sb.append("PostgreSQL: ").append(writer.rowsWritten()).append(" rows in ")
                        .append(writer.batchesWritten()).append(" batches, ").append(writer.failures())
                        .append(" failed attempts");
                if (writer.lastError() != null) {
                    sb.append(", last error: ").append(writer.lastError());
                }
                sb.append('\n');
            }
            if (!drops.isEmpty()) {
                sb.append("Dropped rows by reason: ").append(drops).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * The report of a JVM that exited before the agent's runtime was built (no sample taken, no detector run):
     * the operations as {@link #render} shows them, then why the JVM and detection sections are empty, and how
     * many calls were large enough to have been spikes.
     */
    public static String renderBeforeFirstSample(String header, List<OperationSummary> operations, WriterStats writer,
                                                 long detailsLost, long spikeSizedCalls) {
        String report = render(header, operations, writer, detailsLost)
                + "JVM and detection: none; the JVM exited before the agent's first sample.\n";
        if (spikeSizedCalls > 0) {
            report += spikeSizedCalls + " calls reached their operation's spike threshold before the detectors started:"
                    + " they are in the figures above, without a spike of their own.\n";
        }
        return report;
    }

    /**
     * The headline: every operation's self bytes summed, so a byte allocated in nested profiled calls
     * (a request, its controller method, its SQL) counts once, not once per level.
     */
    static String profiledLine(List<OperationSummary> operations) {
        ProfiledTotals t = ProfiledTotals.of(operations);
        return Text.format("Profiled: %,d operations, %,d calls (%,d cold), %s self bytes (%,d bytes:"
                + " each byte once, nested profiled calls not counted again)%n", t.operations(), t.calls(), t.coldCalls(),
                Bytes.format(t.selfBytes()), t.selfBytes());
    }

    /**
     * The top {@code top} operations by bytes: a header line, one line each, a count of the rest,
     * and what the columns mean. Also what PostgreSQL mode prints at exit ({@code memagent.exit.summary}).
     */
    public static String operationTable(List<OperationSummary> operations, int top) {
        StringBuilder sb = new StringBuilder();
        int nameWidth = "operation".length();
        int shown = Math.min(top, operations.size());
        int exactWidth = "average".length();
        for (int i = 0; i < shown; i++) {
            OperationSummary o = operations.get(i);
            nameWidth = Math.max(nameWidth, Math.min(60, o.name().length()));
            exactWidth = Math.max(exactWidth, Bytes.exact(o.maxBytes()).length());
        }
        // Sums read best in binary units; what one call allocated is shown to the byte, as it was measured.
        String exact = "%" + exactWidth + "s ";
        String fmt = "%-" + nameWidth + "s %10s %11s " + exact + exact + exact + "%11s %11s %8s %11s %8s%n";
        sb.append("Top operations by bytes allocated (inclusive); average, min and max in exact bytes per call:\n");
        sb.append(Text.format(fmt, "operation", "calls", "total", "average", "min", "max", "p99",
                "self", "errors", "unmeasured", "cold"));
        for (int i = 0; i < shown; i++) {
            OperationSummary o = operations.get(i);
            String name = o.name().length() > 60 ? o.name().substring(0, 57) + "..." : o.name();
            sb.append(Text.format(fmt, name, o.calls(), Bytes.format(o.totalBytes()),
                    o.measuredCalls() == 0 ? "-" : Bytes.exact(o.averageBytes()), Bytes.exact(o.minBytes()),
                    Bytes.exact(o.maxBytes()), Bytes.format(o.p99Bytes()), Bytes.format(o.selfBytes()),
                    o.errors(), o.unmeasuredCalls(), o.coldCalls()));
        }
        if (operations.size() > shown) {
            sb.append("... and ").append(operations.size() - shown).append(" more operations\n");
        }
        sb.append("total and self (inclusive minus nested profiled calls on the same thread) in KiB/MiB of 1,024;"
                + " average (rounded down), min and max over every measured call, p99 (within 2.4%) over warm calls only;"
                + " cold: calls during which their thread loaded classes (counted in every figure, never a spike).\n");
        return sb.toString();
    }
}
