package io.memagent.testapps;

import io.memagent.api.MemoryBlock;
import io.memagent.api.MemoryProfiler;
import io.memagent.api.ProfileMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One {@code MemoryProfiler.block} per name read from a file (one name a line, each UTF-16 code
 * unit as 4 hex digits, so NUL and lone surrogates survive the file), then {@code app.work}
 * {@code args[1]} times. Prints {@code blocks=N} and {@code work=N}.
 */
public class NamesApp {
    static volatile Object sink;

    /** Loading this class waits for the agent's instrumentation: blocks after it are recorded. */
    @ProfileMemory
    static int ready() {
        return 1;
    }

    @ProfileMemory(name = "app.work")
    static void work() {
        sink = new byte[100];
    }

    public static void main(String[] args) throws Exception {
        ready();
        // Blocks are recorded once the agent's start has finished, a moment after instrumentation
        // (longer on a loaded machine): give it that moment, this test is about names, not start-up.
        Thread.sleep(2_000);
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        int blocks = 0;
        for (String line : lines) {
            if (line.isEmpty()) {
                continue;
            }
            char[] name = new char[line.length() / 4];
            for (int i = 0; i < name.length; i++) {
                name[i] = (char) Integer.parseInt(line.substring(i * 4, i * 4 + 4), 16);
            }
            try (MemoryBlock b = MemoryProfiler.block(new String(name))) {
                sink = new byte[16];
                blocks++;
            }
            if (blocks % 500 == 0) {
                Thread.sleep(10); // the drain thread keeps every call's detail (no ring overflow)
            }
        }
        int n = Integer.parseInt(args[1]);
        for (int i = 0; i < n; i++) {
            work();
        }
        // Long enough for the agent's writer to be ready (and run retention) before the JVM ends.
        Thread.sleep(Long.getLong("memagenttest.sleepMs", 0));
        Truth.print("blocks", blocks);
        Truth.print("work", n);
    }

    /** A name as a line of the file {@link #main} reads. */
    public static String encode(String name) {
        StringBuilder sb = new StringBuilder(name.length() * 4);
        for (int i = 0; i < name.length(); i++) {
            sb.append(String.format("%04x", (int) name.charAt(i)));
        }
        return sb.toString();
    }
}
