package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memagent.testapps.AttachTargetApp;
import io.memagent.testapps.Truth;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM started with an AOT cache ({@code -XX:AOTCache}, JDK 24 and later) loads and links the cached classes of the
 * app before premain runs, so the agent never sees them load. The app ({@link AttachTargetApp} in a jar, with the
 * API: a cache takes jars only) makes 50 calls, waits for a file, then makes 40 more, each measured by its own counter.
 * <ul>
 *   <li>Cache made without the agent (with {@code --add-modules java.instrument}, without which the JVM refuses such
 *       a cache when the agent comes): the annotated class was linked from the cache; the agent finds it at premain,
 *       retransforms it and says so in one warning, and every call after that is exact.</li>
 *   <li>Cache made with the agent attached, as the docs say: the class the agent wove is left out of the cache and
 *       woven as it loads; all 90 calls are exact, no warning.</li>
 * </ul>
 */
class AotCacheIT {
    private static final String WARNING = "loaded before the agent started, from the JVM's AOT cache made without"
            + " -javaagent";

    @Test
    void aClassLinkedFromACacheMadeWithoutTheAgentIsWovenAtStartAndItsLaterCallsAreExact(@TempDir Path tmp)
            throws Exception {
        assumeTrue(AppRun.javaFeatureVersion() >= 24, "AOT caches link classes before premain from JDK 24 on");
        Path jar = appJar(tmp);
        Path cache = tmp.resolve("app.aot");
        train(jar, cache, tmp, AppRun.jar(jar.toString()).withoutAgent().jvmArg("--add-modules")
                .jvmArg("java.instrument"));

        Path go = tmp.resolve("go");
        try (LiveApp app = new LiveApp(AppRun.jar(jar.toString()).withoutXshareAuto().jvmArg("-XX:AOTCache=" + cache)
                .jvmArg("-Xlog:class+load=info:file=" + tmp.resolve("loads.txt")).args(go.toString()))) {
            app.awaitLine("before=");
            app.awaitStderr(WARNING, 60);
            Files.createFile(go);
            String report = finish(app, 40);
            assertTrue(report.contains("[memagent] WARN 1 class to instrument was " + WARNING + ": instrumented now, their"
                    + " calls until now not measured."), report);
            assertEquals(0, report.split(Pattern.quote(WARNING), -1).length - 2, "one warning: " + report);
            String loads = Files.readString(tmp.resolve("loads.txt"));
            assertTrue(loads.contains(AttachTargetApp.class.getName() + " source: shared objects file"),
                    "the class came from the cache, linked before premain: " + loads.lines()
                            .filter(l -> l.contains(AttachTargetApp.class.getName())).toList());
        }
    }

    @Test
    void aCacheMadeWithTheAgentLeavesTheWovenClassOutAndEveryCallIsExact(@TempDir Path tmp) throws Exception {
        assumeTrue(AppRun.javaFeatureVersion() >= 24, "AOT caches link classes before premain from JDK 24 on");
        Path jar = appJar(tmp);
        Path cache = tmp.resolve("app.aot");
        train(jar, cache, tmp, AppRun.jar(jar.toString()));

        Path go = tmp.resolve("go");
        Files.createFile(go);
        try (LiveApp app = new LiveApp(AppRun.jar(jar.toString()).withoutXshareAuto().jvmArg("-XX:AOTCache=" + cache)
                .args(go.toString()))) {
            app.awaitLine("before=");
            String report = finish(app, 90);
            assertFalse(report.contains(WARNING), report);
            assertFalse(report.contains("[error][aot]"), "the JVM took the cache: " + report);
        }
    }

    /** Runs the app once with the go file there, writing the cache at exit. */
    private static void train(Path jar, Path cache, Path tmp, AppRun run) throws Exception {
        Path go = tmp.resolve("trained");
        Files.createFile(go);
        AppRun.Result r = run.withoutXshareAuto().jvmArg("-XX:AOTCacheOutput=" + cache).args(go.toString()).run();
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(Files.size(cache) > 0, "the cache was written: " + r);
    }

    /**
     * Reads the app's 40 calls and its exit; asserts the report's calls of {@code work}, and that their average, min
     * and max are each the app's own counter to the byte. Returns the app's stderr (the agent's lines and report).
     */
    private static String finish(LiveApp app, int calls) throws Exception {
        String truth = app.awaitLine("truth.work=");
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            seen.append(app.awaitLine("call ")).append('\n');
        }
        app.awaitLine("after=");
        assertTrue(app.process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, app.process.exitValue());
        String err = app.stderr();
        long exact = Long.parseLong(truth.substring("truth.work=".length()));
        Matcher m = Pattern.compile("(?m)^AttachTargetApp\\.work\\s+(\\d+)\\s+\\S+ \\S+\\s+([\\d,]+)\\s+([\\d,]+)\\s+([\\d,]+)")
                .matcher(err);
        assertTrue(m.find(), err);
        assertEquals(calls, Long.parseLong(m.group(1)), err);
        for (int g = 2; g <= 4; g++) {
            assertEquals(exact, Long.parseLong(m.group(g).replace(",", "")), "average, min and max, to the byte: " + err
                    + "\nthe calls as the app measured them:\n" + seen);
        }
        return err;
    }

    /** The app's classes and the API's in one jar whose manifest names the main class. */
    private static Path appJar(Path tmp) throws IOException {
        Path jar = tmp.resolve("app.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, AttachTargetApp.class.getName());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            Path apps = Path.of(AppRun.APP_CLASSES);
            for (Class<?> c : List.of(AttachTargetApp.class, Truth.class)) {
                String prefix = c.getName().replace('.', '/');
                try (Stream<Path> files = Files.walk(apps.resolve(prefix).getParent())) {
                    for (Path f : (Iterable<Path>) files.filter(p -> {
                        String name = apps.relativize(p).toString().replace(File.separatorChar, '/');
                        return name.equals(prefix + ".class") || name.startsWith(prefix + "$");
                    })::iterator) {
                        add(out, apps, f);
                    }
                }
            }
            Path api = Path.of(AppRun.API_CLASSES);
            try (Stream<Path> files = Files.walk(api)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    add(out, api, f);
                }
            }
        }
        return jar;
    }

    private static void add(JarOutputStream out, Path root, Path file) throws IOException {
        out.putNextEntry(new JarEntry(root.relativize(file).toString().replace(File.separatorChar, '/')));
        Files.copy(file, out);
        out.closeEntry();
    }
}
