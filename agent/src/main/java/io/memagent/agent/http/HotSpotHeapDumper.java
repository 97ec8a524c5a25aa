package io.memagent.agent.http;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Heap dumps with {@link HotSpotDiagnosticMXBean#dumpHeap} (live objects) into
 * {@code memagent.heapdump.dir}: the directory is created 0700 and each file made 0600, since
 * a heap dump holds whatever the app held (passwords, tokens, personal data). The file's name
 * is chosen here: service, pid and the time.
 */
public final class HotSpotHeapDumper implements HeapDumper {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private final Path dir;
    private final String prefix;

    public HotSpotHeapDumper(String dir, String serviceName, long pid) {
        this.dir = Path.of(dir).toAbsolutePath();
        this.prefix = "memagent-" + serviceName.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + pid + "-";
    }

    @Override
    public synchronized Path dump() throws Exception {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(dir)) {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        }
        if (posix) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        Path file = dir.resolve(prefix + STAMP.format(Instant.now()) + ".hprof");
        HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        bean.dumpHeap(file.toString(), true);
        if (posix) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return file;
    }
}
