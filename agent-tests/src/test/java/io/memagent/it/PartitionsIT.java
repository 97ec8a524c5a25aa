package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.ExactBytesApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Migration V7 turns the four tables that grow with traffic into daily range partitions in
 * place, and retention drops whole days: against the real PostgreSQL, with real agent JVMs.
 */
class PartitionsIT extends SchemaPerTest {
    private static final List<String> PARTITIONED = List.of("memory_allocations", "method_allocation_stats",
            "memory_metrics", "gc_events");
    private static final long DAY_MS = 86_400_000L;

    /** The schema as an agent of version 6 left it: Flyway's history says V6, the tables are plain. */
    private void migrateTo(String version) {
        Flyway.configure().dataSource(db.url, db.user, db.password).schemas(schema).defaultSchema(schema)
                .createSchemas(true).table("memagent_schema_history")
                .locations("filesystem:" + System.getProperty("memagenttest.migrationsDir")).target(version)
                .loggers("slf4j").load().migrate();
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s.replace("{s}", schema));
            }
        }
    }

    /** Rows of the service {@code v6} in a table, over the columns V6 had: count and a digest of their text. */
    private Map<String, Object> fingerprint(String table, List<String> columns) {
        String row = "row(" + String.join(", ", columns) + ")::text";
        return db.query("SELECT count(*) AS n, md5(string_agg(" + row + ", '|' ORDER BY " + row + ")) AS digest FROM "
                + schema + "." + table + " WHERE service_name = 'v6'").get(0);
    }

    private List<String> columns(String table) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> r : db.query("SELECT column_name FROM information_schema.columns WHERE table_schema = ?"
                + " AND table_name = ? ORDER BY ordinal_position", schema, table)) {
            out.add((String) r.get("column_name"));
        }
        return out;
    }

    private List<String> partitions(String table) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> r : db.query("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                + " JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace"
                + " WHERE n.nspname = ? AND p.relname = ? ORDER BY 1", schema, table)) {
            out.add((String) r.get("relname"));
        }
        return out;
    }

    private static String day(long ms) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(ms), ZoneOffset.UTC).toString().replace("-", "");
    }

    @Test
    void aV6DatabaseIsConvertedInPlaceAndKeepsEveryRow() throws Exception {
        migrateTo("6");
        // Three days of a V6 agent's rows, in every partitioned table and in the ones that stay plain.
        sql("INSERT INTO {s}.agent_runs (run_id, service_name, process_id, host, jvm_version, agent_version, config,"
                        + " started_at, stopped_at) VALUES ('00000000-0000-0000-0000-000000000006', 'v6', 6, 'h', 'j', '0.6',"
                        + " '{}', now() - interval '3 days', now() - interval '1 hour')",
                "INSERT INTO {s}.method_allocation_stats SELECT '00000000-0000-0000-0000-000000000006', 'v6', 6,"
                        + " 'Op.' || (i % 7), 'm' || (i % 7) || '()', 'method', t, t + interval '10 seconds', i % 13 + 1,"
                        + " i % 3, 0, 1000 * (i % 13 + 1), 900 * (i % 13 + 1), 10, 5000, 700, 900, 990, 1000 * i, 90 * i"
                        + " FROM generate_series(1, 2000) i, LATERAL (SELECT now() - interval '3 days'"
                        + " + i * interval '2 minutes' AS t) x",
                "INSERT INTO {s}.memory_allocations SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000006', 'v6', 6,"
                        + " 'Op.' || (i % 7), 'm()', 'method', 'main', 2000000 + i, 1000000 + i, 5000 * i, i % 5 = 0,"
                        + " '{\"gc_count_during\": 0}', now() - interval '3 days' + i * interval '7 minutes'"
                        + " FROM generate_series(1, 500) i",
                "INSERT INTO {s}.memory_metrics (run_id, service_name, process_id, heap_size_bytes, heap_used_bytes,"
                        + " heap_free_bytes, heap_max_bytes, non_heap_used_bytes, gc_count, gc_duration_ms, thread_count,"
                        + " loaded_class_count, memory_utilization_pct, memory_state, recorded_at, process_rss_bytes,"
                        + " native_memory) SELECT '00000000-0000-0000-0000-000000000006', 'v6', 6, 1000000 + i, 500000 + i,"
                        + " 500000, 4000000, 30000, i, 2 * i, 20, 3000, 12.5, 'normal', now() - interval '3 days'"
                        + " + i * interval '5 minutes', 90000000 + i, CASE WHEN i % 10 = 0 THEN '{\"Heap\": 1}'::jsonb END"
                        + " FROM generate_series(1, 600) i",
                "INSERT INTO {s}.gc_events SELECT '00000000-0000-0000-0000-000000000006', 'v6', 6, i, 'G1 Young', 'end of"
                        + " minor GC', 'G1 Evacuation Pause', i % 20, 3000000, 1000000, now() - interval '3 days'"
                        + " + i * interval '11 minutes' FROM generate_series(1, 300) i");
        Map<String, List<String>> v6Columns = new LinkedHashMap<>();
        Map<String, Map<String, Object>> before = new LinkedHashMap<>();
        for (String t : PARTITIONED) {
            v6Columns.put(t, columns(t));
            before.put(t, fingerprint(t, v6Columns.get(t)));
        }
        assertEquals(List.of(500L, 2000L, 600L, 300L), PARTITIONED.stream().map(t -> TestDatabase.n(before.get(t), "n")).toList());

        // A current agent migrates the schema at start and writes its own rows beside them.
        AppRun.main(ExactBytesApp.class).database(db, schema, "after").args("3").run().assertOk();

        long tomorrow = Math.floorDiv(System.currentTimeMillis(), DAY_MS) * DAY_MS + DAY_MS;
        for (String t : PARTITIONED) {
            assertEquals(before.get(t), fingerprint(t, v6Columns.get(t)), t + ": every V6 row, unchanged");
            assertEquals(1, db.queryLong("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind = 'p'", schema, t), t + " is partitioned");
            // The old table itself became the partition of everything before tomorrow; days after are the agent's.
            List<String> expected = new ArrayList<>(List.of(t + "_before_" + day(tomorrow)));
            for (int d = 0; d < 3; d++) {
                expected.add(t + "_p" + day(tomorrow + d * DAY_MS));
            }
            assertEquals(expected, partitions(t));
            assertEquals(TestDatabase.n(before.get(t), "n"), db.queryLong("SELECT count(*) FROM " + schema + "." + t
                    + "_before_" + day(tomorrow) + " WHERE service_name = 'v6'"));
        }
        // Queryable as before: through the Grafana view, and a window reads only its own partitions.
        assertEquals(db.queryLong("SELECT sum(i % 13 + 1) FROM generate_series(1, 2000) i"),
                db.queryLong("SELECT sum(calls) FROM " + schema + ".memagent_top_consumers_per_interval WHERE service_name = 'v6'"));
        assertEquals(3, db.queryLong("SELECT sum(calls) FROM " + schema + ".method_allocation_stats WHERE service_name ="
                + " 'after' AND operation_type = 'ExactBytesApp.fourThousandBytes'"));
        String plan = db.query("EXPLAIN SELECT count(*) FROM " + schema + ".memory_allocations WHERE created_at >= '"
                + Instant.ofEpochMilli(tomorrow) + "'").toString();
        assertFalse(plan.contains("_before_"), plan);
        assertTrue(plan.contains("memory_allocations_p" + day(tomorrow)), plan);

        // The rollback still removes everything, converted tables and partitions included.
        String rollback = Files.readString(Path.of(System.getProperty("memagenttest.rollbackSql")));
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("SET search_path TO " + schema);
            st.execute(rollback);
        }
        assertEquals(0, db.queryLong("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ?", schema), "no table, partition, index or view left");
    }

    @Test
    void retentionDropsWholeDaysPastTheLongestRetentionAndDeletesOnlyItsOwnRowsBeyondItsOwn() throws Exception {
        // A first run makes the schema; then twelve past days get partitions and one row a day per service.
        AppRun.main(ExactBytesApp.class).database(db, schema, "first").args("1").run().assertOk();
        long now = System.currentTimeMillis();
        long today = Math.floorDiv(now, DAY_MS) * DAY_MS;
        List<String> statements = new ArrayList<>();
        for (String t : PARTITIONED) {
            for (int d = 13; d >= 2; d--) {
                long from = today - d * DAY_MS;
                statements.add("CREATE TABLE {s}." + t + "_p" + day(from) + " PARTITION OF {s}." + t + " FOR VALUES FROM ('"
                        + Instant.ofEpochMilli(from) + "') TO ('" + Instant.ofEpochMilli(from + DAY_MS) + "')");
            }
        }
        for (String service : List.of("short", "long")) {
            // k days and one hour ago, k = 1..12
            String at = "(now() - k * interval '1 day' - interval '1 hour')";
            statements.add("INSERT INTO {s}.memory_allocations SELECT gen_random_uuid(), gen_random_uuid(), '" + service
                    + "', 1, 'Op', 'm()', 'method', 'main', 2000000, 2000000, 1000, false, '{}', " + at
                    + " FROM generate_series(1, 12) k");
            statements.add("INSERT INTO {s}.method_allocation_stats SELECT gen_random_uuid(), '" + service + "', 1, 'Op',"
                    + " 'm()', 'method', " + at + ", " + at + " + interval '10 seconds', 1, 0, 0, 10, 10, 10, 10, 10, 10,"
                    + " 10, 5, 5 FROM generate_series(1, 12) k");
            statements.add("INSERT INTO {s}.memory_metrics (run_id, service_name, process_id, heap_size_bytes,"
                    + " heap_used_bytes, heap_free_bytes, non_heap_used_bytes, gc_count, gc_duration_ms, thread_count,"
                    + " loaded_class_count, memory_utilization_pct, memory_state, recorded_at) SELECT gen_random_uuid(), '"
                    + service + "', 1, 10, 5, 5, 1, 0, 0, 1, 1, 50, 'normal', " + at + " FROM generate_series(1, 12) k");
            statements.add("INSERT INTO {s}.gc_events SELECT gen_random_uuid(), '" + service + "', 1, k, 'G1', 'a', 'c', 1,"
                    + " 2, 1, " + at + " FROM generate_series(1, 12) k");
        }
        // "long" is running with 10 days' retention: its days must stay although "short" keeps only 7.
        statements.add("INSERT INTO {s}.agent_runs (run_id, service_name, process_id, host, jvm_version, agent_version,"
                + " config, started_at) VALUES (gen_random_uuid(), 'long', 2, 'h', 'j', 'x',"
                + " '{\"memagent.retention.days\": \"10\"}', now())");
        sql(statements.toArray(String[]::new));

        AppRun.Result run = AppRun.main(ExactBytesApp.class).database(db, schema, "short").prop("memagent.retention.days", 7)
                .args("1", "3000").run().assertOk(); // up a few seconds: retention runs once the writer is ready

        long longCutoff = now - 10 * DAY_MS;
        long shortCutoff = now - 7 * DAY_MS;
        int longKept = 0;
        for (int k = 1; k <= 12; k++) {
            long at = now - k * DAY_MS - 3_600_000L;
            if (Math.floorDiv(at, DAY_MS) * DAY_MS + DAY_MS > longCutoff) {
                longKept++; // its day's partition ends after the longest retention's cutoff
            }
        }
        int shortKept = 0;
        for (int k = 1; k <= 12; k++) {
            if (now - k * DAY_MS - 3_600_000L >= shortCutoff) {
                shortKept++;
            }
        }
        assertEquals(6, shortKept);
        for (String t : PARTITIONED) {
            assertEquals(longKept, db.queryLong("SELECT count(*) FROM " + schema + "." + t + " WHERE service_name = 'long'"),
                    t + ": the long-retention service's rows in the days kept\n" + run.stderr());
            assertEquals(shortKept, db.queryLong("SELECT count(*) FROM " + schema + "." + t + " WHERE service_name = 'short'"
                    + " AND process_id = 1"), t + ": the short-retention service's own rows within its 7 days");
            // Days 13 ago to 3 ahead had a partition; those ending by the longest cutoff are gone.
            List<String> kept = new ArrayList<>();
            for (int d = 13; d >= -3; d--) {
                long from = today - d * DAY_MS;
                if (from + DAY_MS > longCutoff) {
                    kept.add(t + "_p" + day(from));
                }
            }
            assertEquals(kept, partitions(t));
        }
        assertTrue(run.stderr().contains("retention: dropped partitions"), run.stderr());
    }
}
