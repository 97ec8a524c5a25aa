package io.memagent.agent.http;

import io.memagent.agent.aggregate.OperationSummary;
import io.memagent.agent.jdk.PlatformBeans;
import io.memagent.agent.jvm.JvmSample;
import io.memagent.agent.store.Table;
import io.memagent.agent.store.WriterStats;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /metrics} in the Prometheus text exposition format 0.0.4: per-operation series
 * labelled by {@code operation}, the JVM's figures, and the writer's own counters. Names follow
 * Prometheus conventions (base units: bytes and seconds; counters end in {@code _total}).
 */
final class PrometheusText {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String[] STATES = {"normal", "elevated", "warning", "critical"};

    private final ApiSources src;
    private final StringBuilder sb = new StringBuilder(8192);

    private PrometheusText(ApiSources src) {
        this.src = src;
    }

    static String render(ApiSources src) {
        PrometheusText p = new PrometheusText(src);
        p.all();
        return p.sb.toString();
    }

    private void header(String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, String labels, double value) {
        sb.append(name);
        if (labels != null) {
            sb.append('{').append(labels).append('}');
        }
        sb.append(' ').append(number(value)).append('\n');
    }

    private void single(String name, String type, String help, double value) {
        header(name, type, help);
        sample(name, null, value);
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v); // shortest exact form, e.g. 1.795394577991E9, which Prometheus parses
    }

    /** A label value: backslash, double quote and newline escaped, as the format requires. */
    static String label(String name, String value) {
        StringBuilder out = new StringBuilder(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private void all() {
        header("memagent_info", "gauge", "The agent's run: always 1, its labels say which.");
        sample("memagent_info", label("service", src.run().serviceName()) + "," + label("version", src.run().agentVersion())
                + "," + label("mode", src.rows().stats().mode()), 1);
        single("memagent_start_time_seconds", "gauge", "When the agent started, seconds since the epoch.",
                src.run().startedAtMs() / 1000.0);
        operations(src.operations().get());
        jvm();
        writer(src.rows().stats());
        header("memagent_rows_made_total", "counter", "Rows the agent made per table (written, held or dropped).");
        for (Table t : Table.values()) {
            sample("memagent_rows_made_total", label("table", t.tableName()), src.rows().made(t));
        }
        single("memagent_agent_overhead_bytes_total", "counter",
                "Bytes the agent allocated on app threads (class weaving, naming, per-thread state), never in any operation's figures.",
                io.memagent.bootstrap.AgentOverhead.bytes());
        single("memagent_agent_overhead_seconds_total", "counter",
                "Time the agent spent on app threads weaving classes as they load, never in any operation's duration.",
                io.memagent.bootstrap.AgentOverhead.nanos() / 1e9);
        single("memagent_leaks_open", "gauge", "Leaks detected and not resolved (of the recent ones held).",
                MemoryStatus.openLeaks(src.rows()));
    }

    /**
     * One series per operation name, whatever happens upstream: Prometheus keeps only one of two
     * series with the same labels. Operation names are unique per kind (see OperationRegistry); a
     * block and a method named alike are merged here: counters add, percentiles take the higher.
     */
    static List<OperationSummary> uniqueByName(List<OperationSummary> ops) {
        Map<String, OperationSummary> byName = new LinkedHashMap<>();
        for (OperationSummary o : ops) {
            byName.merge(o.name(), o, PrometheusText::merge);
        }
        return new ArrayList<>(byName.values());
    }

    private static OperationSummary merge(OperationSummary a, OperationSummary b) {
        return new OperationSummary(a.name(), a.method(), a.kind(), a.figures().mergedWith(b.figures()));
    }

    private void operations(List<OperationSummary> allOps) {
        List<OperationSummary> ops = uniqueByName(allOps);
        header("memagent_operation_calls_total", "counter", "Profiled calls per operation.");
        for (OperationSummary o : ops) {
            sample("memagent_operation_calls_total", label("operation", o.name()), o.calls());
        }
        header("memagent_operation_errors_total", "counter", "Profiled calls that threw, per operation.");
        for (OperationSummary o : ops) {
            sample("memagent_operation_errors_total", label("operation", o.name()), o.errors());
        }
        header("memagent_operation_unmeasured_calls_total", "counter",
                "Calls whose bytes the JVM could not count (virtual threads), per operation.");
        for (OperationSummary o : ops) {
            sample("memagent_operation_unmeasured_calls_total", label("operation", o.name()), o.unmeasuredCalls());
        }
        header("memagent_operation_cold_calls_total", "counter",
                "Calls during which their thread loaded classes (never spikes, outside the quantiles), per operation.");
        for (OperationSummary o : ops) {
            sample("memagent_operation_cold_calls_total", label("operation", o.name()), o.coldCalls());
        }
        header("memagent_operation_allocated_bytes", "summary",
                "Bytes allocated per measured call (inclusive), per operation: quantiles over warm calls, sum and count"
                        + " over all.");
        for (OperationSummary o : ops) {
            String l = label("operation", o.name());
            if (o.p50Bytes() != null) {
                sample("memagent_operation_allocated_bytes", l + ",quantile=\"0.5\"", o.p50Bytes());
                sample("memagent_operation_allocated_bytes", l + ",quantile=\"0.95\"", o.p95Bytes());
                sample("memagent_operation_allocated_bytes", l + ",quantile=\"0.99\"", o.p99Bytes());
            }
            sample("memagent_operation_allocated_bytes_sum", l, o.totalBytes());
            sample("memagent_operation_allocated_bytes_count", l, o.measuredCalls());
        }
        header("memagent_operation_self_allocated_bytes_total", "counter",
                "Bytes allocated by the operation itself, without nested profiled calls.");
        for (OperationSummary o : ops) {
            sample("memagent_operation_self_allocated_bytes_total", label("operation", o.name()), o.selfBytes());
        }
        header("memagent_operation_duration_seconds_total", "counter", "Time spent in profiled calls, per operation.");
        for (OperationSummary o : ops) {
            sample("memagent_operation_duration_seconds_total", label("operation", o.name()), o.totalDurationNs() / 1e9);
        }
        header("memagent_operation_max_allocated_bytes", "gauge", "The most bytes one call of the operation allocated.");
        for (OperationSummary o : ops) {
            if (o.maxBytes() != null) {
                sample("memagent_operation_max_allocated_bytes", label("operation", o.name()), o.maxBytes());
            }
        }
    }

    private void jvm() {
        MemoryUsage heap = PlatformBeans.memory().getHeapMemoryUsage();
        MemoryUsage nonHeap = PlatformBeans.memory().getNonHeapMemoryUsage();
        single("memagent_jvm_heap_used_bytes", "gauge", "Heap in use.", heap.getUsed());
        single("memagent_jvm_heap_committed_bytes", "gauge", "Heap committed by the JVM.", heap.getCommitted());
        if (heap.getMax() > 0) {
            single("memagent_jvm_heap_max_bytes", "gauge", "The heap's maximum size.", heap.getMax());
        }
        single("memagent_jvm_non_heap_used_bytes", "gauge", "Non-heap memory in use.", nonHeap.getUsed());
        JvmSample s = src.jvm().latest();
        if (s != null) {
            if (s.metaspaceUsedBytes() != null) {
                single("memagent_jvm_metaspace_used_bytes", "gauge", "Metaspace in use, at the last sample.",
                        s.metaspaceUsedBytes());
            }
            if (s.oldGenUsedAfterGcBytes() != null) {
                single("memagent_jvm_old_gen_used_after_gc_bytes", "gauge",
                        "Old generation in use after its last collection, at the last sample.", s.oldGenUsedAfterGcBytes());
            }
            if (s.directBufferBytes() != null) {
                single("memagent_jvm_direct_buffer_bytes", "gauge", "Direct buffers, at the last sample.",
                        s.directBufferBytes());
            }
            if (s.allocationRateBytesPerSec() != null) {
                single("memagent_jvm_allocation_rate_bytes", "gauge",
                        "Bytes allocated per second by all threads, at the last sample.", s.allocationRateBytesPerSec());
            }
            single("memagent_jvm_heap_utilization_ratio", "gauge",
                    "Heap used / max (committed when max is undefined), 0 to 1, at the last sample.", s.utilizationPct() / 100.0);
            header("memagent_jvm_heap_state", "gauge", "1 for the heap's state at the last sample, 0 for the others.");
            for (String state : STATES) {
                sample("memagent_jvm_heap_state", label("state", state), state.equals(s.memoryState()) ? 1 : 0);
            }
        }
        outsideHeap(s);
        header("memagent_jvm_gc_collections_total", "counter", "Collections per collector.");
        List<GarbageCollectorMXBean> gcs = PlatformBeans.garbageCollectors();
        for (GarbageCollectorMXBean gc : gcs) {
            sample("memagent_jvm_gc_collections_total", label("gc", gc.getName()), Math.max(0, gc.getCollectionCount()));
        }
        header("memagent_jvm_gc_time_seconds_total", "counter", "Time spent in collections per collector.");
        for (GarbageCollectorMXBean gc : gcs) {
            sample("memagent_jvm_gc_time_seconds_total", label("gc", gc.getName()), Math.max(0, gc.getCollectionTime()) / 1000.0);
        }
        single("memagent_jvm_threads", "gauge", "Live threads.", PlatformBeans.threads().getThreadCount());
        single("memagent_jvm_classes_loaded", "gauge", "Classes loaded now.",
                PlatformBeans.classLoading().getLoadedClassCount());
    }

    /** The process's resident set, the container's limit and usage, and NMT's categories. */
    private void outsideHeap(JvmSample s) {
        if (s != null && s.processRssBytes() != null) {
            single("memagent_process_resident_memory_bytes", "gauge",
                    "The process's resident set (Linux VmRSS), at the last sample.", s.processRssBytes());
        }
        if (s != null && s.containerLimitBytes() != null) {
            single("memagent_container_memory_limit_bytes", "gauge",
                    "The container's memory limit (cgroup memory.max / memory.limit_in_bytes, or the configured one).",
                    s.containerLimitBytes());
        }
        if (s != null && s.containerUsedBytes() != null) {
            single("memagent_container_memory_used_bytes", "gauge",
                    "The container's memory usage, page cache included (cgroup memory.current / memory.usage_in_bytes).",
                    s.containerUsedBytes());
        }
        if (s != null && s.containerUtilizationPct() != null) {
            single("memagent_container_memory_utilization_ratio", "gauge",
                    "The resident set over the container's limit (physical memory without one), 0 to 1, at the last sample.",
                    s.containerUtilizationPct() / 100.0);
            header("memagent_container_memory_state", "gauge",
                    "1 for the container memory state at the last sample, 0 for the others.");
            for (String state : STATES) {
                sample("memagent_container_memory_state", label("state", state), state.equals(s.containerState()) ? 1 : 0);
            }
        }
        io.memagent.agent.jvm.NativeMemory.Reading nmt = src.jvm().nativeMemory();
        if (nmt != null) {
            header("memagent_native_memory_committed_bytes", "gauge",
                    "Native memory committed per NMT category (the Java heap is one; their sum is NMT's total), at the last reading.");
            for (Map.Entry<String, Long> e : nmt.committedByCategory().entrySet()) {
                sample("memagent_native_memory_committed_bytes", label("category", e.getKey()), e.getValue());
            }
        }
    }

    private void writer(WriterStats w) {
        single("memagent_writer_queue_depth", "gauge", "Rows waiting for the writer.", w.queueDepth());
        single("memagent_writer_queue_capacity", "gauge", "Rows the writer's queue holds at most.", w.queueCapacity());
        single("memagent_writer_rows_offered_total", "counter", "Rows handed to the writer.", w.rowsOffered());
        single("memagent_writer_rows_written_total", "counter", "Rows written (to PostgreSQL, or kept in memory).",
                w.rowsWritten());
        single("memagent_writer_batches_total", "counter", "Batches committed to PostgreSQL.", w.batchesWritten());
        single("memagent_writer_failures_total", "counter", "Failed attempts to write a batch.", w.failures());
        header("memagent_writer_rows_dropped_total", "counter", "Rows dropped, by reason.");
        Map<String, Long> drops = w.dropsByReason();
        for (String reason : WriterStats.REASONS) {
            sample("memagent_writer_rows_dropped_total", label("reason", reason), drops.getOrDefault(reason, 0L));
        }
        for (Map.Entry<String, Long> e : drops.entrySet()) {
            if (!WriterStats.REASONS.contains(e.getKey())) {
                sample("memagent_writer_rows_dropped_total", label("reason", e.getKey()), e.getValue());
            }
        }
    }
}
