package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus alert rules (deploy/prometheus): promtool accepts them, and their unit tests pass,
 * with a firing case for every alert. (That every metric they read is one the agent serves is
 * checked against a real /metrics in {@link GrafanaDashboardIT}.) promtool comes with the Debian
 * package prometheus; without it the tests are skipped, except with {@code CI=true}.
 */
class AlertRulesIT {
    static final Path DIR = DeploymentIT.ROOT.resolve("deploy/prometheus");
    static final Path RULES = DIR.resolve("memagent-alerts.yml");
    static final Path TESTS = DIR.resolve("memagent-alerts.test.yml");

    @BeforeAll
    static void promtoolIsInstalled() throws Exception {
        try {
            ExternalTool.run(List.of("promtool", "--version"), 60);
        } catch (IOException e) {
            String why = "promtool is not installed (Debian package prometheus): " + e.getMessage();
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why, e);
            }
            Assumptions.abort(why);
        }
    }

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        ExternalTool.Output r = ExternalTool.run(List.of("promtool", "check", "rules", RULES.toString()), 60);
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("SUCCESS: " + alerts().size() + " rules found"), r.stdout() + r.stderr());
    }

    @Test
    void everyAlertsUnitTestsPass() throws Exception {
        ExternalTool.Output r = ExternalTool.run(DIR, List.of("promtool", "test", "rules", TESTS.getFileName().toString()), 60);
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("SUCCESS"), r.stdout() + r.stderr());

        // Each alert has a test in which it fires, and one in which it stays quiet.
        JsonNode tests = new ObjectMapper(new YAMLFactory()).readTree(TESTS.toFile());
        assertEquals("memagent-alerts.yml", tests.at("/rule_files/0").asText());
        Set<String> fires = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        for (JsonNode test : tests.get("tests")) {
            for (JsonNode check : test.get("alert_rule_test")) {
                (check.get("exp_alerts").isEmpty() ? quiet : fires).add(check.get("alertname").asText());
            }
        }
        assertEquals(alerts(), fires, "alerts with a test where they fire");
        assertEquals(alerts(), quiet, "alerts with a test where they do not");
    }

    static Set<String> alerts() throws IOException {
        Set<String> names = new TreeSet<>();
        for (JsonNode group : new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile()).get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                names.add(rule.get("alert").asText());
            }
        }
        assertEquals(10, names.size(), names.toString());
        return names;
    }
}
