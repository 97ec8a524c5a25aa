package io.memagent.it;

import static io.memagent.it.TestDatabase.n;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An app in a named module (its own {@code module-info}, run with {@code --module-path} and {@code -m}, the API jar an
 * automatic module beside it): an annotated method and one named by {@code memagent.include} are both measured, to
 * the byte of what the app's own counter reads around the same allocation. The woven calls reach the agent's boot
 * classes from the named module, whose classes the agent's ASM weaver transformed as they loaded. Such a JVM resolves
 * only the modules the app requires: with {@code --add-modules java.sql} the agent writes to PostgreSQL; without it,
 * one error line says what to add, and the data is reported in memory at exit.
 */
class ModularAppIT {
    static final int CALLS = 5;
    private static final String MODULE_INFO = """
            module shop {
                requires memagent.api;
                requires jdk.management;
            }
            """;
    private static final String MAIN = """
            package shop.orders;

            import io.memagent.api.ProfileMemory;
            import java.lang.management.ManagementFactory;

            public class Main {
                static volatile Object sink;

                @ProfileMemory
                static byte[] annotated() {
                    byte[] b = new byte[1000];
                    sink = b;
                    return b;
                }

                static byte[] included() {
                    byte[] b = new byte[2000];
                    sink = b;
                    return b;
                }

                static byte[] plain(int n) {
                    byte[] b = new byte[n];
                    sink = b;
                    return b;
                }

                /** What allocating {@code n} bytes as the profiled methods do costs, by the app's own counter. */
                static long truth(com.sun.management.ThreadMXBean threads, int n) {
                    long spent = 0;
                    for (int i = 0; i < 3; i++) { // the last of three: the first may load and link
                        long before = threads.getCurrentThreadAllocatedBytes();
                        plain(n);
                        spent = threads.getCurrentThreadAllocatedBytes() - before;
                    }
                    return spent;
                }

                public static void main(String[] args) {
                    com.sun.management.ThreadMXBean threads =
                            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                    int calls = Integer.parseInt(args[0]);
                    for (int i = 0; i < calls; i++) {
                        annotated();
                        included();
                    }
                    System.out.println("truth.annotated=" + truth(threads, 1000));
                    System.out.println("truth.included=" + truth(threads, 2000));
                    System.out.println("named=" + (Main.class.getModule().isNamed() ? 1 : 0));
                }
            }
            """;

    private static String modulePath;

    @RegisterExtension
    static final AppPerClass app = AppPerClass.of(a -> AppRun.module(modulePath(), "shop/shop.orders.Main")
            .jvmArg("--add-modules=java.sql")
            .database(a.db(), a.schema(), "modular-app")
            .prop("memagent.flush.interval.ms", 200)
            .prop("memagent.include", "shop.orders.Main#included")
            .args(String.valueOf(CALLS)));

    /** The app compiled as a module, and the API classes as the jar an automatic module is made from; made once. */
    static synchronized String modulePath() throws IOException {
        if (modulePath != null) {
            return modulePath;
        }
        Path dir = Files.createTempDirectory("memagent-modular-app");
        Path api = dir.resolve("memagent-api.jar"); // automatic module name: memagent.api
        Path apiClasses = Path.of(AppRun.API_CLASSES);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(api))) {
            TestJars.addFiles(out, apiClasses, name -> true);
        }
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("shop/orders"));
        Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(src.resolve("shop/orders/Main.java"), MAIN);
        Path classes = dir.resolve("shop");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        OutputStream errors = new java.io.ByteArrayOutputStream();
        int rc = javac.run(null, errors, errors, "--release", "17", "--module-path", api.toString(),
                "-d", classes.toString(), src.resolve("module-info.java").toString(),
                src.resolve("shop/orders/Main.java").toString());
        if (rc != 0) {
            throw new UncheckedIOException(new IOException("javac failed: " + errors));
        }
        modulePath = api + File.pathSeparator + classes;
        return modulePath;
    }

    @Test
    void annotatedAndIncludedMethodsOfANamedModuleAreMeasuredToTheByte() {
        assertEquals(1, app.run().value("named"), "the app ran as a named module");
        Map<String, Object> annotated = app.stats("Main.annotated");
        assertEquals(CALLS, n(annotated, "calls"));
        long oneAnnotated = app.run().value("truth.annotated");
        assertEquals(CALLS * oneAnnotated, n(annotated, "total"));
        assertEquals(oneAnnotated, n(annotated, "min"));
        assertEquals(oneAnnotated, n(annotated, "max"));
        Map<String, Object> included = app.stats("Main.included");
        assertEquals(CALLS, n(included, "calls"));
        long oneIncluded = app.run().value("truth.included");
        assertEquals(CALLS * oneIncluded, n(included, "total"));
        assertEquals(oneIncluded, n(included, "max"));
        assertTrue(oneAnnotated >= 1000 && oneIncluded >= 2000, oneAnnotated + " / " + oneIncluded);
        assertEquals(List.of(), app.run().agentLines().stream()
                .filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("could not")).toList());
    }

    @Test
    void withoutTheModulesItNeedsTheAgentSaysWhatToAddAndReportsInMemory() throws Exception {
        AppRun.Result r = AppRun.module(modulePath(), "shop/shop.orders.Main")
                .prop("memagent.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/test")
                .prop("memagent.http.port", 0)
                .prop("memagent.include", "shop.orders.Main#included")
                .args(String.valueOf(CALLS))
                .run().assertOk();
        assertEquals(List.of(
                "[memagent] ERROR memagent.jdbc.url = jdbc:postgresql://127.0.0.1:5432/test needs the JDK module java.sql,"
                        + " which this JVM did not resolve: add --add-modules java.sql to the java command line (an"
                        + " application started with -m or --module resolves only the modules it requires; a jlink"
                        + " image needs it linked in); until then"
                        + " memagent keeps its data in memory and prints the report at exit instead",
                "[memagent] ERROR memagent.http.port = 0 needs the JDK module jdk.httpserver, which this JVM did not"
                        + " resolve: add --add-modules jdk.httpserver to the java command line (an application started"
                        + " with -m or --module resolves only the modules it requires; a jlink image needs it linked in);"
                        + " until then memagent serves no"
                        + " HTTP API"),
                r.agentLines().stream().filter(l -> l.contains("ERROR")).toList());
        long one = r.value("truth.annotated");
        assertTrue(java.util.regex.Pattern.compile("(?m)^Main\\.annotated +" + CALLS + " .* "
                + String.format(java.util.Locale.ROOT, "%,d", one) + " +" + String.format(java.util.Locale.ROOT, "%,d", one)
                + " ").matcher(r.stderr()).find(), "the in-memory report's line for Main.annotated: " + r.stderr());
        assertTrue(r.stderr().contains("in-memory mode, report at exit"), r.stderr());
    }
}
