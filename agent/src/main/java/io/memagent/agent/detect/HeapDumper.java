package io.memagent.agent.detect;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.memagent.agent.jdk.PlatformBeans;
import io.memagent.agent.util.AgentLog;
import io.memagent.agent.util.ProcessId;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.Locale;
import java.util.TimeZone;
import java.util.function.LongSupplier;

/**
 * Writes HPROF heap dumps (live objects only) into {@code memagent.heapdump.dir}: the directory
 * is created mode 0700, each file is made 0600 (the JVM creates it with the process's umask,
 * inside a directory no one else can enter, and it is narrowed before its path is handed out),
 * an existing directory that another user owns or group/others can write is refused
 * ({@link io.memagent.agent.util.PrivateDir}: no dump, one error line), free disk space is checked first, and at most one dump per {@code memagent.heapdump.interval.minutes}.
 * A dump stops the JVM for as long as it takes: never on an application thread.
 */
public final class HeapDumper {
    /** Free space must exceed the heap in use by this factor (a dump holds at most what is live). */
    static final double SPACE_FACTOR = 1.2;

    private final Path dir;
    private final long minIntervalMs;
    private final String service;
    private final LongSupplier clockMs;
    private long lastDumpMs = Long.MIN_VALUE;

    /** Refused dump: rate limit, not enough disk, or the JVM cannot dump. */
    public static final class DumpRefused extends IOException {
        DumpRefused(String message) {
            super(message);
        }
    }

    public HeapDumper(String dir, long minIntervalMs, String service, LongSupplier clockMs) {
        this.dir = Paths.get(dir).toAbsolutePath();
        this.minIntervalMs = minIntervalMs;
        this.service = fileNamePart(service, true);
        this.clockMs = clockMs;
        String problem = io.memagent.agent.util.PrivateDir.problem("memagent.heapdump.dir", this.dir);
        if (problem != null) {
            AgentLog.error(problem + "; heap dumps are off, the application and the rest of the agent run on");
        }
    }

    /**
     * Dumps the heap now, as {@code reason} (a word for the file name, e.g. {@code critical-spike}
     * or {@code snapshot}). Returns the file's path.
     *
     * @throws DumpRefused when rate-limited or the disk has too little room
     * @throws IOException when the directory or the dump cannot be written
     */
    public synchronized Path dump(String reason) throws IOException {
        long now = clockMs.getAsLong();
        if (lastDumpMs != Long.MIN_VALUE && minIntervalMs > 0 && now - lastDumpMs < minIntervalMs) {
            throw new DumpRefused("a heap dump was written " + (now - lastDumpMs) / 1000 + " s ago; at most one per "
                    + minIntervalMs / 60_000 + " minutes (memagent.heapdump.interval.minutes)");
        }
        String problem = io.memagent.agent.util.PrivateDir.problem("memagent.heapdump.dir", dir);
        if (problem != null) {
            throw new DumpRefused(problem + "; heap dumps are off");
        }
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        long needed = (long) (PlatformBeans.memory().getHeapMemoryUsage().getUsed() * SPACE_FACTOR);
        FileStore store = Files.getFileStore(dir);
        if (store.getUsableSpace() < needed) {
            throw new DumpRefused("not enough disk space in " + dir + ": " + store.getUsableSpace() + " bytes free, "
                    + needed + " needed");
        }
        SimpleDateFormat f = new SimpleDateFormat("yyyyMMdd'T'HHmmss.SSS'Z'", Locale.ROOT);
        f.setTimeZone(TimeZone.getTimeZone("UTC"));
        String safeReason = fileNamePart(reason, false);
        Path file = dir.resolve("memagent-" + service + "-" + ProcessId.current() + "-" + f.format(new Date(now))
                + "-" + safeReason + ".hprof");
        lastDumpMs = now; // a failed attempt counts too: a failing dump must not be retried on every spike
        HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        bean.dumpHeap(file.toString(), true);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            AgentLog.once("dump-perms", "the file system of " + dir + " has no POSIX permissions: heap dumps keep its defaults");
        }
        AgentLog.info("heap dump written (" + reason + "): " + file + ", " + Files.size(file) + " bytes");
        return file;
    }

    /**
     * {@code text} with every character but ASCII letters, digits, {@code _}, {@code -} (and {@code .} if
     * {@code dot}) made {@code _} (one for each code point), for a file name. A loop, not a regular expression or a
     * stream: this runs at the agent's start.
     */
    static String fileNamePart(String text, boolean dot) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            boolean kept = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
                    || c == '-' || dot && c == '.';
            out.append(kept ? (char) c : '_');
            i += Character.charCount(c);
        }
        return out.toString();
    }

    public Path directory() {
        return dir;
    }
}
