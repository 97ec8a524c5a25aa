package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memagent.testapps.AttachTargetApp;
import io.memagent.testapps.Truth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JDK 24 and later: a JVM started with an AOT cache ({@code -XX:AOTCache}) loads and links the app's cached classes
 * before premain runs, and takes a cache only with the {@code -javaagent} it was made with. The app
 * ({@link AttachTargetApp} in a jar, with the API: a cache takes jars only) makes 90 calls, the last 40 each measured by
 * its own counter.
 * <ul>
 *   <li>Cache made with the agent attached, as deployment.md says: the JVM takes it, leaves the class the agent wove
 *       out of it (that class loads from the jar and is woven as it loads), and all 90 calls are exact.</li>
 *   <li>Cache made without the agent: the JVM refuses it when the agent comes, with its own error line, and starts as
 *       without a cache; all 90 calls are exact.</li>
 * </ul>
 */
class AotCacheIT {
    @Test
    void aCacheMadeWithTheAgentIsTakenAndLeavesTheWovenClassOutAndEveryCallIsExact(@TempDir Path tmp)
            throws Exception {
        assumeTrue(AppRun.javaFeatureVersion() >= 24, "AOT caches from JDK 24 on");
        Path jar = appJar(tmp);
        Path cache = tmp.resolve("app.aot");
        train(cache, tmp, AppRun.jar(jar.toString()));

        AppRun.Result r = runWith(jar, cache, tmp);
        assertFalse(r.stdout().contains("[error][aot]"), "the JVM took the cache: " + r);
        assertExact(r);
        String loads = Files.readString(tmp.resolve("loads.txt"));
        assertTrue(loads.contains(Truth.class.getName() + " source: shared objects file"), "the rest came from the"
                + " cache: " + loads.lines().filter(l -> l.contains("testapps")).toList());
        assertTrue(loads.contains(AttachTargetApp.class.getName() + " source: file:"), "the woven class from the jar: "
                + loads.lines().filter(l -> l.contains("testapps")).toList());
    }

    @Test
    void aCacheMadeWithoutTheAgentIsRefusedByTheJvmAndEveryCallIsExact(@TempDir Path tmp) throws Exception {
        assumeTrue(AppRun.javaFeatureVersion() >= 24, "AOT caches from JDK 24 on");
        Path jar = appJar(tmp);
        Path cache = tmp.resolve("app.aot");
        train(cache, tmp, AppRun.jar(jar.toString()).withoutAgent());

        AppRun.Result r = runWith(jar, cache, tmp);
        assertTrue(r.stdout().contains("[error][aot] Mismatched values for property jdk.module.addmods: java.instrument"
                + " specified during runtime but not during dump time"), r.toString());
        assertExact(r);
    }

    /** Runs the app once, writing the cache at exit. */
    private static void train(Path cache, Path tmp, AppRun run) throws Exception {
        Path go = tmp.resolve("trained");
        Files.createFile(go);
        AppRun.Result r = run.withoutXshareAuto().jvmArg("-XX:AOTCacheOutput=" + cache).args(go.toString()).run();
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(Files.size(cache) > 0, "the cache was written: " + r);
    }

    /** Runs the app with the agent and the cache, its go file there from the start, class loads logged to a file. */
    private static AppRun.Result runWith(Path jar, Path cache, Path tmp) throws Exception {
        Path go = tmp.resolve("go");
        Files.createFile(go);
        AppRun.Result r = AppRun.jar(jar.toString()).withoutXshareAuto().jvmArg("-XX:AOTCache=" + cache)
                .jvmArg("-Xlog:class+load=info:file=" + tmp.resolve("loads.txt")).args(go.toString()).run();
        assertEquals(0, r.exitCode(), r.toString());
        return r;
    }

    /** The report's 90 calls of {@code work}: average, min and max each the app's own counter, to the byte. */
    private static void assertExact(AppRun.Result r) {
        Matcher truth = Pattern.compile("(?m)^truth\\.work=(\\d+)$").matcher(r.stdout());
        assertTrue(truth.find(), r.toString());
        long exact = Long.parseLong(truth.group(1));
        String err = r.stderr();
        Matcher m = Pattern.compile("(?m)^AttachTargetApp\\.work\\s+(\\d+)\\s+\\S+ \\S+\\s+([\\d,]+)\\s+([\\d,]+)\\s+([\\d,]+)")
                .matcher(err);
        assertTrue(m.find(), r.toString());
        assertEquals(90, Long.parseLong(m.group(1)), err);
        for (int g = 2; g <= 4; g++) {
            assertEquals(exact, Long.parseLong(m.group(g).replace(",", "")), "average, min and max, to the byte: " + r);
        }
    }

    /** The app's classes and the API's in one jar whose manifest names the main class. */
    private static Path appJar(Path tmp) throws IOException {
        Path jar = tmp.resolve("app.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, AttachTargetApp.class.getName());
        List<String> classes = List.of(AttachTargetApp.class.getName().replace('.', '/'),
                Truth.class.getName().replace('.', '/'));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            TestJars.addFiles(out, Path.of(AppRun.APP_CLASSES), name -> classes.stream()
                    .anyMatch(c -> name.equals(c + ".class") || name.startsWith(c + "$")));
            TestJars.addFiles(out, Path.of(AppRun.API_CLASSES), name -> true);
        }
        return jar;
    }
}
