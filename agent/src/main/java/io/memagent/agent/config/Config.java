package io.memagent.agent.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The agent's configuration: every {@code memagent.*} key ({@link Keys}), validated once at start,
 * immutable, read with {@link #get}. Where the raw values come from, and in which precedence, is
 * {@link ConfigSources}'s; a key none of them sets takes its default.
 */
public final class Config {
    public static final List<Property<?>> PROPERTIES = Keys.ALL;
    private static final Map<String, Property<?>> BY_KEY = byKey();

    private final Map<Property<?>, Object> values;
    private final Map<String, String> sources;

    private Config(Map<Property<?>, Object> values, Map<String, String> sources) {
        this.values = values;
        this.sources = sources;
    }

    private static Map<String, Property<?>> byKey() {
        Map<String, Property<?>> m = new LinkedHashMap<>();
        for (Property<?> p : PROPERTIES) {
            m.put(p.key(), p);
        }
        return Collections.unmodifiableMap(m);
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
        ConfigSources in = ConfigSources.read(agentArgs, systemProperties, env, BY_KEY);
        Map<String, String> sources = new LinkedHashMap<>(in.sources());
        Map<Property<?>, Object> values = new LinkedHashMap<>();
        for (Property<?> p : PROPERTIES) {
            String v = in.raw(p.key());
            if (v == null) {
                if (p.defaultValue() != null) {
                    values.put(p, p.parseDefault());
                    sources.put(p.key(), "default");
                }
            } else {
                values.put(p, p.parse(v));
            }
        }
        Config c = new Config(Collections.unmodifiableMap(values), Collections.unmodifiableMap(sources));
        io.memagent.agent.util.Secrets.register(c.jdbcPassword());
        io.memagent.agent.util.Secrets.register(c.httpToken());
        io.memagent.agent.util.Secrets.registerFrom(c.jdbcUrl());
        c.checkTogether();
        return c;
    }

    /**
     * This configuration with {@code key} unset, as if it had not been given (a key whose default is unset: the
     * feature it turns on is off); {@code why} becomes the key's source in {@link #sources()}.
     */
    public Config withoutKey(Property<?> key, String why) {
        Map<Property<?>, Object> v = new LinkedHashMap<>(values);
        v.remove(key);
        Map<String, String> s = new LinkedHashMap<>(sources);
        s.put(key.key(), why);
        return new Config(Collections.unmodifiableMap(v), Collections.unmodifiableMap(s));
    }

    /** The value of a key: parsed by its own parser, so of its type; null for an unset key without default. */
    @SuppressWarnings("unchecked")
    public <T> T get(Property<T> key) {
        return (T) values.get(key);
    }

    private void checkTogether() throws ConfigException {
        ascending(Keys.HEAP_ELEVATED_PCT, Keys.HEAP_WARNING_PCT, Keys.HEAP_CRITICAL_PCT);
        ascending(Keys.SPIKE_MEDIUM_MB, Keys.SPIKE_HIGH_MB, Keys.SPIKE_CRITICAL_MB);
        String host = httpHost();
        if (httpPort() >= 0 && !LoopbackHost.is(host) && httpToken() == null) {
            throw new ConfigException(Keys.HTTP_HOST.key() + " = '" + host + "' is not a loopback address" + LoopbackHost.resolved(host)
                    + ", and memagent.http.token"
                    + " is not set: expected 127.0.0.1, ::1 or localhost, or a token for any other host");
        }
    }

    private void ascending(Property<Long> a, Property<Long> b, Property<Long> c) throws ConfigException {
        long x = get(a);
        long y = get(b);
        long z = get(c);
        if (!(x < y && y < z)) {
            throw new ConfigException(a.key() + " = " + x + ", " + b.key() + " = " + y + ", " + c.key() + " = " + z
                    + " are not valid together: expected " + a.key() + " < " + b.key() + " < " + c.key());
        }
    }

    // ---- typed accessors ----

    public boolean enabled() {
        return get(Keys.ENABLED);
    }

    /** The configured service name, or null to derive one from the main class or jar. */
    public String serviceName() {
        return get(Keys.SERVICE_NAME);
    }

    public String jdbcUrl() {
        return get(Keys.JDBC_URL);
    }

    public String jdbcUser() {
        return get(Keys.JDBC_USER);
    }

    public String jdbcPassword() {
        return get(Keys.JDBC_PASSWORD);
    }

    public String dbSchema() {
        return get(Keys.DB_SCHEMA);
    }

    public boolean dbMigrate() {
        return get(Keys.DB_MIGRATE);
    }

    public long statsIntervalMs() {
        return get(Keys.STATS_INTERVAL_MS);
    }

    public long flushIntervalMs() {
        return get(Keys.FLUSH_INTERVAL_MS);
    }

    public long callsMinBytes() {
        return get(Keys.CALLS_MIN_BYTES);
    }

    public int queueCapacity() {
        return get(Keys.QUEUE_CAPACITY).intValue();
    }

    public long shutdownTimeoutMs() {
        return get(Keys.SHUTDOWN_TIMEOUT_MS);
    }

    public long sampleIntervalMs() {
        return get(Keys.SAMPLE_INTERVAL_MS);
    }

    public int heapElevatedPct() {
        return get(Keys.HEAP_ELEVATED_PCT).intValue();
    }

    public int heapWarningPct() {
        return get(Keys.HEAP_WARNING_PCT).intValue();
    }

    public int heapCriticalPct() {
        return get(Keys.HEAP_CRITICAL_PCT).intValue();
    }

    public long spikeMediumBytes() {
        return get(Keys.SPIKE_MEDIUM_MB) << 20;
    }

    public long spikeHighBytes() {
        return get(Keys.SPIKE_HIGH_MB) << 20;
    }

    public long spikeCriticalBytes() {
        return get(Keys.SPIKE_CRITICAL_MB) << 20;
    }

    public int spikeConsecutiveLimit() {
        return get(Keys.SPIKE_CONSECUTIVE_LIMIT).intValue();
    }

    public long leakGrowthBytesPerHour() {
        return get(Keys.LEAK_GROWTH_MB_PER_HOUR) << 20;
    }

    /**
     * Where heap dumps go, as an absolute path: each {@code ${name}} in the value is replaced by that
     * system property (the default, {@code ${java.io.tmpdir}/memagent-dumps-${user.name}}, is writable
     * in a container whose working directory is not); a relative value is taken from the working
     * directory.
     */
    public String heapdumpDir() {
        return java.nio.file.Path.of(expandSystemProperties(get(Keys.HEAPDUMP_DIR))).toAbsolutePath().normalize().toString();
    }

    /**
     * {@code ${name}} replaced by the system property {@code name}; one that is not set, or {@code ${}}, stays as
     * written. A plain scan, not a regular expression: the default is expanded at every start, on premain's thread.
     */
    static String expandSystemProperties(String value) {
        int open = value.indexOf("${");
        if (open < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 32);
        int from = 0;
        while (open >= 0) {
            int close = value.indexOf('}', open + 2);
            if (close < 0) {
                break;
            }
            String v = close > open + 2 ? System.getProperty(value.substring(open + 2, close)) : null;
            out.append(value, from, open).append(v != null ? v : value.substring(open, close + 1));
            from = close + 1;
            open = value.indexOf("${", from);
        }
        return out.append(value, from, value.length()).toString();
    }

    public boolean heapdumpOnCritical() {
        return get(Keys.HEAPDUMP_ON_CRITICAL);
    }

    public long heapdumpIntervalMs() {
        return get(Keys.HEAPDUMP_INTERVAL_MINUTES) * 60_000L;
    }

    public long leakWindowMs() {
        return get(Keys.LEAK_WINDOW_MS);
    }

    public int leakThreadsGrowth() {
        return get(Keys.LEAK_THREADS_GROWTH).intValue();
    }

    public long leakClassesGrowth() {
        return get(Keys.LEAK_CLASSES_GROWTH);
    }

    public int anomalyK() {
        return get(Keys.ANOMALY_K).intValue();
    }

    public long leakNativeWarmupMs() {
        return get(Keys.LEAK_NATIVE_WARMUP_MS);
    }

    public long nmtIntervalMs() {
        return get(Keys.NMT_INTERVAL_MS);
    }

    /** The configured container memory limit, or null to use the cgroup's (or physical memory). */
    public Long containerMemoryLimitBytes() {
        return get(Keys.CONTAINER_MEMORY_LIMIT_BYTES);
    }

    /** 0 when periodic class histograms are off. */
    public long histogramIntervalMs() {
        return get(Keys.HISTOGRAM_INTERVAL_MS);
    }

    /** -1 when the HTTP server is off. */
    public int httpPort() {
        Long v = get(Keys.HTTP_PORT);
        return v == null ? -1 : v.intValue();
    }

    public String httpHost() {
        return get(Keys.HTTP_HOST);
    }

    public String httpToken() {
        return get(Keys.HTTP_TOKEN);
    }

    public List<MethodPattern> includes() {
        List<MethodPattern> v = get(Keys.INCLUDE);
        return v == null ? List.of() : v;
    }

    public boolean attributeJdbc() {
        return get(Keys.ATTRIBUTE_JDBC);
    }

    public boolean attributeHttp() {
        return get(Keys.ATTRIBUTE_HTTP);
    }

    public long heapSpikeWarmupMs() {
        return get(Keys.SPIKE_HEAP_WARMUP_MS);
    }

    public int httpNamesMax() {
        return get(Keys.HTTP_NAMES_MAX).intValue();
    }

    public int operationsMax() {
        return get(Keys.OPERATIONS_MAX).intValue();
    }

    public int retentionDays() {
        return get(Keys.RETENTION_DAYS).intValue();
    }

    /** PostgreSQL mode: print the top operations at exit. */
    public boolean exitSummary() {
        return get(Keys.EXIT_SUMMARY);
    }

    public int retentionMinutesDays() {
        return get(Keys.RETENTION_MINUTES_DAYS).intValue();
    }

    public int retentionHoursDays() {
        return get(Keys.RETENTION_HOURS_DAYS).intValue();
    }

    /**
     * Every key with its effective value as text, secrets masked (also a password inside the
     * JDBC URL): what {@code agent_runs.config} and {@code /api/memory/config} show.
     */
    public Map<String, String> masked() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Property<?> p : PROPERTIES) {
            Object v = values.get(p);
            if (v == null) {
                continue;
            }
            String text = v instanceof List ? joinPatterns((List<?>) v) : String.valueOf(v);
            if (p.secret()) {
                text = "****";
            } else if (p == Keys.JDBC_URL) {
                text = io.memagent.agent.util.Secrets.mask(text); // a password inside the URL
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

    /** Where each key's value came from: system, env, file or default. */
    public Map<String, String> sources() {
        return sources;
    }
}
