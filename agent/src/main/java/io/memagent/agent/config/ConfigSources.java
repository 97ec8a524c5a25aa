package io.memagent.agent.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where {@code memagent.*} values come from, as raw text, before any is parsed: system properties
 * (agent arguments count as system properties) &gt; environment variables
 * ({@code memagent.jdbc.url} -&gt; {@code MEMAGENT_JDBC_URL}) &gt; the properties file named by
 * {@code memagent.config.file}. An unknown {@code memagent.*} key in a system property, agent
 * argument or the file is an error (a typo must not silently fall back to a default), with the
 * nearest known key suggested; environment variables are only read for known keys, because the
 * environment is shared with other tools.
 */
final class ConfigSources {
    private final Map<String, String> raw;
    private final Map<String, String> sources;

    private ConfigSources(Map<String, String> raw, Map<String, String> sources) {
        this.raw = raw;
        this.sources = sources;
    }

    /** @param agentArgs {@code key=value,key=value}; keys may omit the {@code memagent.} prefix */
    static ConfigSources read(String agentArgs, Properties systemProperties, Map<String, String> env,
                              Map<String, Property<?>> known) throws ConfigException {
        Map<String, String> sys = new TreeMap<>();
        for (String name : systemProperties.stringPropertyNames()) {
            if (name.startsWith("memagent.")) {
                sys.put(name, systemProperties.getProperty(name));
            }
        }
        for (Map.Entry<String, String> e : parseAgentArgs(agentArgs).entrySet()) {
            sys.putIfAbsent(e.getKey(), e.getValue()); // an explicit -D wins over the same agent argument
        }
        for (String key : sys.keySet()) {
            requireKnown(key, "system property or agent argument", known);
        }
        Map<String, String> raw = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        String fileKey = Keys.CONFIG_FILE.key();
        String fileName = sys.containsKey(fileKey) ? sys.get(fileKey) : env.get(envName(fileKey));
        if (fileName != null && !fileName.trim().isEmpty()) {
            Properties file = readFile(fileName.trim());
            for (String name : file.stringPropertyNames()) {
                requireKnown(name, "file " + fileName, known);
                raw.put(name, file.getProperty(name));
                sources.put(name, "file");
            }
        }
        for (String key : known.keySet()) {
            String v = env.get(envName(key));
            if (v != null) {
                raw.put(key, v);
                sources.put(key, "env");
            }
        }
        for (Map.Entry<String, String> e : sys.entrySet()) {
            raw.put(e.getKey(), e.getValue());
            sources.put(e.getKey(), "system");
        }
        return new ConfigSources(raw, sources);
    }

    /** The raw text of a key from the strongest source that has it, or null. */
    String raw(String key) {
        return raw.get(key);
    }

    /** Where each key's value came from: system, env or file ("default" is added by the caller). */
    Map<String, String> sources() {
        return Collections.unmodifiableMap(sources);
    }

    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    private static void requireKnown(String key, String where, Map<String, Property<?>> known)
            throws ConfigException {
        if (!known.containsKey(key)) {
            // The value is never shown: a misspelled secret key (memagent.jdbc.pasword) holds a secret.
            String near = NearestKey.of(key, known.keySet());
            String expected = "expected one of " + String.join(", ", known.keySet());
            throw new ConfigException("unknown key " + key + " (" + where + "): "
                    + (near == null ? expected : "did you mean " + near + "? (" + expected + ")"));
        }
    }

    private static Map<String, String> parseAgentArgs(String agentArgs) throws ConfigException {
        Map<String, String> out = new LinkedHashMap<>();
        if (agentArgs == null || agentArgs.trim().isEmpty()) {
            return out;
        }
        for (String part : agentArgs.split(",")) {
            if (part.trim().isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("agent argument " + Property.show(part)
                        + " is not valid: expected key=value pairs separated by ',', e.g. -javaagent:memagent.jar=http.port=0,stats.interval.ms=5000");
            }
            String key = part.substring(0, eq).trim();
            if (!key.startsWith("memagent.")) {
                key = "memagent." + key;
            }
            out.put(key, part.substring(eq + 1));
        }
        return out;
    }

    private static Properties readFile(String name) throws ConfigException {
        Path path = Paths.get(name);
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            props.load(r);
        } catch (IOException e) {
            throw new ConfigException(Keys.CONFIG_FILE.key() + " = '" + name + "' cannot be read ("
                    + e.getClass().getSimpleName() + "): expected a readable properties file");
        }
        return props;
    }
}
