package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memagent.testapps.OddNamesApp;
import org.junit.jupiter.api.Test;

/**
 * Names are data: no SQL is built from them, and printable text reaches the tables unchanged; a
 * backslash and control characters are escaped and a long name is capped, one-to-one (see Names).
 */
class OddNamesIT {
    @Test
    void quotesUnicodeAndTenKilobyteNamesAreStoredOneToOne() throws Exception {
        TestDatabase db = TestDatabase.get();
        String schema = db.newSchema();
        String service = "svc 'quoted' \"double\" \u00fc\u6f22\t\u2603";
        try {
            AppRun.main(OddNamesApp.class).database(db, schema, service).run().assertOk();
            String t = schema + ".method_allocation_stats";
            assertEquals(1, db.queryLong("SELECT sum(calls) FROM " + t + " WHERE operation_type = ?",
                    "quote's \"double\" back\\\\slash\\u0009tab"));
            assertEquals(1, db.queryLong("SELECT sum(calls) FROM " + t + " WHERE operation_type = ?",
                    "\u00dcn\u00efc\u00f6d\u00e9 \u64cd\u4f5c \ud83d\ude80 ; DROP TABLE memory_allocations; --"));
            assertEquals(2, db.queryLong("SELECT sum(calls) FROM " + t + " WHERE operation_type = ?", AgentNames.operation("op-" + "x".repeat(10_000))));
            assertEquals(3, db.queryLong("SELECT count(DISTINCT operation_type) FROM " + t + " WHERE service_name = ?", service));
            assertEquals(1, db.queryLong("SELECT count(*) FROM " + schema + ".agent_runs WHERE service_name = ?", service));
            assertEquals(1, db.queryLong("SELECT count(*) FROM information_schema.tables WHERE table_schema = ?"
                    + " AND table_name = 'memory_allocations'", schema), "the table is still there");
        } finally {
            db.dropSchema(schema);
        }
    }
}
