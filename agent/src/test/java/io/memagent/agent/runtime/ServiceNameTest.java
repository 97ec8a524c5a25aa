package io.memagent.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service name's sources, each in its place in the order, and the start line's name for each. */
class ServiceNameTest {
    private final Map<String, String> props = new HashMap<>();
    private final Map<String, String> env = new HashMap<>();

    private ServiceName resolve(String configured, String command) {
        return ServiceName.resolve(configured, props::get, env::get, command, 4242);
    }

    @Test
    void theCommandsFirstWordEndsAtAnyWhitespace() {
        assertEquals("app.jar", ServiceName.firstWord("app.jar --port 8080"));
        assertEquals("com.example.Main", ServiceName.firstWord("com.example.Main\targ"));
        assertEquals("a", ServiceName.firstWord("a\u000Bb"));
        assertEquals("a", ServiceName.firstWord("a\r\nb"));
        assertEquals("single", ServiceName.firstWord("single"));
        assertEquals("", ServiceName.firstWord(""));
    }

    @Test
    void eachSourceWinsOverEveryLaterOne(@TempDir Path dir) throws IOException {
        Path jar = fatJar(dir.resolve("orders-1.4.jar"), "spring:\n  application:\n    name: orders-from-yaml\n", "Orders Title");
        String command = jar + " --server.port=8080";
        props.put("otel.service.name", "orders-otel-prop");
        env.put("OTEL_SERVICE_NAME", "orders-otel-env");
        env.put("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod,service.name=orders-otel-resource");
        props.put("spring.application.name", "orders-spring-prop");
        env.put("SPRING_APPLICATION_NAME", "orders-spring-env");

        assertEquals(new ServiceName("orders-memagent", "memagent.service.name"), resolve("orders-memagent", command));
        assertEquals(new ServiceName("orders-otel-prop", "otel.service.name"), resolve(null, command));
        props.remove("otel.service.name");
        assertEquals(new ServiceName("orders-otel-env", "OTEL_SERVICE_NAME"), resolve(null, command));
        env.remove("OTEL_SERVICE_NAME");
        assertEquals(new ServiceName("orders-otel-resource", "OTEL_RESOURCE_ATTRIBUTES"), resolve(null, command));
        env.remove("OTEL_RESOURCE_ATTRIBUTES");
        assertEquals(new ServiceName("orders-spring-prop", "spring.application.name"), resolve(null, command));
        props.remove("spring.application.name");
        assertEquals(new ServiceName("orders-spring-env", "SPRING_APPLICATION_NAME"), resolve(null, command));
        env.remove("SPRING_APPLICATION_NAME");
        assertEquals(new ServiceName("orders-from-yaml",
                "spring.application.name in orders-1.4.jar!/BOOT-INF/classes/application.*"), resolve(null, command));

        Path titled = fatJar(dir.resolve("billing-2.0.jar"), null, "Billing Service");
        assertEquals(new ServiceName("Billing Service", "the jar's Implementation-Title"), resolve(null, titled.toString()));
        Path plain = fatJar(dir.resolve("billing-3.0.jar"), null, null);
        assertEquals(new ServiceName("billing-3.0", "the jar's file name"), resolve(null, plain.toString()));
        assertEquals(new ServiceName("Main", "the main class"), resolve(null, "com.acme.billing.Main arg"));
        assertEquals(new ServiceName("jvm-4242", "the process id"), resolve(null, ""));
    }

    @Test
    void blanksAndUnresolvedPlaceholdersAreSkipped() {
        props.put("otel.service.name", "  ");
        env.put("OTEL_SERVICE_NAME", "${SERVICE}");
        props.put("spring.application.name", "payments");
        assertEquals(new ServiceName("payments", "spring.application.name"), resolve("", "com.acme.Main"));
    }

    @Test
    void applicationPropertiesAtTheJarRootNameAPlainJar(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("inventory.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), new Manifest())) {
            entry(out, "application.properties", "server.port=8081\nspring.application.name = inventory\n");
        }
        assertEquals(new ServiceName("inventory", "spring.application.name in inventory.jar!/application.*"),
                resolve(null, jar.toString()));
    }

    @Test
    void yamlValueReadsNestedAndFlatKeysOfTheFirstDocumentOnly() {
        assertEquals("orders", ServiceName.yamlValue("server:\n  port: 8080\nspring:\n  datasource:\n    url: x\n"
                + "  application:\n    name: \"orders\" # the service\n", "spring.application.name"));
        assertEquals("orders", ServiceName.yamlValue("spring.application.name: 'orders'\n", "spring.application.name"));
        assertEquals("orders", ServiceName.yamlValue("spring:\n  application.name: orders\n", "spring.application.name"));
        assertNull(ServiceName.yamlValue("spring:\n  application:\n    title: x\nname: y\n", "spring.application.name"));
        assertNull(ServiceName.yamlValue("a: 1\n---\nspring:\n  application:\n    name: profile\n",
                "spring.application.name"));
        assertEquals("a#b", ServiceName.yamlValue("spring:\n  application:\n    name: a#b\n", "spring.application.name"));
    }

    private static Path fatJar(Path jar, String applicationYml, String title) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (title != null) {
            m.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_TITLE, title);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
            entry(out, "BOOT-INF/classes/application.properties", "server.port=8080\n");
            if (applicationYml != null) {
                entry(out, "BOOT-INF/classes/application.yml", applicationYml);
            }
        }
        return jar;
    }

    private static void entry(JarOutputStream out, String name, String text) throws IOException {
        out.putNextEntry(new JarEntry(name));
        OutputStream o = out;
        o.write(text.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }
}
