package io.memagent.agent.util;


/** Human-readable byte counts, binary units (KiB = 1024 B). */
public final class Bytes {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private Bytes() {
    }

    public static String format(long bytes) {
        if (bytes < 1024 && bytes > -1024) {
            return bytes + " B";
        }
        double v = bytes;
        int u = 0;
        while (Math.abs(v) >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return Text.format("%.1f %s", v, UNITS[u]);
    }

    /** The exact count with thousands separators, e.g. {@code 1,001,032}: for figures the agent knows to the byte. */
    public static String exact(long bytes) {
        return Text.grouped(bytes);
    }

    public static String exact(Long bytes) {
        return bytes == null ? "-" : exact(bytes.longValue());
    }

    public static String format(Long bytes) {
        return bytes == null ? "-" : format(bytes.longValue());
    }
}
