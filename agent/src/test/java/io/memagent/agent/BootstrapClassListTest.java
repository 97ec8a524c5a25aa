package io.memagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The agent jar's bootstrap classes are read by the names in {@code io/memagent/bootstrap/classes.txt}: the list
 * must name every class of the agent-bootstrap module (a class left out would be missing from the boot loader, and
 * the agent would fail at start), and each class after its superclass and interfaces, so they are defined in one pass.
 */
class BootstrapClassListTest {
    private static final Path CLASSES = Path.of("../agent-bootstrap/target/classes/io/memagent/bootstrap");

    @Test
    void theListNamesEveryBootstrapClassOnceSupertypesFirst() throws IOException, ClassNotFoundException {
        List<String> listed;
        try (InputStream in = MemAgent.class.getClassLoader().getResourceAsStream(MemAgent.CLASS_LIST)) {
            assertNotNull(in, MemAgent.CLASS_LIST);
            listed = MemAgent.classList(in.readAllBytes());
        }
        TreeSet<String> compiled = new TreeSet<>();
        try (Stream<Path> files = Files.list(CLASSES)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class"))
                    .forEach(n -> compiled.add(n.substring(0, n.length() - ".class".length())));
        }
        assertTrue(compiled.size() > 20, "the bootstrap classes at " + CLASSES.toAbsolutePath() + ": " + compiled);
        assertEquals(listed.size(), new TreeSet<>(listed).size(), "a class listed twice: " + listed);
        assertEquals(compiled, new TreeSet<>(listed), "agent-bootstrap/src/main/resources/" + MemAgent.CLASS_LIST
                + " must list exactly the module's classes");
        List<String> before = new ArrayList<>();
        for (String name : listed) {
            Class<?> c = Class.forName("io.memagent.bootstrap." + name, false, getClass().getClassLoader());
            List<Class<?>> supertypes = new ArrayList<>(List.of(c.getInterfaces()));
            if (c.getSuperclass() != null) {
                supertypes.add(c.getSuperclass());
            }
            for (Class<?> s : supertypes) {
                if (s.getName().startsWith("io.memagent.bootstrap.")) {
                    assertTrue(before.contains(s.getName().substring("io.memagent.bootstrap.".length())),
                            name + " is listed before its supertype " + s.getName());
                }
            }
            before.add(name);
        }
    }

    /** premain reads the class filter's probe from the jar by this name: it must be the probe's class file. */
    @Test
    void theFilterProbeIsReadByItsClassFileName() throws IOException {
        try (InputStream in = MemAgent.class.getClassLoader().getResourceAsStream(MemAgent.FILTER_PROBE)) {
            assertNotNull(in, MemAgent.FILTER_PROBE);
            byte[] b = in.readAllBytes();
            assertEquals(0xCAFEBABE, ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff));
        }
        assertEquals(MemAgent.FILTER_PROBE, io.memagent.agent.instrument.FilterPreload.class.getPackageName()
                .replace('.', '/') + "/TransformerProbe.class");
    }
}
