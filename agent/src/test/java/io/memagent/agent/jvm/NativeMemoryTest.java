package io.memagent.agent.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** VM.native_memory summary as JDK 17 (scale=b) and JDK 25 (default KB) print it, captured from real JVMs. */
class NativeMemoryTest {
    static String text(String name) throws Exception {
        return Files.readString(Path.of(NativeMemoryTest.class.getResource("/nmt/" + name).toURI()));
    }

    @Test
    void jdk17InBytes() throws Exception {
        NativeMemory.Reading r = NativeMemory.parse(text("jdk17-summary-scale-b.txt"), 5);
        assertEquals(489_509_950L, r.totalCommittedBytes());
        Map<String, Long> c = r.committedByCategory();
        assertEquals(21, c.size(), c.toString());
        assertEquals(c.values().stream().mapToLong(Long::longValue).sum(), r.totalCommittedBytes(), "the total is the categories' sum");
        assertEquals("Java Heap", c.keySet().iterator().next(), "largest first");
        assertTrue(c.keySet().containsAll(List.of("Class", "Thread", "Code", "GC", "Internal", "Other", "Metaspace")), c.toString());
        assertEquals(r.totalCommittedBytes() - c.get("Java Heap"), r.outsideHeapBytes());
        assertTrue(r.json().startsWith("{\"Java Heap\":"), r.json());
        assertEquals(5, r.atMs());
    }

    @Test
    void jdk25InKilobytes() throws Exception {
        NativeMemory.Reading r = NativeMemory.parse(text("jdk25-summary-kb.txt"), 0);
        assertEquals(473_931L * 1024, r.totalCommittedBytes());
        long sum = r.committedByCategory().values().stream().mapToLong(Long::longValue).sum();
        assertTrue(Math.abs(sum - r.totalCommittedBytes()) <= 4 * 1024, "rounded per category to 1 KB: " + sum);
        assertEquals(393_216L * 1024, r.committedByCategory().get("Java Heap"));
        assertEquals(13_908L * 1024, r.committedByCategory().get("Shared class space"), "', readonly=0KB' follows");
    }

    @Test
    void trackingOffIsAnError() {
        assertThrows(IllegalArgumentException.class,
                () -> NativeMemory.parse("Native memory tracking is not enabled\n", 0));
    }
}
