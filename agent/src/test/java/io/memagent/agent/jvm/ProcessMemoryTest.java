package io.memagent.agent.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The resident set from /proc/self/status. */
class ProcessMemoryTest {
    @Test
    void vmRssInKilobytes() {
        String status = "Name:\tjava\nVmPeak:\t 9876543 kB\nVmHWM:\t  345678 kB\nVmRSS:\t  123456 kB\nRssAnon:\t  100000 kB\n";
        assertEquals(123_456L * 1024, ProcessMemory.parseVmRss(status));
        assertNull(ProcessMemory.parseVmRss("Name:\tkthreadd\nState:\tS (sleeping)\n"), "kernel threads have no VmRSS");
    }

    @Test
    void noFileIsNull(@org.junit.jupiter.api.io.TempDir Path dir) {
        assertNull(new ProcessMemory(dir.resolve("status")).rssBytes());
    }

    @Test
    void thisProcess() throws Exception {
        assumeTrue(Files.isReadable(ProcessMemory.STATUS), "Linux only");
        long rss = ProcessMemory.self().rssBytes();
        // statm's second field is the resident set in pages: the same figure by another file.
        long pages = Long.parseLong(Files.readString(Path.of("/proc/self/statm")).trim().split(" ")[1]);
        assertTrue(rss > 10L << 20, rss + " bytes resident");
        assertTrue(Math.abs(rss - pages * 4096) < rss / 10, rss + " vs statm's " + pages + " pages");
    }
}
