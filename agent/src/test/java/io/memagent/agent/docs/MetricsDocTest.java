package io.memagent.agent.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.agent.store.WriterStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/http-api.md's table of Prometheus series names exactly the metric families {@code /metrics}
 * can emit (every name the exposition code writes), and every reason a row can be dropped for.
 */
class MetricsDocTest {
    private static final Pattern NAME = Pattern.compile("memagent_[a-z_]+");

    @Test
    void theSeriesTableNamesEveryMetricFamilyAndNoOther() throws IOException {
        String code = Files.readString(Path.of("src", "main", "java", "io", "memagent", "agent", "http",
                "PrometheusText.java"));
        Set<String> emitted = new TreeSet<>();
        Matcher m = Pattern.compile("\"(memagent_[a-z_]+)\"").matcher(code);
        while (m.find()) {
            String name = m.group(1);
            if (!name.endsWith("_sum") && !name.endsWith("_count")) { // a summary's own series
                emitted.add(name);
            }
        }
        assertTrue(emitted.size() >= 40, "the scan finds the families: " + emitted);
        Set<String> documented = new TreeSet<>();
        for (String line : seriesTable()) {
            Matcher n = NAME.matcher(line.substring(0, line.indexOf(" | ")));
            while (n.find()) {
                documented.add(n.group());
            }
        }
        assertEquals(emitted, documented, "docs/http-api.md's series table, first column");
    }

    @Test
    void everyDropReasonIsListed() throws IOException {
        String row = seriesTable().stream().filter(l -> l.startsWith("| `memagent_writer_rows_dropped_total`"))
                .findFirst().orElseThrow();
        Set<String> listed = new TreeSet<>();
        String labels = row.substring(row.lastIndexOf(" | "));
        Matcher r = Pattern.compile("`([a-z_]+)`").matcher(labels.substring(labels.indexOf('(')));
        while (r.find()) {
            listed.add(r.group(1));
        }
        assertEquals(new TreeSet<>(WriterStats.REASONS), listed);
    }

    /** The rows of the table under "Series:", those naming a memagent_ family. */
    private static List<String> seriesTable() throws IOException {
        return Files.readAllLines(Path.of("..", "docs", "http-api.md")).stream()
                .filter(l -> l.startsWith("| `memagent_")).toList();
    }
}
