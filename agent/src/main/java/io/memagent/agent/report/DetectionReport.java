package io.memagent.agent.report;

import io.memagent.agent.util.Bytes;
import io.memagent.agent.detect.ClassHistogram;
import io.memagent.agent.detect.LeakRow;
import io.memagent.agent.detect.RiskScore;
import io.memagent.agent.detect.SpikeRow;
import java.time.Instant;
import java.util.List;
import io.memagent.agent.util.Text;

/** The exit report's detection section: spikes, leaks, the class histogram's growth, the risk score. */
public final class DetectionReport {
    /** Longer operation names end in "..." at this width. */
    static final int NAME_MAX = 60;

    private DetectionReport() {
    }

    /** A name column as wide as the longest name (NAME_MAX at most), so the columns after it line up. */
    static int nameWidth(List<String> names, int min) {
        int width = min;
        for (String n : names) {
            width = Math.max(width, Math.min(NAME_MAX, n.length()));
        }
        return width;
    }

    /** The name as the column shows it: cut to NAME_MAX with "..." at the end. */
    static String fit(String name) {
        return name.length() > NAME_MAX ? name.substring(0, NAME_MAX - 3) + "..." : name;
    }

    public static String render(long[] spikesBySeverity, List<SpikeRow> recentSpikes, List<LeakRow> leaks,
                                ClassHistogram.Diff histogramDiff, RiskScore.Risk risk) {
        StringBuilder sb = new StringBuilder("Detection:\n");
        sb.append(Text.format("  spikes: %d medium, %d high, %d critical%n", spikesBySeverity[0],
                spikesBySeverity[1], spikesBySeverity[2]));
        List<SpikeRow> shown = recentSpikes.subList(Math.max(0, recentSpikes.size() - 5), recentSpikes.size());
        int width = nameWidth(shown.stream().map(SpikeRow::operationType).toList(), 30);
        for (SpikeRow s : shown) {
            sb.append(Text.format("    %-8s %-" + width + "s %10s on %s at %s%s%n", s.severity(),
                    fit(s.operationType()), Bytes.format(s.allocatedBytes()), s.threadName(), Instant.ofEpochMilli(s.detectedAtMs()),
                    s.heapDumpPath() != null ? ", heap dump " + s.heapDumpPath() : ""));
        }
        if (leaks.isEmpty()) {
            sb.append("  leaks: none\n");
        }
        for (LeakRow l : leaks) {
            sb.append(Text.format("  leak: %s (%s), %s, %s grown, by %s, since %s%s%n", l.leakType(),
                    l.leakSource(), l.severity(), Bytes.format(l.leakedBytes()), l.detectionMethod(),
                    Instant.ofEpochMilli(l.detectedAtMs()), l.resolved() ? ", resolved" : ", open"));
        }
        if (histogramDiff != null) {
            sb.append(Text.format("  class histogram growth from %s to %s:%n",
                    Instant.ofEpochMilli(histogramDiff.fromMs()), Instant.ofEpochMilli(histogramDiff.toMs())));
            for (ClassHistogram.Growth g : histogramDiff.topGrowth().subList(0, Math.min(5, histogramDiff.topGrowth().size()))) {
                sb.append(Text.format("    %-40s %+,d instances, +%s%n", g.className(), g.instancesDelta(),
                        Bytes.format(g.bytesDelta())));
            }
        }
        sb.append(Text.format("  risk: %.2f (%s), from:%n", risk.score(), risk.level()));
        for (RiskScore.Factor f : risk.factors()) {
            sb.append(Text.format("    %-17s +%.2f of %.2f  %s%n", f.name(), f.contribution(), f.weight(),
                    f.detail()));
        }
        return sb.toString();
    }
}
