package io.memagent.agent.detect;

import io.memagent.agent.jvm.HeapState;
import io.memagent.agent.jvm.JvmHistory;
import io.memagent.agent.jvm.JvmSample;
import io.memagent.agent.jvm.SampleListener;
import io.memagent.agent.jvm.OutsideHeap;
import io.memagent.agent.util.Bytes;
import io.memagent.agent.store.RowSink;
import java.util.Locale;

/**
 * The state alerts, a listener of every JVM sample: {@code heap_warning}/{@code heap_critical} from
 * the heap's state, {@code container_memory_warning}/{@code container_memory_critical} from the
 * resident set against the container's limit (or physical memory), each raised once per entry
 * ({@link HeapStateAlerts}). A container alert says what outside the heap holds the memory.
 */
public final class StateAlerts implements SampleListener {
    private final JvmHistory history;
    private final HeapStateAlerts heap;
    private final HeapStateAlerts container;

    public StateAlerts(RowSink sink, JvmHistory history) {
        this.history = history;
        this.heap = new HeapStateAlerts(sink);
        this.container = new HeapStateAlerts(sink, "container_memory_");
    }

    @Override
    public void onSample(JvmSample s) {
        heap.observe(state(s.memoryState()), s.utilizationPct(), s.heapUsedBytes(), s.heapMaxBytes(), s.recordedAtMs());
        if (s.containerState() != null && s.containerUtilizationPct() != null && s.processRssBytes() != null) {
            HeapState state = state(s.containerState());
            if (state != container.current()) { // a class, not a lambda: HeapStateAlerts.HeapText says why
                container.observe(state, s.recordedAtMs(), new HeapStateAlerts.Describe() {
                    @Override
                    public HeapStateAlerts.Text describe(HeapState from, HeapState to) {
                        return containerAlert(s, from, to);
                    }
                });
            }
        }
    }

    private static HeapState state(String label) {
        return HeapState.valueOf(label.toUpperCase(Locale.ROOT));
    }

    /** "heap 40%, container 93%": the alert says what outside the heap holds the memory. */
    private HeapStateAlerts.Text containerAlert(JvmSample s, HeapState from, HeapState to) {
        double pct = s.containerUtilizationPct();
        long rss = s.processRssBytes();
        long against = history.containerLimitAgainstBytes();
        boolean physical = s.containerLimitBytes() == null;
        OutsideHeap.Consumers top = OutsideHeap.now(history.nativeMemory());
        String what = physical ? "physical memory" : "the container's memory limit";
        String message = String.format(Locale.ROOT,
                "process resident memory %.1f%% of %s (%s of %s) entered %s (was %s); heap %.1f%% used;"
                        + " largest outside the heap%s: %s", pct, what, Bytes.format(rss), Bytes.format(against),
                to.label(), from.label(), s.utilizationPct(),
                top.source().equals("native_memory_tracking") ? " (native memory tracking)" : "", top.text(4));
        String context = String.format(Locale.ROOT, "{\"utilization_pct\":%.2f,\"process_rss_bytes\":%d,"
                        + "\"limit_bytes\":%d,\"limit_source\":\"%s\",\"heap_utilization_pct\":%.2f,\"heap_used_bytes\":%d,"
                        + "\"heap_committed_bytes\":%d,\"previous_state\":\"%s\",\"outside_heap_source\":\"%s\","
                        + "\"largest_outside_heap\":%s}", pct, rss, against, history.containerLimitSource(),
                s.utilizationPct(), s.heapUsedBytes(), s.heapCommittedBytes(), from.label(), top.source(), top.json(6));
        return new HeapStateAlerts.Text(message, context);
    }
}
