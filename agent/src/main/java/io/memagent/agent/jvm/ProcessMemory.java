package io.memagent.agent.jvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident set size: Linux's {@code VmRSS} line of {@code /proc/self/status}
 * ("VmRSS:	  123456 kB", always in kB), the same figure {@code ps} and {@code top} show. Null
 * where there is no such file (macOS, Windows): no other platform gives it to Java without
 * native code.
 */
public final class ProcessMemory {
    static final Path STATUS = Path.of("/proc/self/status");

    private final Path status;
    private volatile boolean absent;

    public ProcessMemory(Path status) {
        this.status = status;
    }

    public static ProcessMemory self() {
        return new ProcessMemory(STATUS);
    }

    /** Bytes resident now, or null where the platform does not say. */
    public Long rssBytes() {
        if (absent) {
            return null;
        }
        try {
            return parseVmRss(Files.readString(status));
        } catch (IOException | RuntimeException e) {
            absent = !Files.exists(status); // a platform without it: stop trying; a passing error: try again
            return null;
        }
    }

    /** The {@code VmRSS} line's value in bytes; null without one. */
    static Long parseVmRss(String statusText) {
        int at = statusText.indexOf("VmRSS:");
        if (at < 0) {
            return null;
        }
        int end = statusText.indexOf('\n', at);
        String[] parts = statusText.substring(at + 6, end < 0 ? statusText.length() : end).trim().split("\\s+");
        long value = Long.parseLong(parts[0]);
        String unit = parts.length > 1 ? parts[1] : "kB";
        return switch (unit) {
            case "kB" -> value * 1024;
            case "mB" -> value << 20;
            case "gB" -> value << 30;
            default -> value;
        };
    }
}
