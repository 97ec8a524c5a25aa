package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memagent.testapps.NamesApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, items 1, 2 and 4: one bad value loses at most its own row. Names are normalized
 * one-to-one when registered, so none collapse or break COPY/jsonb; a row PostgreSQL refuses
 * is found by bisection and dropped alone; retention deletes only its own service's batch ids.
 */
class DataIntegrityIT extends SchemaPerTest {
    private static AppRun.Result runNames(TestDatabase db, String schema, String service, List<String> names, int work,
                                          String... props) throws Exception {
        Path file = Files.createTempFile("memagent-names", ".txt");
        try {
            List<String> lines = new ArrayList<>();
            for (String n : names) {
                lines.add(NamesApp.encode(n));
            }
            Files.write(file, lines);
            AppRun run = AppRun.main(NamesApp.class).database(db, schema, service).prop("memagent.stats.interval.ms", 60_000)
                    .jvmArg("-Xmx512m").timeoutSeconds(300).args(file.toString(), String.valueOf(work));
            for (int i = 0; i < props.length; i += 2) {
                run.prop(props[i], props[i + 1]);
            }
            return run.run().assertOk();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** 5,000 random names from every Unicode category, NUL, lone surrogates and a 64 KB one. */
    static List<String> fuzzNames(long seed) {
        Random rnd = new Random(seed);
        List<List<Integer>> byCategory = new ArrayList<>();
        for (int t = 0; t <= Character.FINAL_QUOTE_PUNCTUATION; t++) {
            byCategory.add(new ArrayList<>());
        }
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            byCategory.get(Character.getType(cp)).add(cp);
        }
        byCategory.removeIf(List::isEmpty);
        Set<String> names = new LinkedHashSet<>();
        // The pairs that collapsed before: NUL vs U+FFFD, an escape's text vs the character, lone surrogates.
        names.addAll(List.of("/x\0", "/x\uFFFD", "GET /x\0", "GET /x\uFFFD", "a\\u0000", "a\0", "a\\\\u0000", "a\\\0",
                "\ud800", "\udc00", "\ud800x", "?x", "tab\tx", "tab\\u0009x", "\u0085nel", "\u007f"));
        String big = "x".repeat(64 * 1024);
        names.add(big);
        names.add(big.substring(1) + "y");
        while (names.size() < 5_000) {
            StringBuilder sb = new StringBuilder();
            int len = 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 400 : 24);
            for (int i = 0; i < len; i++) {
                List<Integer> cat = byCategory.get(rnd.nextInt(byCategory.size()));
                sb.appendCodePoint(cat.get(rnd.nextInt(cat.size())));
            }
            names.add(sb.toString());
        }
        return new ArrayList<>(names);
    }

    @Test
    void fiveThousandRandomNamesStayDistinctAndNoOtherRowIsLost() throws Exception {
        List<String> names = fuzzNames(13);
        assertEquals(5_000, names.size());
        AppRun.Result r = runNames(db, schema, "fuzz", names, 1_000);
        assertEquals(5_000, r.value("blocks"));
        Set<String> expected = new HashSet<>();
        for (String n : names) {
            expected.add(AgentNames.operation(n));
        }
        assertEquals(5_000, expected.size(), "the normalization is one-to-one");
        Set<String> stored = new HashSet<>();
        for (Map<String, Object> row : db.query("SELECT operation_type, sum(calls) AS calls FROM " + schema
                + ".method_allocation_stats WHERE kind = 'block' GROUP BY operation_type")) {
            assertEquals(1, TestDatabase.n(row, "calls"), String.valueOf(row.get("operation_type")));
            stored.add((String) row.get("operation_type"));
        }
        Set<String> missing = new HashSet<>(expected);
        missing.removeAll(stored);
        Set<String> extra = new HashSet<>(stored);
        extra.removeAll(expected);
        assertEquals(expected.size(), stored.size(), missing.size() + " missing, e.g. " + missing.stream().limit(5)
                .toList() + "; " + extra.size() + " unexpected, e.g. " + extra.stream().limit(5).toList()
                + "\n" + r.agentLines());
        assertEquals(expected, stored);
        assertEquals(1_000, db.queryLong("SELECT sum(calls) FROM " + schema + ".method_allocation_stats WHERE operation_type = 'app.work'"));
        assertEquals(0, db.queryLong("SELECT records_dropped FROM " + schema + ".agent_runs"), r.toString());
        assertEquals(List.of(), r.agentLines().stream().filter(l -> l.contains("ERROR")).toList());
    }

    @Test
    void aRowTheDatabaseRefusesIsDroppedAloneAndCountedOnce() throws Exception {
        runNames(db, schema, "bisect", List.of("warm-up"), 1); // creates the tables
        try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement()) {
            st.execute("ALTER TABLE " + schema + ".method_allocation_stats ADD CONSTRAINT no_poison"
                    + " CHECK (operation_type <> 'poison') NOT VALID");
        }
        AppRun.Result r = runNames(db, schema, "bisect", List.of("fine-1", "poison", "fine-2"), 1_000);
        String run = " FROM " + schema + ".method_allocation_stats WHERE run_id = (SELECT run_id FROM " + schema
                + ".agent_runs ORDER BY started_at DESC LIMIT 1)";
        assertEquals(1_000, db.queryLong("SELECT sum(calls)" + run + " AND operation_type = 'app.work'"));
        assertEquals(1, db.queryLong("SELECT sum(calls)" + run + " AND operation_type = 'fine-1'"));
        assertEquals(1, db.queryLong("SELECT sum(calls)" + run + " AND operation_type = 'fine-2'"));
        assertEquals(0, db.queryLong("SELECT count(*)" + run + " AND operation_type = 'poison'"));
        assertEquals(1, db.queryLong("SELECT (drops_by_reason->>'rejected_by_database')::bigint FROM " + schema
                + ".agent_runs ORDER BY started_at DESC LIMIT 1"), r.toString());
        assertEquals(1, db.queryLong("SELECT records_dropped FROM " + schema + ".agent_runs ORDER BY started_at DESC LIMIT 1"));
        List<String> refused = r.agentLines().stream().filter(l -> l.contains("PostgreSQL refused one")).toList();
        assertEquals(1, refused.size(), r.toString());
        assertEquals(true, refused.get(0).startsWith("[memagent] ERROR PostgreSQL refused one method_allocation_stats row;"
                + " it alone is dropped and counted (rejected_by_database), the rest of its batch is written: PSQLException:"), refused.get(0));
        assertEquals(true, refused.get(0).endsWith("[SQLState 23514]"), refused.get(0));
    }

    @Test
    void retentionDeletesOnlyItsOwnServicesBatchIds() throws Exception {
        runNames(db, schema, "svc-b", List.of("b"), 1);
        runNames(db, schema, "svc-a", List.of("a"), 1);
        String batches = schema + ".memagent_batches";
        String ofService = " WHERE run_id IN (SELECT run_id FROM " + schema + ".agent_runs WHERE service_name = ?)";
        db.query("UPDATE " + batches + " SET committed_at = now() - interval '2 days' RETURNING 1");
        long b = db.queryLong("SELECT count(*) FROM " + batches + ofService, "svc-b");
        long a = db.queryLong("SELECT count(*) FROM " + batches + ofService, "svc-a");
        assertEquals(true, a >= 1 && b >= 1, "both services wrote batches: a=" + a + " b=" + b);
        // svc-a again, keeping rows one day: its retention runs when its writer is ready.
        runNames(db, schema, "svc-a", List.of("a"), 1, "memagenttest.sleepMs", "3000", "memagent.retention.days", "1");
        assertEquals(b, db.queryLong("SELECT count(*) FROM " + batches + ofService, "svc-b"), "svc-b's batch ids are kept");
        assertEquals(0, db.queryLong("SELECT count(*) FROM " + batches + " WHERE committed_at < now() - interval '1 day'"
                + " AND run_id IN (SELECT run_id FROM " + schema + ".agent_runs WHERE service_name = 'svc-a')"),
                "svc-a's old batch ids are deleted");
    }
}
