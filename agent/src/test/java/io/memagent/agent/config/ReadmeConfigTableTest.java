package io.memagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's configuration table is the list of keys the agent accepts, with the same defaults. */
class ReadmeConfigTableTest {
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `(memagent\\.[a-z.]+)` \\| ([^|]*) \\|");

    @Test
    void readmeTableEqualsWhatTheCodeAccepts() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Map<String, String> documented = new LinkedHashMap<>();
        Matcher m = ROW.matcher(readme);
        while (m.find()) {
            documented.put(m.group(1), m.group(2).trim());
        }
        Map<String, String> accepted = new LinkedHashMap<>();
        StringBuilder table = new StringBuilder();
        for (Property p : Config.PROPERTIES) {
            String def = p.defaultValue() == null ? "none" : "`" + p.defaultValue() + "`";
            accepted.put(p.key(), def);
            table.append("| `").append(p.key()).append("` | ").append(def).append(" | ").append(p.accepted())
                    .append(" | ").append(p.meaning()).append(" |\n");
        }
        assertEquals(accepted, documented, "README.md's configuration table must list exactly these rows:\n" + table);
    }
}
