package io.memagent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of the local PostgreSQL, from /proc: the user + system ticks of every live process
 * named {@code postgres}, plus those of its exited children as the postmaster counts them. On a
 * shared machine this includes other clients' queries during the run.
 */
final class DbCpu {
    /** USER_HZ on Linux (getconf CLK_TCK). */
    static final int TICKS_PER_SECOND = 100;

    private DbCpu() {
    }

    static long cpuTicks() throws IOException {
        long ticks = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (!p.getFileName().toString().matches("\\d+")) {
                    continue;
                }
                String stat;
                try {
                    stat = Files.readString(p.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                int close = stat.lastIndexOf(')');
                String comm = stat.substring(stat.indexOf('(') + 1, close);
                if (!comm.equals("postgres")) {
                    continue;
                }
                String[] f = stat.substring(close + 2).split(" ");
                // after the comm: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                if (!isPostgres(f[1])) {
                    ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]); // the postmaster: its exited backends
                }
            }
        }
        return ticks;
    }

    private static boolean isPostgres(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).equals("postgres");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
