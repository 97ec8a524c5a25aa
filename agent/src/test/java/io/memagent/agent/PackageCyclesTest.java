package io.memagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The agent's packages follow the data (config -> instrument -> aggregate -> detect -> store, http,
 * report; util below all, the wiring in runtime above all): no package may depend, directly or
 * through others, on one that depends on it. Read from the sources: every reference to another
 * {@code io.memagent.agent} package, imported or fully qualified.
 */
class PackageCyclesTest {
    private static final Path SOURCES = Path.of("src/main/java/io/memagent/agent");
    private static final Pattern REFERENCE = Pattern.compile("io\\.memagent\\.agent((?:\\.[a-z]\\w*)*)\\.[A-Z]");

    @Test
    void noPackageCycle() throws IOException {
        Map<String, Set<String>> uses = dependencies();
        assertTrue(uses.size() >= 10, "packages found: " + uses.keySet());
        List<List<String>> cycles = new ArrayList<>();
        for (String p : uses.keySet()) {
            List<String> path = cycleThrough(p, uses);
            if (path != null && path.get(0).equals(minimum(path))) {
                cycles.add(path); // each cycle once, from its first package by name
            }
        }
        assertEquals(List.of(), cycles, "package cycles (each package uses the next, the last the first)");
    }

    /**
     * Components get the values they need ({@code runtime.Settings} builds their small records), not the
     * whole configuration: only the wiring reads {@code Config} or {@code Keys}. Value types parsed by the
     * configuration ({@code MethodPattern}) may travel.
     */
    @Test
    void onlyTheWiringReadsTheConfiguration() throws IOException {
        Pattern configType = Pattern.compile("io\\.memagent\\.agent\\.config\\.(Config|Keys|ConfigSources|Property)\\b");
        List<String> readers = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : (Iterable<Path>) files.filter(x -> x.toString().endsWith(".java"))::iterator) {
                String pkg = SOURCES.relativize(f.getParent()).toString();
                if (!pkg.equals("config") && !pkg.equals("runtime") && configType.matcher(Files.readString(f)).find()) {
                    readers.add(SOURCES.relativize(f).toString());
                }
            }
        }
        assertEquals(List.of(), readers, "classes outside runtime that read the configuration");
        assertTrue(configType.matcher("import io.memagent.agent.config.Config;").find(), "the pattern finds an import");
    }

    @Test
    void aCycleIsFound() {
        Map<String, Set<String>> uses = new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"),
                "d", Set.of("a")));
        assertEquals(List.of("a", "b", "c"), cycleThrough("a", uses));
        assertEquals(null, cycleThrough("d", uses));
    }

    /** Package (relative, "" for the root) to the packages its classes refer to. */
    private static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : (Iterable<Path>) files.filter(x -> x.toString().endsWith(".java"))::iterator) {
                String pkg = SOURCES.relativize(f.getParent()).toString().replace('/', '.');
                Set<String> set = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(f));
                while (m.find()) {
                    String target = m.group(1).isEmpty() ? "" : m.group(1).substring(1);
                    if (!target.equals(pkg)) {
                        set.add(target);
                    }
                }
            }
        }
        return uses;
    }

    /** A shortest path from {@code start} back to itself, or null. */
    static List<String> cycleThrough(String start, Map<String, Set<String>> uses) {
        Map<String, String> cameFrom = new TreeMap<>();
        List<String> frontier = new ArrayList<>(List.of(start));
        while (!frontier.isEmpty()) {
            List<String> next = new ArrayList<>();
            for (String p : frontier) {
                for (String q : uses.getOrDefault(p, Set.of())) {
                    if (q.equals(start)) {
                        List<String> path = new ArrayList<>();
                        for (String x = p; x != null; x = cameFrom.get(x)) {
                            path.add(0, x);
                        }
                        return path;
                    }
                    if (!cameFrom.containsKey(q)) {
                        cameFrom.put(q, p);
                        next.add(q);
                    }
                }
            }
            frontier = next;
        }
        return null;
    }

    private static String minimum(List<String> path) {
        return path.stream().min(String::compareTo).orElseThrow();
    }
}
