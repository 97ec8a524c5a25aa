package io.memagent.agent.runtime;

import io.memagent.agent.aggregate.Aggregator;
import io.memagent.agent.config.Config;
import io.memagent.agent.instrument.Operation;
import io.memagent.agent.instrument.OperationRegistry;
import io.memagent.agent.report.TextReport;
import io.memagent.agent.store.InMemorySink;
import io.memagent.agent.util.WallClock;
import io.memagent.bootstrap.HotPath;
import io.memagent.bootstrap.RecordingThresholds;

/**
 * The exit report of a JVM that ends, in memory mode, before memagent-init has built the runtime (its MXBeans,
 * sampler and detectors: 50-100 ms of a JVM's start on 2 cores). Short tools and batch jobs that get the agent
 * through {@code JAVA_TOOL_OPTIONS} exit so. Waiting for the runtime would add those milliseconds to their exit
 * for nothing: no sample was taken yet, and no detector has run. Instead the hook collects the threads' figures
 * itself, with an aggregator of its own, and prints the operations; the JVM and detection sections say why they
 * are empty, and calls large enough to have been spikes are counted (they are in the figures, without a spike).
 */
final class EarlyExit {
    private EarlyExit() {
    }

    static void report(Config config, OperationRegistry registry, String header) {
        HotPath.setEnabled(false);
        if (registry.size() == 1) { // only the catch-all: nothing was woven, no block or track named
            print(TextReport.renderBeforeFirstSample(header, java.util.List.of(), null, 0, 0));
            return;
        }
        InMemorySink sink = new InMemorySink(AgentRuntime.IN_MEMORY_ROWS_PER_TABLE);
        Aggregator aggregator = new Aggregator(config.statsIntervalMs(), config.callsMinBytes(), registry, sink,
                WallClock.MILLIS);
        SpikeSized spikeSized = new SpikeSized(config.spikeMediumBytes());
        aggregator.addObserver(spikeSized);
        aggregator.stop(); // never started: this drains every thread's figures, here
        print(TextReport.renderBeforeFirstSample(header, aggregator.summaries(), sink.stats(),
                aggregator.detailsLost(), spikeSized.calls));
    }

    private static void print(String report) {
        System.err.print(report);
        System.err.flush();
    }

    /** Counts the warm calls at or over their operation's medium spike threshold, as the spike detector would. */
    private static final class SpikeSized implements Aggregator.CallObserver {
        private final long configuredMediumBytes;
        long calls;

        SpikeSized(long configuredMediumBytes) {
            this.configuredMediumBytes = configuredMediumBytes;
        }

        @Override
        public long minBytes() {
            return RecordingThresholds.stackMinBytes();
        }

        @Override
        public void onCall(Operation operation, Thread thread, long inclusiveBytes, long selfBytes, long durationNs,
                           boolean threw, boolean cold, long nowMs, long callSeq, StackTraceElement[] stackAtExit,
                           String traceId, String spanId) {
            long medium = operation.spikeMediumBytes() > 0 ? operation.spikeMediumBytes() : configuredMediumBytes;
            if (!cold && inclusiveBytes >= medium) {
                calls++;
            }
        }
    }
}
