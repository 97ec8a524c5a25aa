package io.memagent.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * For tests whose every method runs a JVM against its own schema: made before each test, dropped
 * after, so no test sees another's rows or leaves any behind.
 */
abstract class SchemaPerTest {
    TestDatabase db;
    String schema;

    @BeforeEach
    void createSchema() {
        db = TestDatabase.get();
        schema = db.newSchema();
    }

    @AfterEach
    void dropSchema() {
        db.dropSchema(schema);
    }

    /**
     * Waits until the agent has written a first row of {@code table}, for tests that must not act
     * during the agent's start: {@code agent_runs} is written after the last migration,
     * {@code memory_metrics} once the sampler (and the GC listeners installed with it) runs.
     */
    void awaitFirstRow(String table) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (db.queryLong("SELECT count(*) FROM pg_tables WHERE schemaname = ? AND tablename = ?", schema, table) == 0
                || db.queryLong("SELECT count(*) FROM " + schema + "." + table) == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the agent never wrote a row of " + table);
            }
            Thread.sleep(50);
        }
    }
}
