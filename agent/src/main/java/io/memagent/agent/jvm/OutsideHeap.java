package io.memagent.agent.jvm;

import io.memagent.agent.jdk.PlatformBeans;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What holds the process's memory outside the Java heap, largest first: NMT's categories (all
 * but "Java Heap") when native memory tracking is on, else what the JVM's beans say without it:
 * metaspace and compressed class space (committed), the code cache (committed), direct and
 * mapped buffers, and the threads' stacks (an estimate: live threads times the default 1 MiB
 * stack; stacks are reserved at that size but only touched pages are resident).
 */
public final class OutsideHeap {
    public static final long STACK_BYTES_PER_THREAD_ESTIMATE = 1L << 20;

    /** Where the figures came from, and the figures. */
    public record Consumers(String source, Map<String, Long> bytes) {
        /** A JSON array of {"name":..., "bytes":...}, largest first, at most {@code n}. */
        public String json(int n) {
            StringBuilder sb = new StringBuilder("[");
            int i = 0;
            for (Map.Entry<String, Long> e : bytes.entrySet()) {
                if (i++ == n) {
                    break;
                }
                if (sb.length() > 1) {
                    sb.append(',');
                }
                sb.append("{\"name\":\"").append(e.getKey().replace("\\", "\\\\").replace("\"", "\\\""))
                        .append("\",\"bytes\":").append(e.getValue()).append('}');
            }
            return sb.append(']').toString();
        }

        /** "Class 80.0 MiB, Thread 40.0 MiB, ..." for the first {@code n}. */
        public String text(int n) {
            List<String> parts = new ArrayList<>();
            for (Map.Entry<String, Long> e : bytes.entrySet()) {
                if (parts.size() == n) {
                    break;
                }
                parts.add(e.getKey() + " " + io.memagent.agent.util.Bytes.format(e.getValue()));
            }
            return String.join(", ", parts);
        }
    }

    private OutsideHeap() {
    }

    /** From the latest NMT reading if there is one, else from the JVM's beans now. */
    public static Consumers now(NativeMemory.Reading nmt) {
        Map<String, Long> m = new LinkedHashMap<>();
        if (nmt != null) {
            for (Map.Entry<String, Long> e : nmt.committedByCategory().entrySet()) {
                if (!e.getKey().equals("Java Heap") && e.getValue() > 0) {
                    m.put(e.getKey(), e.getValue());
                }
            }
            return new Consumers("native_memory_tracking", m);
        }
        Map<String, Long> raw = new LinkedHashMap<>();
        for (MemoryPoolMXBean pool : PlatformBeans.memoryPools()) {
            if (pool.getType() != MemoryType.NON_HEAP) {
                continue;
            }
            String name = pool.getName();
            String key = name.startsWith("CodeHeap") || name.equals("Code Cache") ? "code cache" : name.toLowerCase(java.util.Locale.ROOT);
            raw.merge(key, pool.getUsage().getCommitted(), Long::sum);
        }
        for (BufferPoolMXBean pool : PlatformBeans.bufferPools()) {
            if (pool.getName().equals("direct") || pool.getName().equals("mapped")) {
                raw.put(pool.getName() + " buffers", pool.getMemoryUsed());
            }
        }
        int threads = PlatformBeans.threads().getThreadCount();
        raw.put("thread stacks (" + threads + " threads, estimate)", threads * STACK_BYTES_PER_THREAD_ESTIMATE);
        raw.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEachOrdered(e -> m.put(e.getKey(), e.getValue()));
        return new Consumers("jvm_beans", m);
    }
}
