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
        // The first call is what it costs without the agent (class loading is the app's), but for the JVM
        // linking the woven code's references to the agent on first execution: measured 704 B here.
        long plain = without.value("call1.raw");
        assertTrue(first >= plain && first - plain <= 1024, "first call " + first + " B with the agent, " + plain
                + " B without\n" + with + "\n" + without);

        // Reported apart: in agent_runs, at least this thread's share.
        long overhead = db.queryLong("SELECT agent_overhead_bytes FROM " + schema + ".agent_runs");
        assertTrue(overhead >= agentInFirst, overhead + " < " + agentInFirst);
        assertTrue(db.queryLong("SELECT agent_overhead_ns FROM " + schema + ".agent_runs") > 0);
        assertTrue(with.stderr().contains("; agent overhead on app threads: "), with.stderr());
    }
}
