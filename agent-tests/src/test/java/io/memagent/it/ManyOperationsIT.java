package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app with 10,000 distinct profiled methods: the agent's memory stays bounded, and the
 * cardinality cap, when reached, is said and counted, not silent.
 */
class ManyOperationsIT {
    static final int METHODS = 10_000;
    @TempDir
    static Path dir;

    /** Writes and compiles {@code ManyOps}: 10,000 annotated methods and a main that calls each 3 times. */
    @BeforeAll
    static void generate() throws Exception {
        StringBuilder src = new StringBuilder("import io.memagent.api.ProfileMemory;\npublic class ManyOps {\n"
                + "  static volatile Object sink;\n");
        for (int i = 0; i < METHODS; i++) {
            src.append("  @ProfileMemory static Object m").append(i).append("() { return new byte[").append(i % 64)
                    .append("]; }\n");
        }
        src.append("  static void all() {\n");
        for (int i = 0; i < METHODS; i++) {
            src.append("    sink = m").append(i).append("();\n");
        }
        src.append("  }\n  public static void main(String[] a) throws Exception {\n"
                + "    for (int r = 0; r < 3; r++) all();\n"
                + "    System.gc(); Thread.sleep(200); System.gc();\n"
                + "    System.out.println(\"heapAfterGc=\" + java.lang.management.ManagementFactory.getMemoryMXBean()"
                + ".getHeapMemoryUsage().getUsed());\n"
                + "    System.out.println(\"calls=\" + (3L * " + METHODS + "));\n  }\n}\n");
        Path file = dir.resolve("ManyOps.java");
        Files.writeString(file, src);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "--release", "17", "-cp", AppRun.API_CLASSES, "-d", dir.toString(), file.toString());
        assertEquals(0, rc, "javac ManyOps");
    }

    private static AppRun manyOps() {
        return AppRun.mainClass("ManyOps").classpath(dir.toString()).jvmArg("-Xmx256m").jvmArg("-XX:+UseSerialGC");
    }

    @Test
    void tenThousandOperationsAreAllCountedInBoundedMemory() throws Exception {
        AppRun.Result without = manyOps().withoutAgent().run().assertOk();
        AppRun.Result with = manyOps().timeoutSeconds(240).run().assertOk();
        long agentHeap = with.value("heapAfterGc") - without.value("heapAfterGc");
        System.out.println("ManyOperationsIT: agent heap with " + METHODS + " operations: " + agentHeap + " bytes");
        assertTrue(agentHeap < 40L * 1024 * 1024, "agent heap with 10,000 operations: " + agentHeap + " bytes");
        assertTrue(with.stderr().contains("and " + (METHODS - 25) + " more operations"), with.stderr());
        assertTrue(!with.stderr().contains("(other operations)"), "the default cap (20,000) is not reached");
    }

    @Test
    void reachingTheCapIsSaidAndTheRestAreCountedTogether() throws Exception {
        AppRun.Result r = manyOps().prop("memagent.operations.max", 5000).timeoutSeconds(240).run().assertOk();
        List<String> warnings = r.agentLines().stream().filter(l -> l.contains("memagent.operations.max = 5000")).toList();
        assertEquals(1, warnings.size(), r.stderr());
        // Ids: 0 is "(other operations)", so 4,999 methods get their own; the other 5,001 share it.
        Matcher m = Pattern.compile("(?m)^\\(other operations\\)\\s+(\\d+)\\s").matcher(r.stderr());
        assertTrue(m.find(), r.stderr());
        assertEquals(3L * (METHODS - 4999), Long.parseLong(m.group(1)));
    }
}
