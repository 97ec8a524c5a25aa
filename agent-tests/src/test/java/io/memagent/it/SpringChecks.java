package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What holds for the Spring Boot test app wherever it runs (another servlet container, another
 * agent beside memagent): a short session of traffic, one call per request by route template, the
 * SQL as operations, and every steady {@code /measured} call equal to the app's own counter.
 */
final class SpringChecks {
    static final int MEASURED = 30;

    private SpringChecks() {
    }

    /** {@code MEASURED} measured calls, one order made and read. */
    static void traffic(SpringBootIT.Session s) throws Exception {
        for (int n = 1; n <= MEASURED; n++) {
            s.measured(n);
        }
        s.expect(200, s.send("POST", "/orders/o1?amount=100", SpringBootIT.POST_ORDER));
        s.expect(200, s.send("GET", "/orders/o1", SpringBootIT.GET_ORDER));
    }

    /** The agent's own lines, none a warning or an error. */
    static List<String> quietAgentLines(SpringBootIT.Session s) {
        List<String> agentLines = s.stderr.lines().filter(l -> l.startsWith("[memagent]")).toList();
        assertEquals(List.of(), agentLines.stream().filter(l -> l.startsWith("[memagent] WARN")
                || l.startsWith("[memagent] ERROR")).toList(), "no warning or error: " + agentLines);
        return agentLines;
    }

    static void assertAttributedAndExact(TestDatabase db, String schema, SpringBootIT.Session s) {
        // Requests and SQL statements: one call per request, by route template.
        for (Map.Entry<String, Long> sent : s.sentCounts().entrySet()) {
            assertEquals(sent.getValue(), SpringBootIT.callsOf(schema, sent.getKey()), sent.getKey());
        }
        assertEquals(1, SpringBootIT.callsOf(schema, "DB.INSERT.orders"), "SQL statements are operations too");
        // Every /measured call after its thread's first: the agent's row equals the app's own counter reading.
        Map<String, List<Long>> agentByThread = new HashMap<>();
        for (Map<String, Object> row : db.query("SELECT thread_name, allocated_bytes FROM " + schema
                + ".memory_allocations WHERE operation_type = 'OrderService.report'")) {
            agentByThread.computeIfAbsent((String) row.get("thread_name"), t -> new ArrayList<>())
                    .add(TestDatabase.n(row, "allocated_bytes"));
        }
        assertEquals(MEASURED, s.measured.size());
        assertEquals(MEASURED, agentByThread.values().stream().mapToInt(List::size).sum(), "one row per call");
        int compared = 0;
        List<String> mismatches = new ArrayList<>();
        for (JsonNode m : s.measured) {
            assertTrue(m.get("agent").asBoolean(), "the app found the agent: " + m);
            if (m.get("firstOnThread").asBoolean()) {
                continue;
            }
            compared++;
            List<Long> rows = agentByThread.get(m.get("thread").asText());
            if (rows == null || !rows.remove((Long) m.get("appBytes").asLong())) {
                mismatches.add(m + " vs rows " + rows);
            }
        }
        assertEquals(List.of(), mismatches, "steady calls whose bytes differ from the app's own counter");
        assertTrue(compared >= 10, "compared " + compared + " of " + MEASURED);
    }
}
