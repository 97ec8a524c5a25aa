package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memagent.testapps.ExactBytesApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Migrations run at start, safely from several JVMs at once, and the rollback removes them all. */
class MigrationsIT {
    @Test
    void threeJvmsStartingTogetherMigrateOnceAndAllWrite() throws Exception {
        TestDatabase db = TestDatabase.get();
        String schema = db.newSchema();
        try {
            List<Process> jvms = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                // The JVMs migrate one at a time and the app is over in a moment: give each exit room to
                // wait for its turn, since what is tested here is the migration, not the exit deadline.
                jvms.add(AppRun.main(ExactBytesApp.class).database(db, schema, "together")
                        .prop("memagent.shutdown.timeout.ms", 60_000).args("5").start());
            }
            for (Process p : jvms) {
                p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                String err = new String(p.getErrorStream().readAllBytes());
                p.waitFor(120, TimeUnit.SECONDS);
                assertEquals(0, p.exitValue(), err);
                assertEquals(false, err.contains("ERROR"), err);
            }
            assertEquals(3, db.queryLong("SELECT count(*) FROM " + schema + ".agent_runs WHERE stopped_at IS NOT NULL"));
            assertEquals(15, db.queryLong("SELECT sum(calls) FROM " + schema
                    + ".method_allocation_stats WHERE operation_type = 'ExactBytesApp.fourThousandBytes'"));
            assertEquals(1, db.queryLong("SELECT count(*) FROM " + schema + ".memagent_schema_history WHERE success AND version = '1'"));
        } finally {
            db.dropSchema(schema);
        }
    }

    @Test
    void theRollbackScriptRemovesEverythingTheMigrationsCreated() throws Exception {
        TestDatabase db = TestDatabase.get();
        String schema = db.newSchema();
        try {
            AppRun.main(ExactBytesApp.class).database(db, schema, "rollback").args("1").run().assertOk();
            long tables = db.queryLong("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition", schema);
            assertEquals(13, tables, "ten tables, two rollups and Flyway's history");
            assertEquals(5 * 6, db.queryLong("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE n.nspname = ? AND c.relispartition AND c.relkind = 'r'", schema),
                    "six partitioned tables with a partition a day from yesterday to three days ahead");
            assertEquals(4, db.queryLong("SELECT count(*) FROM information_schema.views WHERE table_schema = ?", schema),
                    "the four Grafana views");
            assertEquals(1, db.queryLong("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                    + " WHERE n.nspname = ?", schema), "memagent_top_consumers");
            String sql = Files.readString(Path.of(System.getProperty("memagenttest.rollbackSql")));
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("SET search_path TO " + schema);
                st.execute(sql);
                st.execute(sql); // safe to run twice
            }
            assertEquals(0, db.queryLong("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE n.nspname = ?", schema), "no table, index or sequence left");
        } finally {
            db.dropSchema(schema);
        }
    }
}
