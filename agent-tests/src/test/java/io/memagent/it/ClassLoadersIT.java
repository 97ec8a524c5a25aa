package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.AnnotatedTypeApp;
import io.memagent.testapps.OwnLibrariesApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.io.TempDir;
import io.memagent.testapps.IsolatedLoaderApp;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Type-level annotations and classes in a loader that cannot see the agent, via the exit report. */
class ClassLoadersIT {
    /** operation -> {calls, total bytes} from the exit report's table (bytes are shown rounded, so use calls). */
    static Map<String, Long> reportCalls(AppRun.Result r) {
        Map<String, Long> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^(\\S+)\\s+(\\d+)\\s+\\d").matcher(r.stderr());
        while (m.find()) {
            out.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return out;
    }

    @Test
    void aTypeLevelAnnotationProfilesEveryDeclaredMethodButConstructors() throws Exception {
        TestDatabase db = TestDatabase.get();
        String schema = db.newSchema();
        try {
            AppRun.Result r = AppRun.main(AnnotatedTypeApp.class).database(db, schema, "annotated-type").run().assertOk();
            long calls = r.value("calls");
            Map<String, Long> truth = Map.of("Repository.load", r.value("truth.load"), "Repository.save",
                    r.value("truth.save"), "Repository.compact", r.value("truth.compact"), "Cache.fill",
                    r.value("truth.fill"), "Cache.evictAll", r.value("truth.evict"));
            for (Map.Entry<String, Long> e : truth.entrySet()) {
                assertEquals(calls, db.queryLong("SELECT sum(calls) FROM " + schema
                        + ".method_allocation_stats WHERE operation_type = ?", e.getKey()), e.getKey());
                assertEquals(calls * e.getValue(), db.queryLong("SELECT sum(total_bytes) FROM " + schema
                        + ".method_allocation_stats WHERE operation_type = ?", e.getKey()), e.getKey());
            }
            assertEquals(5, db.queryLong("SELECT count(DISTINCT operation_type) FROM " + schema
                    + ".method_allocation_stats"), "constructors are not operations");
            assertEquals(0, db.queryLong("SELECT count(*) FROM " + schema
                    + ".method_allocation_stats WHERE method LIKE '%<init>%'"));
        } finally {
            db.dropSchema(schema);
        }
    }

    private static void assertIsolatedWorkProfiled(String mode, String... urls) throws Exception {
        List<String> args = new ArrayList<>(List.of(mode));
        args.addAll(List.of(urls));
        AppRun.Result r = AppRun.main(IsolatedLoaderApp.class).args(args.toArray(String[]::new)).run().assertOk();
        Map<String, Long> calls = reportCalls(r);
        assertEquals(40L, r.value("calls"));
        assertEquals(40L, calls.get("IsolatedWork.isolatedAllocation"), r.toString());
        assertFalse(r.stderr().contains("could not instrument"), r.stderr());
    }

    @Test
    void aClassInALoaderWhoseParentIsThePlatformLoaderIsProfiled() throws Exception {
        assertIsolatedWorkProfiled("platform", AppRun.APP_CLASSES, AppRun.API_CLASSES);
    }

    @Test
    void aClassInAChildFirstLoaderIsProfiled() throws Exception {
        assertIsolatedWorkProfiled("child-first", AppRun.APP_CLASSES, AppRun.API_CLASSES);
    }

    /** A Spring-Boot-style layout, unpacked: BOOT-INF/classes plus the API as a jar in BOOT-INF/lib. */
    @Test
    void aClassFromAnUnpackedFatJarIsProfiled(@TempDir Path fat) throws Exception {
        Path classes = fat.resolve("BOOT-INF/classes/io/memagent/testapps");
        Files.createDirectories(classes);
        Files.copy(Path.of(AppRun.APP_CLASSES, "io/memagent/testapps/IsolatedWork.class"), classes.resolve("IsolatedWork.class"));
        Path lib = fat.resolve("BOOT-INF/lib/memagent-api.jar");
        Files.createDirectories(lib.getParent());
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(lib));
             var files = Files.walk(Path.of(AppRun.API_CLASSES))) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                jar.putNextEntry(new JarEntry(Path.of(AppRun.API_CLASSES).relativize(f).toString().replace('\\', '/')));
                jar.write(Files.readAllBytes(f));
                jar.closeEntry();
            }
        }
        assertIsolatedWorkProfiled("platform", fat.resolve("BOOT-INF/classes").toString(), lib.toString());
    }

    @Test
    void anAppWithItsOwnOlderByteBuddyAndJacksonKeepsUsingThem() throws Exception {
        AppRun r = AppRun.main(OwnLibrariesApp.class);
        for (String jar : List.of("own-byte-buddy.jar", "own-jackson-databind.jar", "own-jackson-core.jar",
                "own-jackson-annotations.jar")) {
            r.classpath(Path.of(AppRun.APP_LIBS, jar).toString());
        }
        AppRun.Result result = r.run().assertOk();
        assertTrue(result.stdout().contains("json={\"answer\":42}"), result.toString());
        assertTrue(result.stdout().contains("generated=true"), result.toString());
        assertTrue(result.stdout().contains("own-byte-buddy.jar"), result.toString());
        assertTrue(result.stdout().contains("jacksonVersion=2.12.7"), result.toString());
        Map<String, Long> calls = reportCalls(result);
        assertEquals(6L, calls.get("OwnLibrariesApp.useJackson"), result.stderr());
        assertEquals(6L, calls.get("OwnLibrariesApp.useByteBuddy"), result.stderr());
    }
}
