package io.memagent.agent.detect;

import static io.memagent.agent.HotPathCalls.profiled;
import static io.memagent.agent.HotPathCalls.truthOf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memagent.agent.RecorderReset;
import io.memagent.agent.aggregate.Aggregator;
import io.memagent.agent.aggregate.OperationSummary;
import io.memagent.agent.instrument.OperationRegistry;
import io.memagent.agent.store.InMemorySink;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.Table;
import io.memagent.bootstrap.AgentOverhead;
import io.memagent.bootstrap.HotPath;
import io.memagent.bootstrap.RecordingThresholds;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cold calls: a class load on the thread (what the agent's transformer reports, {@link AgentOverhead#classLoadWork})
 * makes every call open on it cold, and only those. Cold calls count in calls, totals, min and max, raise no spike,
 * and stay out of the percentiles.
 */
@ExtendWith(RecorderReset.class)
class ColdCallsTest {
    static volatile Object sink;

    /** What the transformer does on the loading thread when a class loads. */
    static void classLoads() {
        AgentOverhead.classLoadWork(AgentOverhead.counter(), System.nanoTime(), 0);
    }

    @Test
    void aClassLoadMakesTheOpenCallsColdOnlyThoseAndNoneIsASpike() throws Exception {
        SpikeBench bench = new SpikeBench(new SpikeThresholds(2L << 20, 4L << 20, 8L << 20, 3));
        OperationRegistry registry = bench.registry;
        Aggregator aggregator = bench.aggregator;
        int outer = registry.register("outer", "T#outer()V", "method");
        int inner = registry.register("inner", "T#inner()V", "method");
        Runnable three = () -> sink = new byte[3 << 20];
        Runnable small = () -> sink = new byte[1000];
        long threeTruth = truthOf(three);
        long smallTruth = truthOf(small);
        // Made before any call, so no call pays for the lambdas themselves; classLoads run once outside calls.
        Runnable coldThree = () -> {
            classLoads();
            three.run();
        };
        Runnable coldSmall = () -> {
            small.run();
            classLoads();
        };
        Runnable outerBody = () -> {
            small.run();
            profiled(inner, coldThree); // cold, over the threshold: no spike
            profiled(inner, three); // warm, after the cold one closed: a spike
        };
        classLoads();

        profiled(outer, outerBody); // cold: a class loaded inside it
        profiled(outer, small); // warm
        profiled(inner, coldSmall); // cold
        bench.stop();

        OperationSummary o = summary(aggregator, "outer");
        assertEquals(2, o.calls());
        assertEquals(1, o.coldCalls());
        assertEquals(2 * smallTruth + 2 * threeTruth, o.totalBytes(), "cold calls' bytes are in the totals");
        assertEquals(2 * smallTruth, o.selfBytes());
        assertEquals(smallTruth, o.minBytes());
        assertEquals(smallTruth + 2 * threeTruth, o.maxBytes(), "the maximum is over every call");
        assertEquals(smallTruth, o.p50Bytes(), "percentiles are over warm calls");
        assertEquals(smallTruth, o.p99Bytes());

        OperationSummary in = summary(aggregator, "inner");
        assertEquals(3, in.calls());
        assertEquals(2, in.coldCalls());
        assertEquals(2 * threeTruth + smallTruth, in.totalBytes());
        assertEquals(smallTruth, in.minBytes());
        assertEquals(threeTruth, in.maxBytes());
        assertEquals(threeTruth, in.p50Bytes());

        List<Row> spikeRows = bench.rows.rows(Table.MEMORY_SPIKES);
        assertEquals(List.of("inner medium " + threeTruth), spikeRows.stream()
                .map(r -> ((SpikeRow) r).operationType() + " " + ((SpikeRow) r).severity() + " "
                        + ((SpikeRow) r).allocatedBytes()).toList(), "only the warm call over the threshold");
    }

    @Test
    void anOperationWhoseOnlyCallIsColdHasNoPercentilesButExactExtremes() {
        OperationRegistry registry = new OperationRegistry(20_000);
        InMemorySink rows = new InMemorySink(10_000);
        RecordingThresholds.configure(1_048_576, 1L << 30);
        HotPath.setEnabled(true);
        Aggregator aggregator = new Aggregator(10_000, 1_048_576, registry, rows, () -> 1_000_000_000_000L);
        int first = registry.register("first", "T#first()V", "method");
        Runnable small = () -> sink = new byte[1000];
        long smallTruth = truthOf(small);
        Runnable coldSmall = () -> {
            classLoads();
            small.run();
        };
        classLoads();
        profiled(first, coldSmall);
        aggregator.stop();
        OperationSummary f = summary(aggregator, "first");
        assertEquals(1, f.calls());
        assertEquals(1, f.coldCalls());
        assertEquals(smallTruth, f.totalBytes());
        assertEquals(smallTruth, f.minBytes());
        assertEquals(smallTruth, f.maxBytes());
        assertEquals(null, f.p50Bytes(), "no warm call: no percentile");
        assertEquals(null, f.p99Bytes());
    }

    private static OperationSummary summary(Aggregator aggregator, String name) {
        return aggregator.summaries().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + aggregator.summaries()));
    }
}
