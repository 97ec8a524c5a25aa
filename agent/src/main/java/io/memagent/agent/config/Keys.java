package io.memagent.agent.config;

import java.util.List;

/**
 * Every {@code memagent.*} key, typed: its name, default, accepted values and meaning written once,
 * here. Read a value with {@link Config#get}; {@link #ALL} lists them in the order the docs do.
 */
public final class Keys {
    public static final Property<Boolean> ENABLED = Property.bool("memagent.enabled",
            true, "master switch");
    public static final Property<String> CONFIG_FILE = Property.text("memagent.config.file",
            null, "properties file with more memagent.* keys (lowest precedence but defaults)", false);
    public static final Property<String> SERVICE_NAME = Property.text("memagent.service.name",
            null, "`service_name` in every row; unset: OpenTelemetry's or Spring's name, else the jar or main class (see below)", false);
    public static final Property<String> JDBC_URL = Property.matching("memagent.jdbc.url",
            null, "jdbc:postgresql:\\S+", "a PostgreSQL JDBC URL starting with jdbc:postgresql:", "PostgreSQL JDBC URL; none = in-memory mode");
    public static final Property<String> JDBC_USER = Property.text("memagent.jdbc.user",
            null, "database user", false);
    public static final Property<String> JDBC_PASSWORD = Property.text("memagent.jdbc.password",
            null, "database password (never logged or stored)", true);
    public static final Property<String> DB_SCHEMA = Property.matching("memagent.db.schema",
            "public", "[A-Za-z_][A-Za-z0-9_]{0,62}", "a PostgreSQL identifier: a letter or '_' then up to 62 letters, digits or '_'", "schema for all tables (created if missing)");
    public static final Property<Boolean> DB_MIGRATE = Property.bool("memagent.db.migrate",
            true, "apply migrations at start (safe with many JVMs at once)");
    public static final Property<Long> STATS_INTERVAL_MS = Property.longRange("memagent.stats.interval.ms",
            10_000L, 100, 86_400_000, "width of a per-method statistics bucket");
    public static final Property<Long> FLUSH_INTERVAL_MS = Property.longRange("memagent.flush.interval.ms",
            1_000L, 10, 3_600_000, "how often the writer sends a batch");
    public static final Property<Long> CALLS_MIN_BYTES = Property.longRange("memagent.calls.min.bytes",
            1_048_576L, 0, Long.MAX_VALUE / 2, "a call allocating at least this gets its own row in `memory_allocations`");
    public static final Property<Long> QUEUE_CAPACITY = Property.longRange("memagent.queue.capacity",
            100_000L, 100, 10_000_000, "records held while the database is slow or down; beyond it, records are dropped and counted");
    public static final Property<Long> SHUTDOWN_TIMEOUT_MS = Property.longRange("memagent.shutdown.timeout.ms",
            5_000L, 0, 600_000, "at JVM exit, how long the agent may spend flushing what it holds");
    public static final Property<Long> SAMPLE_INTERVAL_MS = Property.longRange("memagent.sample.interval.ms",
            5_000L, 50, 3_600_000, "JVM memory sampler period");
    public static final Property<Long> HEAP_ELEVATED_PCT = Property.longRange("memagent.heap.elevated.pct",
            60L, 1, 100, "heap utilization at which the state is `elevated`");
    public static final Property<Long> HEAP_WARNING_PCT = Property.longRange("memagent.heap.warning.pct",
            75L, 1, 100, "heap utilization at which the state is `warning` (raises an alert)");
    public static final Property<Long> HEAP_CRITICAL_PCT = Property.longRange("memagent.heap.critical.pct",
            90L, 1, 100, "heap utilization at which the state is `critical` (raises an alert)");
    public static final Property<Long> SPIKE_MEDIUM_MB = Property.longRange("memagent.spike.medium.mb",
            25L, 1, 1_048_576, "bytes in one call (MiB) that make a `medium` spike");
    public static final Property<Long> SPIKE_HEAP_WARMUP_MS = Property.longRange("memagent.spike.heap.warmup.ms",
            30_000L, 0, 86_400_000, "heap-level `(heap)` spikes are looked for only this long after the JVM started, once start-up (class loading, a framework's context) has settled; per-call spikes are unaffected");
    public static final Property<Long> SPIKE_HIGH_MB = Property.longRange("memagent.spike.high.mb",
            50L, 1, 1_048_576, "bytes in one call (MiB) that make a `high` spike");
    public static final Property<Long> SPIKE_CRITICAL_MB = Property.longRange("memagent.spike.critical.mb",
            100L, 1, 1_048_576, "bytes in one call (MiB) that make a `critical` spike");
    public static final Property<Long> SPIKE_CONSECUTIVE_LIMIT = Property.longRange("memagent.spike.consecutive.limit",
            3L, 1, 1_000_000, "consecutive spikes of one operation that raise an alert");
    public static final Property<Long> LEAK_GROWTH_MB_PER_HOUR = Property.longRange("memagent.leak.growth.mb.per.hour",
            50L, 1, 1_048_576, "old-generation growth after GC, or native memory growth outside the heap (MiB/hour), that counts as a leak");
    public static final Property<String> HEAPDUMP_DIR = Property.text("memagent.heapdump.dir",
            "${java.io.tmpdir}/memagent-dumps-${user.name}", "where heap dumps go, `${name}` replaced by that system property, a relative path taken from the working directory (created 0700, files 0600; an existing one must be yours and not group/world-writable, else dumps are off)", false);
    public static final Property<Boolean> HEAPDUMP_ON_CRITICAL = Property.bool("memagent.heapdump.on.critical",
            false, "dump the heap on a critical spike (rate-limited)");
    public static final Property<Long> HEAPDUMP_INTERVAL_MINUTES = Property.longRange("memagent.heapdump.interval.minutes",
            30L, 0, 10_080, "at most one automatic heap dump per this many minutes (`0` = no limit)");
    public static final Property<Long> LEAK_WINDOW_MS = Property.longRange("memagent.leak.window.ms",
            1_800_000L, 1_000, 86_400_000, "sliding window of old-generation-after-GC (and native memory) samples the leak slope is fitted over");
    public static final Property<Long> LEAK_NATIVE_WARMUP_MS = Property.longRange("memagent.leak.native.warmup.ms",
            300_000L, 0, 86_400_000, "native leaks are looked for only this long after the JVM started: start-up grows native memory (JIT code, classes, first touch of the heap) without leaking");
    public static final Property<Long> LEAK_THREADS_GROWTH = Property.longRange("memagent.leak.threads.growth",
            100L, 1, 1_000_000, "live threads above the baseline (the fewest seen in the first minute) that count as a thread leak");
    public static final Property<Long> LEAK_CLASSES_GROWTH = Property.longRange("memagent.leak.classes.growth",
            10_000L, 1, 100_000_000, "loaded classes above the baseline, still rising, that count as a class-loader leak");
    public static final Property<Long> ANOMALY_K = Property.longRange("memagent.anomaly.k",
            4L, 1, 100, "standard deviations from an operation's baseline bytes per call that make an `allocation_anomaly` alert");
    public static final Property<Long> HISTOGRAM_INTERVAL_MS = Property.longRange("memagent.histogram.interval.ms",
            0L, 0, 86_400_000, "class histogram snapshot period (forces a full GC each time); `0` = only on demand");
    public static final Property<Long> NMT_INTERVAL_MS = Property.longRange("memagent.nmt.interval.ms",
            60_000L, 100, 86_400_000, "with `-XX:NativeMemoryTracking=summary` or `detail`: how often native memory per category is read (`VM.native_memory summary`: 1-2 ms each, the first up to 0.35 s as it starts the platform MBean server)");
    public static final Property<Long> CONTAINER_MEMORY_LIMIT_BYTES = Property.longRange("memagent.container.memory.limit.bytes",
            null, 1_048_576, Long.MAX_VALUE / 2, "the memory limit the resident set is measured against, where the cgroup's is not visible or not the one that matters; unset = the cgroup's, else physical memory");
    public static final Property<Long> HTTP_PORT = Property.longRange("memagent.http.port",
            null, 0, 65_535, "HTTP API and dashboard port; unset = off; `0` = any free port (logged)");
    public static final Property<String> HTTP_HOST = Property.text("memagent.http.host",
            "127.0.0.1", "HTTP bind address; a host that resolves to any non-loopback address requires a token", false);
    public static final Property<String> HTTP_TOKEN = Property.text("memagent.http.token",
            null, "`Authorization: Bearer <token>`: always required on POST endpoints (unset: a random one is generated into `~/.memagent/http-token-PID`, mode 0600), and on every endpoint off loopback", true);
    public static final Property<List<MethodPattern>> INCLUDE = Property.custom("memagent.include",
            null, MethodPattern.ACCEPTED, "methods to profile without an annotation (`Class#method` patterns with `*`)", MethodPattern.LIST_PARSER);
    public static final Property<Boolean> ATTRIBUTE_JDBC = Property.bool("memagent.attribute.jdbc",
            false, "profile the app's JDBC statements (any driver) as operations named by their SQL, e.g. `DB.SELECT.users`");
    public static final Property<Boolean> ATTRIBUTE_HTTP = Property.bool("memagent.attribute.http",
            false, "profile requests to the app's JDK HTTP server handlers and servlet containers (`jakarta`/`javax` servlets and filters) as `HTTP GET /route`: the framework's route template when it has one (Spring MVC), else the path with identifier segments as `{id}`");
    public static final Property<Long> HTTP_NAMES_MAX = Property.longRange("memagent.http.names.max",
            1_000L, 1, 100_000, "distinct request names; later ones are counted together as `HTTP GET (other)` per HTTP method, so values in paths cannot use up `memagent.operations.max`");
    public static final Property<Long> RETENTION_DAYS = Property.longRange("memagent.retention.days",
            7L, 1, 36_500, "rows older than this are deleted");
    public static final Property<Long> RETENTION_MINUTES_DAYS = Property.longRange("memagent.retention.minutes.days",
            30L, 1, 36_500, "1-minute rollups (`method_allocation_stats_1m`) older than this are deleted");
    public static final Property<Long> RETENTION_HOURS_DAYS = Property.longRange("memagent.retention.hours.days",
            400L, 1, 36_500, "1-hour rollups (`method_allocation_stats_1h`) older than this are deleted");
    public static final Property<Boolean> EXIT_SUMMARY = Property.bool("memagent.exit.summary",
            true, "in PostgreSQL mode, print the 10 operations that allocated most at exit, after the `stopped:` line (in-memory mode prints the whole report)");
    public static final Property<Long> OPERATIONS_MAX = Property.longRange("memagent.operations.max",
            20_000L, 10, 1_000_000, "distinct operations tracked; later ones are counted together under `(other operations)`, and the agent says so");

    /** Every key, in the order the configuration page lists them. */
    public static final List<Property<?>> ALL = List.of(
            ENABLED,
            CONFIG_FILE,
            SERVICE_NAME,
            JDBC_URL,
            JDBC_USER,
            JDBC_PASSWORD,
            DB_SCHEMA,
            DB_MIGRATE,
            STATS_INTERVAL_MS,
            FLUSH_INTERVAL_MS,
            CALLS_MIN_BYTES,
            QUEUE_CAPACITY,
            SHUTDOWN_TIMEOUT_MS,
            SAMPLE_INTERVAL_MS,
            HEAP_ELEVATED_PCT,
            HEAP_WARNING_PCT,
            HEAP_CRITICAL_PCT,
            SPIKE_MEDIUM_MB,
            SPIKE_HEAP_WARMUP_MS,
            SPIKE_HIGH_MB,
            SPIKE_CRITICAL_MB,
            SPIKE_CONSECUTIVE_LIMIT,
            LEAK_GROWTH_MB_PER_HOUR,
            HEAPDUMP_DIR,
            HEAPDUMP_ON_CRITICAL,
            HEAPDUMP_INTERVAL_MINUTES,
            LEAK_WINDOW_MS,
            LEAK_NATIVE_WARMUP_MS,
            LEAK_THREADS_GROWTH,
            LEAK_CLASSES_GROWTH,
            ANOMALY_K,
            HISTOGRAM_INTERVAL_MS,
            NMT_INTERVAL_MS,
            CONTAINER_MEMORY_LIMIT_BYTES,
            HTTP_PORT,
            HTTP_HOST,
            HTTP_TOKEN,
            INCLUDE,
            ATTRIBUTE_JDBC,
            ATTRIBUTE_HTTP,
            HTTP_NAMES_MAX,
            RETENTION_DAYS,
            RETENTION_MINUTES_DAYS,
            RETENTION_HOURS_DAYS,
            EXIT_SUMMARY,
            OPERATIONS_MAX);

    private Keys() {
    }
}
