package io.memagent.agent.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every warning and error line the agent can print is in docs/troubleshooting.md: for each call of
 * {@code AgentLog.warn/error/warnAtMostEvery/errorAtMostEvery/once} in the agent's sources, the
 * longest fixed piece of its message (a string literal; the rest are values the line fills in) must
 * appear in the page word for word.
 */
class TroubleshootingDocTest {
    @Test
    void everyWarningAndErrorTheAgentPrintsIsExplained() throws IOException {
        String page = Files.readString(Path.of("..", "docs", "troubleshooting.md"));
        List<LogCall> calls = LogCalls.in(Path.of("src", "main", "java"), "warn", "error", "warnAtMostEvery",
                "errorAtMostEvery", "once");
        assertTrue(calls.size() >= 40, "the scan finds the agent's log calls: " + calls.size());
        List<String> missing = new ArrayList<>();
        for (LogCall c : calls) {
            String fixed = c.longestLiteral();
            if (c.where().startsWith("io/memagent/agent/store/DriverLog.java")) {
                fixed = "WARN pgjdbc: "; // the driver's own message after it, built a line before the call
            }
            if (fixed.length() < 12) {
                missing.add(c + " (its fixed text is too short to find; give the message more words)");
            } else if (!page.contains(fixed)) {
                missing.add(c + ": \"" + fixed + "\"");
            }
        }
        assertEquals(List.of(), missing, "lines the agent prints that docs/troubleshooting.md does not explain");
    }
}
