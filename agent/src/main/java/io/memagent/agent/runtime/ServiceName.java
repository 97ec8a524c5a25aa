package io.memagent.agent.runtime;

import io.memagent.agent.util.ProcessId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * The service name every row carries, and where it came from (the start line says which). The
 * first that is set wins:
 * <ol>
 * <li>{@code memagent.service.name}, from any of its sources (agent argument, system property,
 * {@code MEMAGENT_SERVICE_NAME}, the properties file);</li>
 * <li>{@code otel.service.name} (system property), then {@code OTEL_SERVICE_NAME}, which teams running
 * OpenTelemetry already set, then {@code service.name} in {@code otel.resource.attributes} or
 * {@code OTEL_RESOURCE_ATTRIBUTES} (OpenTelemetry's own order);</li>
 * <li>{@code spring.application.name}: the system property, {@code SPRING_APPLICATION_NAME}, then the
 * application's own {@code application.properties} or {@code application.yml} (inside a Spring Boot
 * fat jar under {@code BOOT-INF/classes/}, else at the root of the launched jar);</li>
 * <li>the launched jar's manifest {@code Implementation-Title};</li>
 * <li>the launched jar's file name without {@code .jar}, or the main class's simple name;</li>
 * <li>{@code jvm-<pid>}.</li>
 * </ol>
 * A value holding a {@code ${...}} placeholder is skipped: the agent does not resolve Spring's
 * placeholders, and a literal placeholder would be a poor name. Profiles' own files
 * ({@code application-prod.yml}) are not read. Reading the jar costs one open and at most three
 * small entries, on the thread that starts the agent.
 *
 * @param name   the service name
 * @param source where it came from, as the start line prints it
 */
record ServiceName(String name, String source) {
    private static final String BOOT_CLASSES = "BOOT-INF/classes/";

    /** From this JVM's system properties, environment and launch command. */
    static ServiceName resolve(String configured) {
        String command = System.getProperty("sun.java.command", "");
        // The process id only names a JVM without a command line.
        return resolve(configured, SYSTEM_PROPERTIES, ENVIRONMENT, command,
                command == null || command.isBlank() ? ProcessId.current() : -1);
    }

    // Classes, not method references: this runs on premain's thread, where the JDK would generate one per reference.
    private static final UnaryOperator<String> SYSTEM_PROPERTIES = new UnaryOperator<String>() {
        @Override
        public String apply(String key) {
            return System.getProperty(key);
        }
    };
    private static final UnaryOperator<String> ENVIRONMENT = new UnaryOperator<String>() {
        @Override
        public String apply(String key) {
            return System.getenv(key);
        }
    };

    static ServiceName resolve(String configured, UnaryOperator<String> props, UnaryOperator<String> env, String command,
                               long pid) {
        if (usable(configured)) {
            return new ServiceName(configured.trim(), "memagent.service.name");
        }
        for (String[] source : List.of(new String[] {"otel.service.name", props.apply("otel.service.name")},
                new String[] {"OTEL_SERVICE_NAME", env.apply("OTEL_SERVICE_NAME")},
                new String[] {"otel.resource.attributes", resourceServiceName(props.apply("otel.resource.attributes"))},
                new String[] {"OTEL_RESOURCE_ATTRIBUTES", resourceServiceName(env.apply("OTEL_RESOURCE_ATTRIBUTES"))},
                new String[] {"spring.application.name", props.apply("spring.application.name")},
                new String[] {"SPRING_APPLICATION_NAME", env.apply("SPRING_APPLICATION_NAME")})) {
            if (usable(source[1])) {
                return new ServiceName(source[1].trim(), source[0]);
            }
        }
        String trimmed = command == null ? "" : command.trim();
        String first = firstWord(trimmed);
        if (first.endsWith(".jar")) {
            Path jar = Path.of(first);
            ServiceName fromJar = fromJar(jar);
            if (fromJar != null) {
                return fromJar;
            }
            String file = jar.getFileName().toString();
            return new ServiceName(file.substring(0, file.length() - 4), "the jar's file name");
        }
        if (!first.isEmpty()) {
            return new ServiceName(first.substring(first.lastIndexOf('.') + 1), "the main class");
        }
        return new ServiceName("jvm-" + pid, "the process id");
    }

    /**
     * The command line's first word (the main class or jar), up to the first whitespace as {@code \s} means it; a
     * scan, not a regular expression: this runs at every start, on premain's thread.
     */
    static String firstWord(String command) {
        int end = 0;
        while (end < command.length() && " \t\n\u000B\f\r".indexOf(command.charAt(end)) < 0) {
            end++;
        }
        return command.substring(0, end);
    }

    /** {@code service.name} of OpenTelemetry's {@code key=value,key=value} resource attributes, or null. */
    static String resourceServiceName(String attributes) {
        if (attributes == null) {
            return null;
        }
        for (String pair : attributes.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equals("service.name")) {
                return java.net.URLDecoder.decode(pair.substring(eq + 1).trim(), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static boolean usable(String value) {
        return value != null && !value.isBlank() && !value.contains("${");
    }

    /** {@code spring.application.name} from the jar's own configuration, else its Implementation-Title. */
    static ServiceName fromJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            return null;
        }
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            for (String prefix : new String[] {BOOT_CLASSES, ""}) {
                String name = springName(file, prefix);
                if (name != null) {
                    return new ServiceName(name, "spring.application.name in " + jar.getFileName() + "!/" + prefix
                            + "application.*");
                }
            }
            Attributes main = file.getManifest() == null ? null : file.getManifest().getMainAttributes();
            String title = main == null ? null : main.getValue(Attributes.Name.IMPLEMENTATION_TITLE);
            return usable(title) ? new ServiceName(title.trim(), "the jar's Implementation-Title") : null;
        } catch (IOException | RuntimeException e) {
            return null; // not a readable jar: the file name still names it
        }
    }

    private static String springName(JarFile jar, String prefix) throws IOException {
        ZipEntry properties = jar.getEntry(prefix + "application.properties");
        if (properties != null) {
            try (InputStream in = jar.getInputStream(properties)) {
                Properties p = new Properties();
                p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                String name = p.getProperty("spring.application.name");
                if (usable(name)) {
                    return name.trim();
                }
            }
        }
        for (String yml : new String[] {"application.yml", "application.yaml"}) {
            ZipEntry entry = jar.getEntry(prefix + yml);
            if (entry != null) {
                try (InputStream in = jar.getInputStream(entry)) {
                    String name = yamlValue(new String(in.readNBytes(256 * 1024), StandardCharsets.UTF_8),
                            "spring.application.name");
                    if (usable(name)) {
                        return name;
                    }
                }
            }
        }
        return null;
    }

    /**
     * One scalar of a YAML document by its dotted path, written nested ({@code spring:} /
     * {@code application:} / {@code name: orders}) or flat ({@code spring.application.name: orders}),
     * from the first document only. Enough for this one key; not a YAML parser.
     */
    static String yamlValue(String yaml, String dottedKey) {
        List<String> path = new ArrayList<>(); // keys of the open mappings
        List<Integer> indents = new ArrayList<>();
        boolean started = false;
        for (String raw : yaml.split("\r?\n")) {
            String line = stripComment(raw);
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("---") || line.startsWith("...")) {
                if (started) {
                    return null; // the first document had no such key
                }
                continue;
            }
            started = true;
            int indent = line.length() - line.stripLeading().length();
            String content = line.strip();
            int colon = content.indexOf(':');
            if (colon <= 0 || content.startsWith("-")) {
                continue;
            }
            while (!indents.isEmpty() && indents.get(indents.size() - 1) >= indent) {
                indents.remove(indents.size() - 1);
                path.remove(path.size() - 1);
            }
            String key = unquote(content.substring(0, colon).strip());
            String value = content.substring(colon + 1).strip();
            String full = path.isEmpty() ? key : String.join(".", path) + "." + key;
            if (value.isEmpty()) {
                path.add(key);
                indents.add(indent);
            } else if (full.equals(dottedKey)) {
                return unquote(value);
            }
        }
        return null;
    }

    private static String stripComment(String line) {
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single) {
                dbl = !dbl;
            } else if (c == '#' && !single && !dbl && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.charAt(0) == '"' || s.charAt(0) == '\'') && s.charAt(s.length() - 1) == s.charAt(0)) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }
}
