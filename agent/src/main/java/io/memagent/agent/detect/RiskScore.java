package io.memagent.agent.detect;

import io.memagent.agent.jvm.JvmHistory;
import io.memagent.agent.jvm.JvmSample;
import java.util.ArrayList;
import java.util.List;
import io.memagent.agent.util.Text;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A memory risk score from 0.0 to 1.0, with its level and the factors that made it. Weights:
 * heap utilization 0.40 (0 at 50% or less, all of it at 95%), GC time share 0.25 (over the last
 * {@link #GC_WINDOW_MS}; all of it at 20%), open leaks 0.20 (a critical leak alone takes all of
 * it, low 1/4, medium 1/2, high 3/4), spikes of the last {@link #SPIKE_WINDOW_MS} 0.15 (medium 1,
 * high 2, critical 4 points; all of it at 8). Level: low < 0.25 <= medium < 0.5 <= high < 0.75 <= critical.
 */
public final class RiskScore {
    static final long GC_WINDOW_MS = 300_000;
    static final long SPIKE_WINDOW_MS = 600_000;

    private final JvmHistory history;
    private final Supplier<List<LeakRow>> leaks;
    private final SpikeDetector spikes;
    private final LongSupplier clockMs;

    /** One factor: its measured value, its weight, and what it added to the score. */
    public record Factor(String name, double value, double weight, double contribution, String detail) {
    }

    public record Risk(double score, String level, List<Factor> factors) {
    }

    public RiskScore(JvmHistory history, Supplier<List<LeakRow>> leaks, SpikeDetector spikes, LongSupplier clockMs) {
        this.history = history;
        this.leaks = leaks;
        this.spikes = spikes;
        this.clockMs = clockMs;
    }

    public Risk current() {
        long now = clockMs.getAsLong();
        List<JvmSample> samples = history.samples();
        JvmSample last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
        double utilization = last == null ? 0 : last.utilizationPct() / 100.0;
        double gcShare = 0;
        if (last != null) {
            JvmSample from = samples.get(0);
            for (JvmSample s : samples) {
                if (s.recordedAtMs() >= last.recordedAtMs() - GC_WINDOW_MS) {
                    from = s;
                    break;
                }
            }
            long wall = last.recordedAtMs() - from.recordedAtMs();
            gcShare = wall <= 0 ? 0 : (double) (last.gcTimeMs() - from.gcTimeMs()) / wall;
        }
        double leakPoints = 0;
        int open = 0;
        for (LeakRow l : leaks.get()) {
            if (!l.resolved()) {
                open++;
                leakPoints += switch (l.severity()) {
                    case "critical" -> 1.0;
                    case "high" -> 0.75;
                    case "medium" -> 0.5;
                    default -> 0.25;
                };
            }
        }
        int spikePoints = 0;
        int recentSpikes = 0;
        for (SpikeRow s : spikes.recent()) {
            if (s.detectedAtMs() >= now - SPIKE_WINDOW_MS) {
                recentSpikes++;
                spikePoints += switch (s.severity()) {
                    case "critical" -> 4;
                    case "high" -> 2;
                    default -> 1;
                };
            }
        }
        return score(utilization, gcShare, open, leakPoints, recentSpikes, spikePoints);
    }

    static Risk score(double utilization, double gcShare, int openLeaks, double leakPoints, int recentSpikes,
                      int spikePoints) {
        List<Factor> f = new ArrayList<>();
        f.add(factor("heap_utilization", utilization, 0.40, clamp((utilization - 0.5) / 0.45),
                Text.format("%.1f%% of the heap used", utilization * 100)));
        f.add(factor("gc_time_share", gcShare, 0.25, clamp(gcShare / 0.2),
                Text.format("%.1f%% of the last 5 minutes in GC", gcShare * 100)));
        f.add(factor("open_leaks", openLeaks, 0.20, clamp(leakPoints), openLeaks + " open leak(s)"));
        f.add(factor("recent_spikes", recentSpikes, 0.15, clamp(spikePoints / 8.0),
                recentSpikes + " spike(s) in the last 10 minutes"));
        double score = 0;
        for (Factor x : f) {
            score += x.contribution();
        }
        score = Math.round(clamp(score) * 1000) / 1000.0;
        String level = score >= 0.75 ? "critical" : score >= 0.5 ? "high" : score >= 0.25 ? "medium" : "low";
        return new Risk(score, level, List.copyOf(f));
    }

    private static Factor factor(String name, double value, double weight, double share, String detail) {
        return new Factor(name, value, weight, Math.round(weight * share * 1000) / 1000.0, detail);
    }

    private static double clamp(double x) {
        return Math.max(0, Math.min(1, x));
    }
}
