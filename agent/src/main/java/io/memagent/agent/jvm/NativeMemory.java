package io.memagent.agent.jvm;

import io.memagent.agent.jdk.PlatformBeans;
import java.lang.management.ManagementFactory;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * The JVM's own account of its native memory, when it runs with
 * {@code -XX:NativeMemoryTracking=summary} or {@code detail}: {@code VM.native_memory summary
 * scale=b} through the DiagnosticCommand MBean (what {@code jcmd} runs), parsed into the bytes
 * committed per category (Java Heap, Class, Thread, Code, GC, Compiler, Internal, Other, Symbol,
 * Metaspace, ...) and the total. "Other" holds direct buffers and {@code Unsafe.allocateMemory};
 * "Thread" the threads' stacks; "Class" and "Metaspace" the classes' metadata. Memory that
 * native libraries allocate with malloc themselves is in no category: only the resident set
 * shows it.
 */
public final class NativeMemory {
    /**
     * Compiled when a summary is first parsed, not when {@link #trackingLevel} is asked on the agent's start: the
     * regex compiler's lambdas are classes the JDK generates.
     */
    private static final class Patterns {
        static final Pattern TOTAL = Pattern.compile("(?m)^Total: reserved=(\\d+)\\w*, committed=(\\d+)");
        static final Pattern CATEGORY = Pattern.compile("(?m)^-\\s+(.+?) \\(reserved=(\\d+)\\w*, committed=(\\d+)");
    }

    /** One reading: committed bytes in total and per category (largest first), and what it cost. */
    public record Reading(long atMs, long totalCommittedBytes, Map<String, Long> committedByCategory, long tookNanos) {
        /** The categories as a JSON object, largest first. */
        public String json() {
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<String, Long> e : committedByCategory.entrySet()) {
                if (sb.length() > 1) {
                    sb.append(',');
                }
                sb.append('"').append(e.getKey().replace("\\", "\\\\").replace("\"", "\\\"")).append("\":")
                        .append(e.getValue());
            }
            return sb.append('}').toString();
        }

        /** Committed outside the Java heap: what a native leak grows. */
        public long outsideHeapBytes() {
            return totalCommittedBytes - committedByCategory.getOrDefault("Java Heap", 0L);
        }
    }

    private NativeMemory() {
    }

    /** {@code off}, {@code summary} or {@code detail} (as the JVM was started), or null if the JVM does not say. */
    public static String trackingLevel() {
        try {
            return PlatformBeans.vmOption("NativeMemoryTracking");
        } catch (Throwable t) {
            return null;
        }
    }

    /** Reads the summary now. Throws if tracking is off or the MBean is missing. */
    public static Reading read(long nowMs) throws Exception {
        long t0 = System.nanoTime();
        Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                new Object[]{new String[]{"summary", "scale=b"}}, new String[]{String[].class.getName()});
        Reading r = parse(String.valueOf(text), nowMs);
        return new Reading(r.atMs(), r.totalCommittedBytes(), r.committedByCategory(), System.nanoTime() - t0);
    }

    /** Parses {@code VM.native_memory summary} output in bytes ({@code scale=b}); KB/MB/GB figures are scaled. */
    static Reading parse(String text, long atMs) {
        Matcher total = Patterns.TOTAL.matcher(text);
        if (!total.find()) {
            throw new IllegalArgumentException("no 'Total:' line in the native memory summary: "
                    + text.substring(0, Math.min(200, text.length())));
        }
        long scale = scaleOf(text, total.start());
        Map<String, Long> categories = new LinkedHashMap<>();
        Matcher c = Patterns.CATEGORY.matcher(text);
        while (c.find()) {
            categories.merge(c.group(1).trim(), Long.parseLong(c.group(3)) * scaleOf(text, c.start()), Long::sum);
        }
        Map<String, Long> sorted = new LinkedHashMap<>();
        categories.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEachOrdered(e -> sorted.put(e.getKey(), e.getValue()));
        return new Reading(atMs, Long.parseLong(total.group(2)) * scale, Collections.unmodifiableMap(sorted), 0);
    }

    /** The unit of the first "committed=" figure after {@code from}: none (bytes), KB, MB or GB. */
    private static long scaleOf(String text, int from) {
        int at = text.indexOf("committed=", from);
        int i = at + "committed=".length();
        while (i < text.length() && Character.isDigit(text.charAt(i))) {
            i++;
        }
        if (text.startsWith("KB", i)) {
            return 1L << 10;
        }
        if (text.startsWith("MB", i)) {
            return 1L << 20;
        }
        if (text.startsWith("GB", i)) {
            return 1L << 30;
        }
        return 1;
    }
}
