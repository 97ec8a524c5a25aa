package io.memagent.agent.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cgroup memory limit and usage, found as the kernel describes them: fixture trees with
 * {@code proc/self/cgroup}, {@code proc/self/mountinfo} and the cgroup files in the kernel's own
 * formats (v1 and v2, hosts, Docker with and without a cgroup namespace, a Kubernetes pod's limit
 * on a parent group, hybrid hosts), and this machine's real {@code /sys/fs/cgroup}.
 */
class CgroupMemoryTest {
    static Path fixture(String name) throws Exception {
        return Path.of(CgroupMemoryTest.class.getResource("/cgroup/" + name).toURI());
    }

    @Test
    void v2ServiceWithItsOwnLimit() throws Exception {
        CgroupMemory c = CgroupMemory.locate(fixture("v2-limited"));
        assertEquals(2, c.version());
        assertTrue(c.directory().endsWith("sys/fs/cgroup/system.slice/orders.service"), c.toString());
        assertEquals(536_870_912L, c.limitBytes());
        assertEquals(402_653_184L, c.usedBytes(), "the group's own memory.current, not the parent's or the root's");
    }

    @Test
    void v2MaxAllTheWayUpIsNoLimit() throws Exception {
        CgroupMemory c = CgroupMemory.locate(fixture("v2-max"));
        assertEquals(2, c.version());
        assertNull(c.limitBytes(), "'max' is unlimited");
        assertEquals(734_003_200L, c.usedBytes());
    }

    @Test
    void v2KubernetesPodLimitOnAParentGroupApplies() throws Exception {
        CgroupMemory c = CgroupMemory.locate(fixture("v2-kubernetes-pod-limit"));
        assertTrue(c.directory().endsWith("cri-containerd-9f2b.scope"), c.toString());
        assertEquals(1_073_741_824L, c.limitBytes(), "the container's own memory.max is max; the pod's 1 GiB is the smallest");
        assertEquals(891_289_600L, c.usedBytes());
    }

    @Test
    void v2DockerWithItsOwnCgroupNamespace() throws Exception {
        CgroupMemory c = CgroupMemory.locate(fixture("v2-docker-namespace"));
        assertTrue(c.directory().endsWith("sys/fs/cgroup"), c.toString());
        assertEquals(268_435_456L, c.limitBytes());
        assertEquals(201_326_592L, c.usedBytes());
    }

    @Test
    void v1HybridHostUnlimitedIsNull() throws Exception {
        // The memory controller is v1's; the cgroup2 mount at /sys/fs/cgroup/unified has none.
        CgroupMemory c = CgroupMemory.locate(fixture("v1-unlimited"));
        assertEquals(1, c.version());
        assertTrue(c.directory().endsWith("sys/fs/cgroup/memory/user.slice/user-1000.slice/session-2.scope"), c.toString());
        assertNull(c.limitBytes(), "9223372036854771712 is v1's 'unlimited'");
        assertEquals(629_145_600L, c.usedBytes());
    }

    @Test
    void v1DockerWhoseMountRootIsTheContainersGroup() throws Exception {
        CgroupMemory c = CgroupMemory.locate(fixture("v1-docker"));
        assertEquals(1, c.version());
        assertTrue(c.directory().endsWith("sys/fs/cgroup/memory"), c.toString());
        assertEquals(536_870_912L, c.limitBytes());
        assertEquals(480_247_808L, c.usedBytes());
    }

    @Test
    void valuesAsTheKernelWritesThem() {
        assertNull(CgroupMemory.parse("max\n"));
        assertNull(CgroupMemory.parse("9223372036854771712\n"));
        assertNull(CgroupMemory.parse("9223372036854775807"));
        assertEquals(1L, CgroupMemory.parse("1\n"));
        assertEquals(536_870_912L, CgroupMemory.parse(" 536870912 \n"));
    }

    @Test
    void noProcIsNoCgroup(@org.junit.jupiter.api.io.TempDir Path empty) {
        assertNull(CgroupMemory.locate(empty));
    }

    /** This machine, whatever it runs: the figures are the files' own. */
    @Test
    void thisMachinesRealCgroup() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/mountinfo")), "Linux only");
        boolean memoryController = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String fs = line.substring(line.indexOf(" - ") + 3);
            memoryController |= fs.startsWith("cgroup2 ") || (fs.startsWith("cgroup ") && List.of(fs.split(" ")[2].split(","))
                    .contains("memory"));
        }
        assumeTrue(memoryController, "no cgroup file system mounted");
        CgroupMemory c = CgroupMemory.locate(Path.of("/"));
        assertNotNull(c, "a cgroup memory controller is mounted and the process is in a group");
        assertTrue(c.directory().startsWith("/sys/fs/cgroup"), c.toString());
        String usageFile = c.version() == 2 ? "memory.current" : "memory.usage_in_bytes";
        String limitFile = c.version() == 2 ? "memory.max" : "memory.limit_in_bytes";
        Long used = c.usedBytes();
        long raw = Long.parseLong(Files.readString(c.directory().resolve(usageFile)).trim());
        assertNotNull(used);
        assertTrue(used > 0, c + " uses " + used);
        // Another process in the group can change it between two reads: the same order of magnitude.
        assertTrue(Math.abs(used - raw) <= Math.max(raw, used) / 2 + (64L << 20), used + " vs the file's " + raw);
        Path own = c.directory().resolve(limitFile);
        Long ownLimit = Files.exists(own) ? CgroupMemory.parse(Files.readString(own)) : null;
        Long limit = c.limitBytes();
        assertTrue(limit == null || limit > 0);
        if (ownLimit != null) {
            assertTrue(limit != null && limit <= ownLimit, "the smallest of the group's and its ancestors': " + limit);
        }
        System.out.println("this machine: " + c + ", limit " + (limit == null ? "none" : limit) + ", used " + used);
    }
}
