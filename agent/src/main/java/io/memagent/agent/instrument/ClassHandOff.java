package io.memagent.agent.instrument;

import io.memagent.bootstrap.AgentOverhead;

/**
 * What the JVM allocates on the loading thread to hand each class to a Java agent's transformer:
 * the JDK's JPLIS glue copies the class file into a new {@code byte[]} and makes its name a new
 * {@code String}, before any agent code runs, on every class load once an agent has a transformer.
 * Measured here (a tiny app defining 1,950 classes, JDK 17 and 25): the app's counter grows by
 * exactly this per class with the agent attached and by nothing without it; on a Spring Boot app's
 * first request, ~120 KB. It is the agent's cost, so the transformer adds it to the agent overhead
 * it takes off the open calls.
 *
 * <p>The sizes depend on the JVM's object layout (array header 16 bytes, or 12 with compact object
 * headers; 8-byte alignment), so they are measured once, at start, with the same counter.
 */
final class ClassHandOff {
    private static volatile Object sink;
    private final int arrayHeader;
    private final int stringBytes;

    private ClassHandOff(int arrayHeader, int stringBytes) {
        this.arrayHeader = arrayHeader;
        this.stringBytes = stringBytes;
    }

    static ClassHandOff measure() {
        long empty = minAllocation(0);
        int firstLarger = 1;
        while (firstLarger < 16 && minAllocation(firstLarger) == empty) {
            firstLarger++;
        }
        // align8(header + k) first exceeds align8(header) at k = align8(header) - header + 1.
        int header = (int) empty - firstLarger + 1;
        long string = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long before = AgentOverhead.counter();
            sink = new String(); // the object alone: the empty value array is shared
            string = Math.min(string, AgentOverhead.counter() - before);
        }
        return new ClassHandOff(header, (int) string);
    }

    private static long minAllocation(int length) {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long before = AgentOverhead.counter();
            sink = new byte[length];
            min = Math.min(min, AgentOverhead.counter() - before);
        }
        return min;
    }

    /** The copy of {@code classFile} and the {@code String} of {@code className} (Latin-1, as class names are). */
    long bytes(byte[] classFile, String className) {
        long copy = classFile == null ? 0 : align(arrayHeader + (long) classFile.length);
        long name = className == null ? 0 : stringBytes + align(arrayHeader + (long) className.length());
        return copy + name;
    }

    private static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }

    @Override
    public String toString() {
        return "array header " + arrayHeader + " B, String " + stringBytes + " B";
    }
}
