package io.memagent.agent.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The agent's configuration: every {@code memagent.*} key, validated once at start, immutable.
 *
 * <p>Precedence: system property (agent arguments count as system properties) &gt;
 * environment variable ({@code memagent.jdbc.url} -&gt; {@code MEMAGENT_JDBC_URL}) &gt; the
 * properties file named by {@code memagent.config.file} &gt; default. An unknown
 * {@code memagent.*} key in a system property, agent argument or the file is an error (a typo
 * must not silently fall back to a default); environment variables are only read for known keys,
 * because the environment is shared with other tools.
 */
public final class Config {
    public static final List<Property> PROPERTIES;
    private static final Map<String, Property> BY_KEY;
    private static final String CONFIG_FILE = "memagent.config.file";

    static {
        List<Property> p = new ArrayList<>();
        p.add(Property.bool("memagent.enabled", true, "master switch"));
        p.add(Property.text("memagent.config.file", null, "properties file with more memagent.* keys (lowest precedence but defaults)", false));
        p.add(Property.text("memagent.service.name", null, "`service_name` in every row; default: the main class or jar name", false));
        p.add(Property.matching("memagent.jdbc.url", null, Pattern.compile("jdbc:postgresql:\\S+"),
                "a PostgreSQL JDBC URL starting with jdbc:postgresql:", "PostgreSQL JDBC URL; none = in-memory mode"));
        p.add(Property.text("memagent.jdbc.user", null, "database user", false));
        p.add(Property.text("memagent.jdbc.password", null, "database password (never logged or stored)", true));
        p.add(Property.matching("memagent.db.schema", "public", Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}"),
                "a PostgreSQL identifier: a letter or '_' then up to 62 letters, digits or '_'", "schema for all tables (created if missing)"));
        p.add(Property.bool("memagent.db.migrate", true, "apply migrations at start (safe with many JVMs at once)"));
        p.add(Property.longRange("memagent.stats.interval.ms", 10_000L, 100, 86_400_000, "width of a per-method statistics bucket"));
        p.add(Property.longRange("memagent.flush.interval.ms", 1_000L, 10, 3_600_000, "how often the writer sends a batch"));
        p.add(Property.longRange("memagent.calls.min.bytes", 1_048_576L, 0, Long.MAX_VALUE / 2,
                "a call allocating at least this gets its own row in `memory_allocations`"));
        p.add(Property.longRange("memagent.queue.capacity", 100_000L, 100, 10_000_000,
                "records held while the database is slow or down; beyond it, records are dropped and counted"));
        p.add(Property.longRange("memagent.shutdown.timeout.ms", 5_000L, 0, 600_000,
                "at JVM exit, how long the agent may spend flushing what it holds"));
        p.add(Property.longRange("memagent.sample.interval.ms", 5_000L, 50, 3_600_000, "JVM memory sampler period"));
        p.add(Property.longRange("memagent.heap.elevated.pct", 60L, 1, 100, "heap utilization at which the state is `elevated`"));
        p.add(Property.longRange("memagent.heap.warning.pct", 75L, 1, 100, "heap utilization at which the state is `warning` (raises an alert)"));
        p.add(Property.longRange("memagent.heap.critical.pct", 90L, 1, 100, "heap utilization at which the state is `critical` (raises an alert)"));
        p.add(Property.longRange("memagent.spike.medium.mb", 25L, 1, 1_048_576, "bytes in one call (MiB) that make a `medium` spike"));
        p.add(Property.longRange("memagent.spike.heap.warmup.ms", 30_000L, 0, 86_400_000,
                "heap-level `(heap)` spikes are looked for only this long after the JVM started, once start-up (class loading, a framework's context) has settled; per-call spikes are unaffected"));
        p.add(Property.longRange("memagent.spike.high.mb", 50L, 1, 1_048_576, "bytes in one call (MiB) that make a `high` spike"));
        p.add(Property.longRange("memagent.spike.critical.mb", 100L, 1, 1_048_576, "bytes in one call (MiB) that make a `critical` spike"));
        p.add(Property.longRange("memagent.spike.consecutive.limit", 3L, 1, 1_000_000, "consecutive spikes of one operation that raise an alert"));
        p.add(Property.longRange("memagent.leak.growth.mb.per.hour", 50L, 1, 1_048_576,
                "old-generation growth after GC, or native memory growth outside the heap (MiB/hour), that counts as a leak"));
        p.add(Property.text("memagent.heapdump.dir", "memagent-dumps", "where heap dumps go (created 0700, files 0600; an existing one must be yours and not group/world-writable, else dumps are off)", false));
        p.add(Property.bool("memagent.heapdump.on.critical", false, "dump the heap on a critical spike (rate-limited)"));
        p.add(Property.longRange("memagent.heapdump.interval.minutes", 30L, 0, 10_080,
                "at most one automatic heap dump per this many minutes (`0` = no limit)"));
        p.add(Property.longRange("memagent.leak.window.ms", 1_800_000L, 1_000, 86_400_000,
                "sliding window of old-generation-after-GC (and native memory) samples the leak slope is fitted over"));
        p.add(Property.longRange("memagent.leak.native.warmup.ms", 300_000L, 0, 86_400_000,
                "native leaks are looked for only this long after the JVM started: start-up grows native memory (JIT code, classes, first touch of the heap) without leaking"));
        p.add(Property.longRange("memagent.leak.threads.growth", 100L, 1, 1_000_000,
                "live threads above the baseline (the fewest seen in the first minute) that count as a thread leak"));
        p.add(Property.longRange("memagent.leak.classes.growth", 10_000L, 1, 100_000_000,
                "loaded classes above the baseline, still rising, that count as a class-loader leak"));
        p.add(Property.longRange("memagent.anomaly.k", 4L, 1, 100,
                "standard deviations from an operation's baseline bytes per call that make an `allocation_anomaly` alert"));
        p.add(Property.longRange("memagent.histogram.interval.ms", 0L, 0, 86_400_000,
                "class histogram snapshot period (forces a full GC each time); `0` = only on demand"));
        p.add(Property.longRange("memagent.nmt.interval.ms", 60_000L, 100, 86_400_000,
                "with `-XX:NativeMemoryTracking=summary` or `detail`: how often native memory per category is read (`VM.native_memory summary`: 1-2 ms each, the first up to 0.35 s as it starts the platform MBean server)"));
        p.add(Property.longRange("memagent.container.memory.limit.bytes", null, 1_048_576, Long.MAX_VALUE / 2,
                "the memory limit the resident set is measured against, where the cgroup's is not visible or not the one that matters; unset = the cgroup's, else physical memory"));
        p.add(Property.longRange("memagent.http.port", null, 0, 65_535, "HTTP API and dashboard port; unset = off; `0` = any free port (logged)"));
        p.add(Property.text("memagent.http.host", "127.0.0.1", "HTTP bind address; a host that resolves to any non-loopback address requires a token", false));
        p.add(Property.text("memagent.http.token", null,
                "`Authorization: Bearer <token>`: always required on POST endpoints (unset: a random one is generated into `~/.memagent/http-token-PID`, mode 0600), and on every endpoint off loopback", true));
        p.add(Property.custom("memagent.include", null, MethodPattern.ACCEPTED,
                "methods to profile without an annotation (`Class#method` patterns with `*`)", MethodPattern::parseList));
        p.add(Property.bool("memagent.attribute.jdbc", false,
                "profile the app's JDBC statements (any driver) as operations named by their SQL, e.g. `DB.SELECT.users`"));
        p.add(Property.bool("memagent.attribute.http", false,
                "profile requests to the app's JDK HTTP server handlers and servlet containers (`jakarta`/`javax` servlets and filters) as `HTTP GET /route`: the framework's route template when it has one (Spring MVC), else the path with identifier segments as `{id}`"));
        p.add(Property.longRange("memagent.http.names.max", 1_000L, 1, 100_000,
                "distinct request names; later ones are counted together as `HTTP GET (other)` per HTTP method, so values in paths cannot use up `memagent.operations.max`"));
        p.add(Property.longRange("memagent.retention.days", 7L, 1, 36_500, "rows older than this are deleted"));
        p.add(Property.longRange("memagent.retention.minutes.days", 30L, 1, 36_500,
                "1-minute rollups (`method_allocation_stats_1m`) older than this are deleted"));
        p.add(Property.longRange("memagent.retention.hours.days", 400L, 1, 36_500,
                "1-hour rollups (`method_allocation_stats_1h`) older than this are deleted"));
        p.add(Property.longRange("memagent.operations.max", 20_000L, 10, 1_000_000,
                "distinct operations tracked; later ones are counted together under `(other operations)`, and the agent says so"));
        PROPERTIES = Collections.unmodifiableList(p);
        Map<String, Property> m = new LinkedHashMap<>();
        for (Property prop : p) {
            m.put(prop.key(), prop);
        }
        BY_KEY = Collections.unmodifiableMap(m);
    }

    private final Map<String, Object> values;
    private final Map<String, String> sources;

    private Config(Map<String, Object> values, Map<String, String> sources) {
        this.values = values;
        this.sources = sources;
    }

    /** Defaults only: what tests and the in-memory mode start from. */
    public static Config defaults() {
        try {
            return load(null, new Properties(), Map.of());
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the running JVM's system properties and environment plus the agent arguments. */
    public static Config fromEnvironment(String agentArgs) throws ConfigException {
        return load(agentArgs, System.getProperties(), System.getenv());
    }

    /**
     * @param agentArgs {@code key=value,key=value}; keys may omit the {@code memagent.} prefix
     */
    public static Config load(String agentArgs, Properties systemProperties, Map<String, String> env)
            throws ConfigException {
        Map<String, String> sys = new TreeMap<>();
        for (String name : systemProperties.stringPropertyNames()) {
            if (name.startsWith("memagent.")) {
                sys.put(name, systemProperties.getProperty(name));
            }
        }
        Map<String, String> args = parseAgentArgs(agentArgs);
        for (Map.Entry<String, String> e : args.entrySet()) {
            sys.putIfAbsent(e.getKey(), e.getValue()); // an explicit -D wins over the same agent argument
        }
        for (String key : sys.keySet()) {
            requireKnown(key, sys.get(key), "system property or agent argument");
        }

        Map<String, String> raw = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        String fileName = sys.containsKey(CONFIG_FILE) ? sys.get(CONFIG_FILE) : env.get(envName(CONFIG_FILE));
        if (fileName != null && !fileName.trim().isEmpty()) {
            Properties file = readFile(fileName.trim());
            for (String name : file.stringPropertyNames()) {
                requireKnown(name, file.getProperty(name), "file " + fileName);
                raw.put(name, file.getProperty(name));
                sources.put(name, "file");
            }
        }
        for (Property p : PROPERTIES) {
            String v = env.get(envName(p.key()));
            if (v != null) {
                raw.put(p.key(), v);
                sources.put(p.key(), "env");
            }
        }
        for (Map.Entry<String, String> e : sys.entrySet()) {
            raw.put(e.getKey(), e.getValue());
            sources.put(e.getKey(), "system");
        }

        Map<String, Object> values = new LinkedHashMap<>();
        for (Property p : PROPERTIES) {
            String v = raw.get(p.key());
            if (v == null) {
                if (p.defaultValue() != null) {
                    values.put(p.key(), p.parse(p.defaultValue()));
                    sources.put(p.key(), "default");
                }
            } else {
                values.put(p.key(), p.parse(v));
            }
        }
        Config c = new Config(Collections.unmodifiableMap(values), Collections.unmodifiableMap(sources));
        io.memagent.agent.Secrets.register(c.jdbcPassword());
        io.memagent.agent.Secrets.register(c.httpToken());
        io.memagent.agent.Secrets.registerFrom(c.jdbcUrl());
        c.checkTogether();
        return c;
    }

    private void checkTogether() throws ConfigException {
        ascending("memagent.heap.elevated.pct", "memagent.heap.warning.pct", "memagent.heap.critical.pct");
        ascending("memagent.spike.medium.mb", "memagent.spike.high.mb", "memagent.spike.critical.mb");
        String host = httpHost();
        if (httpPort() >= 0 && !LoopbackHost.is(host) && httpToken() == null) {
            throw new ConfigException("memagent.http.host = '" + host + "' is not a loopback address" + LoopbackHost.resolved(host)
                    + ", and memagent.http.token"
                    + " is not set: expected 127.0.0.1, ::1 or localhost, or a token for any other host");
        }
    }

    private void ascending(String a, String b, String c) throws ConfigException {
        long x = longValue(a);
        long y = longValue(b);
        long z = longValue(c);
        if (!(x < y && y < z)) {
            throw new ConfigException(a + " = " + x + ", " + b + " = " + y + ", " + c + " = " + z
                    + " are not valid together: expected " + a + " < " + b + " < " + c);
        }
    }

    private static void requireKnown(String key, String value, String where) throws ConfigException {
        if (!BY_KEY.containsKey(key)) {
            // The value is never shown: a misspelled secret key (memagent.jdbc.pasword) holds a secret.
            throw new ConfigException("unknown key " + key + " (" + where
                    + "): expected one of " + String.join(", ", BY_KEY.keySet()));
        }
    }

    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_');
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
            throw new ConfigException(CONFIG_FILE + " = '" + name + "' cannot be read (" + e.getClass().getSimpleName()
                    + "): expected a readable properties file");
        }
        return props;
    }

    // ---- typed accessors ----

    private long longValue(String key) {
        return (Long) values.get(key);
    }

    private boolean bool(String key) {
        return (Boolean) values.get(key);
    }

    private String string(String key) {
        return (String) values.get(key);
    }

    public boolean enabled() {
        return bool("memagent.enabled");
    }

    /** The configured service name, or null to derive one from the main class or jar. */
    public String serviceName() {
        return string("memagent.service.name");
    }

    public String jdbcUrl() {
        return string("memagent.jdbc.url");
    }

    public String jdbcUser() {
        return string("memagent.jdbc.user");
    }

    public String jdbcPassword() {
        return string("memagent.jdbc.password");
    }

    public String dbSchema() {
        return string("memagent.db.schema");
    }

    public boolean dbMigrate() {
        return bool("memagent.db.migrate");
    }

    public long statsIntervalMs() {
        return longValue("memagent.stats.interval.ms");
    }

    public long flushIntervalMs() {
        return longValue("memagent.flush.interval.ms");
    }

    public long callsMinBytes() {
        return longValue("memagent.calls.min.bytes");
    }

    public int queueCapacity() {
        return (int) longValue("memagent.queue.capacity");
    }

    public long shutdownTimeoutMs() {
        return longValue("memagent.shutdown.timeout.ms");
    }

    public long sampleIntervalMs() {
        return longValue("memagent.sample.interval.ms");
    }

    public int heapElevatedPct() {
        return (int) longValue("memagent.heap.elevated.pct");
    }

    public int heapWarningPct() {
        return (int) longValue("memagent.heap.warning.pct");
    }

    public int heapCriticalPct() {
        return (int) longValue("memagent.heap.critical.pct");
    }

    public long spikeMediumBytes() {
        return longValue("memagent.spike.medium.mb") << 20;
    }

    public long spikeHighBytes() {
        return longValue("memagent.spike.high.mb") << 20;
    }

    public long spikeCriticalBytes() {
        return longValue("memagent.spike.critical.mb") << 20;
    }

    public int spikeConsecutiveLimit() {
        return (int) longValue("memagent.spike.consecutive.limit");
    }

    public long leakGrowthBytesPerHour() {
        return longValue("memagent.leak.growth.mb.per.hour") << 20;
    }

    public String heapdumpDir() {
        return string("memagent.heapdump.dir");
    }

    public boolean heapdumpOnCritical() {
        return bool("memagent.heapdump.on.critical");
    }

    public long heapdumpIntervalMs() {
        return longValue("memagent.heapdump.interval.minutes") * 60_000L;
    }

    public long leakWindowMs() {
        return longValue("memagent.leak.window.ms");
    }

    public int leakThreadsGrowth() {
        return (int) longValue("memagent.leak.threads.growth");
    }

    public long leakClassesGrowth() {
        return longValue("memagent.leak.classes.growth");
    }

    public int anomalyK() {
        return (int) longValue("memagent.anomaly.k");
    }

    public long leakNativeWarmupMs() {
        return longValue("memagent.leak.native.warmup.ms");
    }

    public long nmtIntervalMs() {
        return longValue("memagent.nmt.interval.ms");
    }

    /** The configured container memory limit, or null to use the cgroup's (or physical memory). */
    public Long containerMemoryLimitBytes() {
        return (Long) values.get("memagent.container.memory.limit.bytes");
    }

    /** 0 when periodic class histograms are off. */
    public long histogramIntervalMs() {
        return longValue("memagent.histogram.interval.ms");
    }

    /** -1 when the HTTP server is off. */
    public int httpPort() {
        Object v = values.get("memagent.http.port");
        return v == null ? -1 : ((Long) v).intValue();
    }

    public String httpHost() {
        return string("memagent.http.host");
    }

    public String httpToken() {
        return string("memagent.http.token");
    }

    @SuppressWarnings("unchecked")
    public List<MethodPattern> includes() {
        Object v = values.get("memagent.include");
        return v == null ? List.of() : (List<MethodPattern>) v;
    }

    public boolean attributeJdbc() {
        return bool("memagent.attribute.jdbc");
    }

    public boolean attributeHttp() {
        return bool("memagent.attribute.http");
    }

    public long heapSpikeWarmupMs() {
        return longValue("memagent.spike.heap.warmup.ms");
    }

    public int httpNamesMax() {
        return (int) longValue("memagent.http.names.max");
    }

    public int operationsMax() {
        return (int) longValue("memagent.operations.max");
    }

    public int retentionDays() {
        return (int) longValue("memagent.retention.days");
    }

    public int retentionMinutesDays() {
        return (int) longValue("memagent.retention.minutes.days");
    }

    public int retentionHoursDays() {
        return (int) longValue("memagent.retention.hours.days");
    }

    /**
     * Every key with its effective value as text, secrets masked (also a password inside the
     * JDBC URL): what {@code agent_runs.config} and {@code /api/memory/config} show.
     */
    public Map<String, String> masked() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Property p : PROPERTIES) {
            Object v = values.get(p.key());
            if (v == null) {
                continue;
            }
            String text = v instanceof List ? joinPatterns((List<?>) v) : String.valueOf(v);
            if (p.secret()) {
                text = "****";
            } else if (p.key().equals("memagent.jdbc.url")) {
                text = maskUrl(text);
            }
            out.put(p.key(), text);
        }
        return out;
    }

    private static String joinPatterns(List<?> list) {
        StringBuilder sb = new StringBuilder();
        for (Object o : list) {
            if (sb.length() > 0) {
                sb.append(';');
            }
            sb.append(o);
        }
        return sb.toString();
    }

    /** A JDBC URL with every credential masked ({@link io.memagent.agent.Secrets#mask}). */
    public static String maskUrl(String url) {
        return io.memagent.agent.Secrets.mask(url);
    }

    /** Where each key's value came from: system, env, file or default. */
    public Map<String, String> sources() {
        return sources;
    }
}
