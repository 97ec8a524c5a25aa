package io.memagent.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * A memory cgroup with a limit, made as a container runtime makes one (cgroup v1's memory
 * controller, or v2 with the memory controller enabled for children), for a JVM to move into.
 * Needs root or a delegated cgroup: under {@code CI=true} its absence fails the test, elsewhere
 * the test is skipped with the reason.
 */
final class MemoryCgroup {
    private static final Path V1 = Path.of("/sys/fs/cgroup/memory");
    private static final Path V2 = Path.of("/sys/fs/cgroup");

    private MemoryCgroup() {
    }

    static Path create(String name, long limitBytes) throws IOException {
        try {
            if (Files.isDirectory(V1) && Files.exists(V1.resolve("memory.limit_in_bytes"))) {
                Path group = Files.createDirectories(V1.resolve(name));
                Files.writeString(group.resolve("memory.limit_in_bytes"), Long.toString(limitBytes));
                return group;
            }
            if (Files.exists(V2.resolve("cgroup.controllers"))) {
                Files.writeString(V2.resolve("cgroup.subtree_control"), "+memory");
                Path group = Files.createDirectories(V2.resolve(name));
                Files.writeString(group.resolve("memory.max"), Long.toString(limitBytes));
                return group;
            }
            throw new IOException("no cgroup memory controller under /sys/fs/cgroup");
        } catch (IOException | RuntimeException e) {
            String why = "cannot make a memory cgroup (root or a delegated cgroup is needed): " + e;
            if (!"true".equals(System.getenv("CI"))) {
                Assumptions.abort(why);
            }
            throw new IOException(why, e);
        }
    }

    /** Removes the group once its processes have exited (the kernel refuses while any is left). */
    static void remove(Path group) throws Exception {
        for (int i = 0; i < 50 && Files.exists(group); i++) {
            try {
                Files.delete(group);
            } catch (IOException busy) {
                Thread.sleep(100);
            }
        }
    }
}
