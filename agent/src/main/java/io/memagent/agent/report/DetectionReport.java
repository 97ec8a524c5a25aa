package io.memagent.agent.report;

import io.memagent.agent.util.Bytes;
import io.memagent.agent.detect.ClassHistogram;
import io.memagent.agent.detect.LeakRow;
import io.memagent.agent.detect.RiskScore;
import io.memagent.agent.detect.SpikeRow;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The exit report's detection section: spikes, leaks, the class histogram's growth, the risk score. */
public final class DetectionReport {
    private DetectionReport() {
    }

    public static String render(long[] spikesBySeverity, List<SpikeRow> recentSpikes, List<LeakRow> leaks,
                                ClassHistogram.Diff histogramDiff, RiskScore.Risk risk) {
        StringBuilder sb = new StringBuilder("Detection:\n");
        sb.append(String.format(Locale.ROOT, "  spikes: %d medium, %d high, %d critical%n", spikesBySeverity[0],
                spikesBySeverity[1], spikesBySeverity[2]));
        int from = Math.max(0, recentSpikes.size() - 5);
        for (SpikeRow s : recentSpikes.subList(from, recentSpikes.size())) {
            sb.append(String.format(Locale.ROOT, "    %-8s %-30s %10s on %s at %s%s%n", s.severity(), s.operationType(),
                    Bytes.format(s.allocatedBytes()), s.threadName(), Instant.ofEpochMilli(s.detectedAtMs()),
                    s.heapDumpPath() != null ? ", heap dump " + s.heapDumpPath() : ""));
        }
        if (leaks.isEmpty()) {
            sb.append("  leaks: none\n");
        }
        for (LeakRow l : leaks) {
            sb.append(String.format(Locale.ROOT, "  leak: %s (%s), %s, %s grown, by %s, since %s%s%n", l.leakType(),
                    l.leakSource(), l.severity(), Bytes.format(l.leakedBytes()), l.detectionMethod(),
                    Instant.ofEpochMilli(l.detectedAtMs()), l.resolved() ? ", resolved" : ", open"));
        }
        if (histogramDiff != null) {
            sb.append(String.format(Locale.ROOT, "  class histogram growth from %s to %s:%n",
                    Instant.ofEpochMilli(histogramDiff.fromMs()), Instant.ofEpochMilli(histogramDiff.toMs())));
            for (ClassHistogram.Growth g : histogramDiff.topGrowth().subList(0, Math.min(5, histogramDiff.topGrowth().size()))) {
                sb.append(String.format(Locale.ROOT, "    %-40s %+,d instances, +%s%n", g.className(), g.instancesDelta(),
                        Bytes.format(g.bytesDelta())));
            }
        }
        sb.append(String.format(Locale.ROOT, "  risk: %.2f (%s), from:%n", risk.score(), risk.level()));
        for (RiskScore.Factor f : risk.factors()) {
            sb.append(String.format(Locale.ROOT, "    %-17s +%.2f of %.2f  %s%n", f.name(), f.contribution(), f.weight(),
                    f.detail()));
        }
        return sb.toString();
    }
}
