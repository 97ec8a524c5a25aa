package io.memagent.agent.jvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The memory limit and usage of the control group the process runs in: what the kernel's OOM
 * killer enforces on a container. Found as the kernel describes it, under a root directory
 * ({@code /} in production, a fixture in tests):
 * <ul>
 * <li>{@code proc/self/mountinfo} says where the cgroup file systems are mounted, and which part
 * of the hierarchy each mount shows (in a container with its own cgroup namespace, the mount's
 * root is the container's own group);</li>
 * <li>{@code proc/self/cgroup} says which group the process is in: {@code 0::/path} for the unified
 * hierarchy (v2), {@code N:memory:/path} for v1's memory controller. On a hybrid host (v1
 * controllers plus an empty v2 mount) the memory controller is v1's.</li>
 * </ul>
 * v2: {@code memory.max} ({@code max} = unlimited) and {@code memory.current}; v1:
 * {@code memory.limit_in_bytes} (unlimited is a huge page-rounded number, 9223372036854771712 on
 * x86_64) and {@code memory.usage_in_bytes}. A limit can be set on any ancestor of the group
 * (systemd slices, Kubernetes pods), so the limit is the smallest one from the group up to the
 * mount's root. Usage includes the page cache of everything in the group, not just this process.
 */
public final class CgroupMemory {
    /** At or above this, a v1 limit means "unlimited" (the kernel's LONG_MAX rounded down to a page). */
    static final long UNLIMITED_AT = 1L << 60;

    private final int version;
    private final Path mountPoint;
    private final Path group;

    private CgroupMemory(int version, Path mountPoint, Path group) {
        this.version = version;
        this.mountPoint = mountPoint;
        this.group = group;
    }

    /** 1 or 2. */
    public int version() {
        return version;
    }

    /** The process's group's directory (under the root it was located in). */
    public Path directory() {
        return group;
    }

    /** The process's group under {@code root}, or null where there is no cgroup memory controller. */
    public static CgroupMemory locate(Path root) {
        List<String> mounts;
        List<String> groups;
        try {
            mounts = Files.readAllLines(root.resolve("proc/self/mountinfo"));
            groups = Files.readAllLines(root.resolve("proc/self/cgroup"));
        } catch (IOException | RuntimeException e) {
            return null; // not Linux, or no /proc
        }
        String v1Path = null;
        String v2Path = null;
        for (String line : groups) {
            String[] f = line.split(":", 3);
            if (f.length < 3) {
                continue;
            }
            if (f[0].equals("0") && f[1].isEmpty()) {
                v2Path = f[2];
            } else if (List.of(f[1].split(",")).contains("memory")) {
                v1Path = f[2];
            }
        }
        String[] v1Mount = null;
        String[] v2Mount = null;
        for (String line : mounts) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] before = line.substring(0, dash).split(" ");
            String[] after = line.substring(dash + 3).split(" ");
            if (before.length < 5 || after.length < 1) {
                continue;
            }
            String[] mount = {before[3], unescape(before[4])}; // the mount's root in the hierarchy, its mount point
            if (after[0].equals("cgroup2") && v2Mount == null) {
                v2Mount = mount;
            } else if (after[0].equals("cgroup") && after.length >= 3 && List.of(after[2].split(",")).contains("memory")) {
                v1Mount = mount;
            }
        }
        if (v1Path != null && v1Mount != null) {
            CgroupMemory c = at(root, 1, v1Mount, v1Path);
            if (Files.exists(c.group.resolve("memory.usage_in_bytes"))) {
                return c;
            }
        }
        if (v2Path != null && v2Mount != null) {
            CgroupMemory c = at(root, 2, v2Mount, v2Path);
            if (Files.exists(c.group.resolve("memory.current")) || Files.exists(c.group.resolve("memory.max"))) {
                return c;
            }
        }
        return null;
    }

    private static CgroupMemory at(Path root, int version, String[] mount, String path) {
        String mountRoot = mount[0];
        Path mountPoint = root.resolve(mount[1].substring(1));
        String relative;
        if (mountRoot.equals("/")) {
            relative = path;
        } else if (path.equals(mountRoot) || path.startsWith(mountRoot + "/")) {
            relative = path.substring(mountRoot.length());
        } else {
            relative = ""; // a cgroup namespace: the mount shows the process's own group (and its path reads "/")
        }
        relative = relative.replaceAll("^/+", "");
        Path group = relative.isEmpty() ? mountPoint : mountPoint.resolve(relative).normalize();
        if (!group.startsWith(mountPoint) || !Files.isDirectory(group)) {
            group = mountPoint;
        }
        return new CgroupMemory(version, mountPoint, group);
    }

    /** mountinfo escapes spaces, tabs, newlines and backslashes in paths as octal. */
    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    /** The smallest limit set on the group or an ancestor up to the mount's root; null when unlimited. */
    public Long limitBytes() {
        String file = version == 2 ? "memory.max" : "memory.limit_in_bytes";
        Long smallest = null;
        for (Path dir = group; dir != null && dir.startsWith(mountPoint); dir = dir.getParent()) {
            Long limit = read(dir.resolve(file));
            if (limit != null && (smallest == null || limit < smallest)) {
                smallest = limit;
            }
            if (version == 2 && dir.equals(mountPoint)) {
                break; // the v2 root group has no memory.max
            }
        }
        return smallest;
    }

    /** The group's usage now (page cache included), or null if it cannot be read. */
    public Long usedBytes() {
        return read(group.resolve(version == 2 ? "memory.current" : "memory.usage_in_bytes"));
    }

    private static Long read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A memory file's value: null for {@code max} and v1's unlimited sentinel. */
    static Long parse(String text) {
        String v = text.trim();
        if (v.isEmpty() || v.equals("max")) {
            return null;
        }
        long n = Long.parseLong(v);
        return n >= UNLIMITED_AT || n < 0 ? null : n;
    }

    @Override
    public String toString() {
        return "cgroup v" + version + " " + group;
    }
}
