package io.memagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md's tables are the list of keys the agent accepts: each key once, with the
 * code's default, accepted values and meaning, and an example the key's own parser accepts.
 */
class ConfigurationDocTest {
    /** | `key` | default | accepted | `example` | meaning | */
    private static final Pattern ROW = Pattern.compile("^\\| `(memagent\\.[a-z.]+)` \\| ([^|]*) \\| ([^|]*) \\| `([^`]*)` \\| (.*) \\|$");

    @Test
    void everyColumnOfTheConfigurationTablesEqualsTheCode() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "docs", "configuration.md"));
        Map<String, String> documented = new LinkedHashMap<>();
        Map<String, String> examples = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith("| `memagent.")) {
                continue;
            }
            Matcher m = ROW.matcher(line);
            assertTrue(m.matches(), "a row of five columns (key, default, accepted, example, meaning): " + line);
            if (documented.put(m.group(1), row(m.group(2), m.group(3), m.group(5))) != null) {
                duplicates.add(m.group(1));
            }
            examples.put(m.group(1), m.group(4));
        }
        assertEquals(List.of(), duplicates, "each key in one table, once");
        Map<String, String> accepted = new LinkedHashMap<>();
        StringBuilder table = new StringBuilder();
        for (Property<?> p : Config.PROPERTIES) {
            String def = p.defaultValue() == null ? "none" : "`" + p.defaultValue() + "`";
            accepted.put(p.key(), row(def, p.accepted(), p.meaning()));
            table.append("| `").append(p.key()).append("` | ").append(def).append(" | ").append(p.accepted())
                    .append(" | `").append(examples.getOrDefault(p.key(), "EXAMPLE")).append("` | ").append(p.meaning())
                    .append(" |\n");
        }
        assertEquals(accepted, documented, "docs/configuration.md's tables must hold exactly these rows:\n" + table);
        for (Property<?> p : Config.PROPERTIES) {
            String example = examples.get(p.key());
            try {
                p.parse(example);
            } catch (ConfigException e) {
                fail("the example of " + p.key() + " is refused by the agent: " + e.getMessage());
            }
            assertTrue(p.defaultValue() == null || !example.equals(p.defaultValue()),
                    p.key() + ": an example shows a value other than the default");
        }
    }

    private static String row(String def, String accepted, String meaning) {
        return "default " + def.trim() + " | accepted " + accepted.trim() + " | meaning " + meaning.trim();
    }
}
