package io.memagent.it;

import static io.memagent.it.TestDatabase.n;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.AgentOverheadApp;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent's bytes are the agent's: weaving a class that app code loads inside an open profiled
 * call happens on the app's thread, and is taken off that call and reported as agent overhead.
 * The app's own counter = profiled bytes + agent overhead.
 */
class AgentOverheadIT extends SchemaPerTest {
    @Test
    void weavingInsideAnOpenCallIsTheAgentsAndReportedApart() throws Exception {
        AppRun.Result with = AppRun.main(AgentOverheadApp.class).database(db, schema, "overhead").run().assertOk();
        AppRun.Result without = AppRun.main(AgentOverheadApp.class).withoutAgent().run().assertOk();

        Map<String, Object> handle = db.operationFigures(schema, "AgentOverheadApp.handle", with);
        assertEquals(2, n(handle, "calls"));
        long first = with.value("call1.app");
        long second = with.value("call2.app");
        // Each call, the first included, is what the app itself saw, less the agent's own bytes.
        assertEquals(first + second, n(handle, "total"), with.toString());
        assertEquals(Math.max(first, second), n(handle, "max"));
        assertEquals(Math.min(first, second), n(handle, "min"));
        // The first call carried the weaving of LazilyWoven: tens of KB the raw counter saw and the call did not.
        long agentInFirst = with.value("call1.raw") - first;
        assertTrue(agentInFirst > 10_000, "weaving on the app thread: " + agentInFirst + " bytes\n" + with);
        // The first call is what it costs without the agent (class loading is the app's). Not to the byte:
        // JDK classes the agent already loaded and initialized are not loaded again inside it (32 B less
        // on JDK 17 and 25 here).
        long plain = without.value("call1.raw");
        assertTrue(Math.abs(first - plain) <= 256, "first call " + first + " B with the agent, " + plain
                + " B without\n" + with + "\n" + without);

        // Defining 500 classes costs the app the same with the agent as without, to the byte: the JVM's
        // copy of each class file and its name, made to hand the class to any agent, is the agent's.
        assertEquals(without.value("define2.app"), with.value("define2.app"), with + "\n" + without);
        Map<String, Object> define = db.operationFigures(schema, "AgentOverheadApp.defineAll", with);
        assertEquals(with.value("define2.app"), n(define, "min"), "the second round's call, as the app saw it");

        // Reported apart: in agent_runs, at least this thread's share.
        long overhead = db.queryLong("SELECT agent_overhead_bytes FROM " + schema + ".agent_runs");
        assertTrue(overhead >= agentInFirst, overhead + " < " + agentInFirst);
        assertTrue(db.queryLong("SELECT agent_overhead_ns FROM " + schema + ".agent_runs") > 0);
        assertTrue(with.stderr().contains("; agent overhead on app threads: "), with.stderr());
    }
}
