package io.memagent.agent.detect;

import io.memagent.agent.util.Json;
import io.memagent.agent.jvm.JvmSample;
import io.memagent.agent.jvm.SampleListener;
import io.memagent.agent.store.RowSink;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Per operation, a baseline of bytes per call and calls per interval (one interval = one sample
 * period; running mean and variance, Welford). An interval of at least {@link #MIN_CALLS} calls
 * whose bytes per call are more than {@code memagent.anomaly.k} standard deviations and
 * {@link #MIN_CHANGE} (25%) away from the baseline's mean, after at least {@link #MIN_INTERVALS}
 * intervals, is an anomaly: one {@code system_alerts} row ({@code allocation_anomaly}) with the
 * operation and the figures. The baseline then starts again from the new level, so a lasting
 * change of pattern is reported once, not every interval. The 25% floor keeps an operation of
 * constant size (standard deviation 0) from alerting on a few bytes. Sampler thread only.
 */
public final class AllocationAnomalies implements SampleListener {
    static final int MIN_INTERVALS = 5;
    static final long MIN_CALLS = 5;
    static final double MIN_CHANGE = 0.25;

    private final RowSink sink;
    private final double k;
    private final OperationDeltas deltas;
    private final Map<String, Baseline> baselines = new HashMap<>();

    private static final class Baseline {
        long n;
        double mean;
        double m2;
        double callsMean;

        void add(double bytesPerCall, long calls) {
            n++;
            double d = bytesPerCall - mean;
            mean += d / n;
            m2 += d * (bytesPerCall - mean);
            callsMean += (calls - callsMean) / n;
        }

        double sd() {
            return n < 2 ? 0 : Math.sqrt(m2 / (n - 1));
        }
    }

    public AllocationAnomalies(RowSink sink, double k, OperationDeltas deltas) {
        this.sink = sink;
        this.k = k;
        this.deltas = deltas;
    }

    @Override
    public void onSample(JvmSample s) {
        for (OperationDeltas.Delta d : deltas.at(s.recordedAtMs())) {
            if (d.measuredCalls() < MIN_CALLS) {
                continue;
            }
            Baseline b = baselines.get(d.name());
            if (b == null) {
                b = new Baseline();
                baselines.put(d.name(), b);
            }
            double perCall = d.bytesPerCall();
            double deviation = Math.abs(perCall - b.mean);
            double sd = b.sd();
            if (b.n >= MIN_INTERVALS && deviation > k * sd && deviation > MIN_CHANGE * b.mean) {
                String message = String.format(Locale.ROOT,
                        "%s allocated %.0f bytes per call in the last interval against a baseline of %.0f (sd %.0f, %d intervals): %+.0f%%",
                        d.name(), perCall, b.mean, sd, b.n, 100 * (perCall - b.mean) / b.mean);
                String context = String.format(Locale.ROOT,
                        "{\"operation\":%s,\"bytes_per_call\":%.1f,\"baseline_bytes_per_call\":%.1f,\"baseline_sd\":%.1f,"
                                + "\"k\":%.1f,\"calls\":%d,\"baseline_calls_per_interval\":%.1f,\"baseline_intervals\":%d}",
                        Json.string(d.name()), perCall, b.mean, sd, k, d.calls(), b.callsMean, b.n);
                sink.offer(new AlertRow(UUID.randomUUID(), "allocation_anomaly", "warning", message, context,
                        s.recordedAtMs()));
                b = new Baseline(); // the new pattern is the new baseline
                baselines.put(d.name(), b);
            }
            b.add(perCall, d.calls());
        }
    }
}
