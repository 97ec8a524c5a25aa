package io.memagent.agent.http;

import io.memagent.agent.detect.ClassHistogram;
import io.memagent.agent.detect.RiskScore;
import io.memagent.agent.aggregate.BucketHistory;
import io.memagent.agent.aggregate.OperationSummary;
import io.memagent.agent.jvm.JvmHistory;
import io.memagent.agent.store.RecentRows;
import io.memagent.agent.store.RunInfo;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the HTTP API reads, all of it in memory in either mode: the run's per-operation figures,
 * the JVM history, the recent rows of spikes/leaks/alerts/recommendations and the writer's
 * counters, the recent statistics buckets, how calls on virtual threads are measured. Nothing here touches the
 * database.
 */
public record ApiSources(HttpSettings settings, RunInfo run, Supplier<List<OperationSummary>> operations, JvmHistory jvm,
                         RecentRows rows, HeapSnapshots heapDumper, ClassHistogram classHistogram, RiskScore risk,
                         BucketHistory buckets, Supplier<String> virtualThreads) {
}
