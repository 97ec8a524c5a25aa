package io.memagent.agent.detect;

import io.memagent.agent.aggregate.Aggregator;
import io.memagent.agent.instrument.OperationRegistry;
import io.memagent.agent.store.InMemorySink;
import io.memagent.bootstrap.HotPath;
import io.memagent.bootstrap.RecordingThresholds;
import java.util.concurrent.atomic.AtomicLong;

/** The recording core, a drain and a spike detector wired as the runtime wires them, in-process, for spike tests. */
final class SpikeBench {
    final OperationRegistry registry = new OperationRegistry(20_000);
    final InMemorySink rows = new InMemorySink(10_000);
    final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
    final Aggregator aggregator;
    final SpikeDetector spikes;

    SpikeBench(SpikeThresholds thresholds) {
        RecordingThresholds.configure(1_048_576, thresholds.mediumBytes()); // as the runtime does
        HotPath.setEnabled(true);
        aggregator = new Aggregator(10_000, 1_048_576, registry, rows, clock::get);
        spikes = new SpikeDetector(thresholds, false, rows, new HeapDumper("unused", 0, "t", clock::get));
        aggregator.addObserver(spikes);
    }

    /** Drains every call and waits for the spikes' own thread. */
    void stop() {
        aggregator.stop();
        spikes.stop(5_000);
    }
}
