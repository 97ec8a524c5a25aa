package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.AnnotatedTypeApp;
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

    @Test
    void aClassInALoaderWhoseParentIsThePlatformLoaderIsProfiled() throws Exception {
        AppRun.Result r = AppRun.main(IsolatedLoaderApp.class)
                .args(AppRun.APP_CLASSES, AppRun.API_CLASSES)
                .run()
                .assertOk();
        Map<String, Long> calls = reportCalls(r);
        assertEquals(r.value("calls"), calls.get("IsolatedWork.isolatedAllocation"), r.toString());
        assertTrue(r.value("truth.isolated") > 2048);
        assertFalse(r.stderr().contains("could not instrument"), r.stderr());
    }
}
