package io.memagent.agent.http;

import java.nio.file.Path;

/**
 * Writes a heap dump for {@code POST /api/memory/snapshot} ({@code detect.HeapDumper}: 0600 files in a 0700
 * directory, disk space checked, rate-limited). The file's place is the agent's choice, never the request's.
 */
public interface HeapSnapshots {
    /** Dumps the heap and returns the file written. */
    Path dump() throws Exception;
}
