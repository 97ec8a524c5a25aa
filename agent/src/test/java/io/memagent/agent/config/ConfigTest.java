package io.memagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void everyDefaultPassesItsOwnRuleAndParsesAsTheStartTakesIt() throws ConfigException {
        int defaults = 0;
        for (Property<?> p : Config.PROPERTIES) {
            if (p.defaultValue() != null) {
                assertEquals(p.parse(p.defaultValue()), p.parseDefault(), p.key()); // parse checks; parseDefault may not
                defaults++;
            }
        }
        assertTrue(defaults >= 30, "defaults: " + defaults);
    }

    @Test
    void heapDumpDirectoriesExpandSystemPropertiesAndLeaveTheRestAsWritten() {
        String home = System.getProperty("user.home");
        assertEquals("/d/" + home + "/x", Config.expandSystemProperties("/d/${user.home}/x"));
        assertEquals(home + home, Config.expandSystemProperties("${user.home}${user.home}"));
        assertEquals("/d/${memagent.test.unset}/x", Config.expandSystemProperties("/d/${memagent.test.unset}/x"));
        assertEquals("/d/${}/" + home, Config.expandSystemProperties("/d/${}/${user.home}"));
        assertEquals("/d/${user.home", Config.expandSystemProperties("/d/${user.home"));
        assertEquals("$/{a}$", Config.expandSystemProperties("$/{a}$"));
        assertEquals("/plain", Config.expandSystemProperties("/plain"));
    }

    @Test
    void defaultsAreTheSpecs() {
        Config c = Config.defaults();
        assertTrue(c.enabled());
        assertNull(c.jdbcUrl());
        assertEquals("public", c.dbSchema());
        assertEquals(10_000, c.statsIntervalMs());
        assertEquals(1_000, c.flushIntervalMs());
        assertEquals(1_048_576, c.callsMinBytes());
        assertEquals(100_000, c.queueCapacity());
        assertEquals(5_000, c.sampleIntervalMs());
        assertEquals(60, c.heapElevatedPct());
        assertEquals(75, c.heapWarningPct());
        assertEquals(90, c.heapCriticalPct());
        assertEquals(25L << 20, c.spikeMediumBytes());
        assertEquals(50L << 20, c.spikeHighBytes());
        assertEquals(100L << 20, c.spikeCriticalBytes());
        assertEquals(3, c.spikeConsecutiveLimit());
        assertEquals(50L << 20, c.leakGrowthBytesPerHour());
        assertEquals(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "memagent-dumps-"
                + System.getProperty("user.name")).toAbsolutePath().normalize().toString(), c.heapdumpDir());
        assertEquals(false, c.heapdumpOnCritical());
        assertEquals(-1, c.httpPort());
        assertEquals("127.0.0.1", c.httpHost());
        assertEquals(7, c.retentionDays());
        assertEquals(0, c.includes().size());
    }

    @Test
    void systemPropertyBeatsEnvironmentBeatsFileBeatsDefault(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("memagent.properties");
        Files.writeString(file, "memagent.flush.interval.ms=300\nmemagent.stats.interval.ms=4000\nmemagent.sample.interval.ms=700\n");
        Config c = Config.load(null,
                props("memagent.config.file", file.toString(), "memagent.flush.interval.ms", "100"),
                Map.of("MEMAGENT_FLUSH_INTERVAL_MS", "200", "MEMAGENT_STATS_INTERVAL_MS", "3000"));
        assertEquals(100, c.flushIntervalMs(), "system property");
        assertEquals(3000, c.statsIntervalMs(), "environment over file");
        assertEquals(700, c.sampleIntervalMs(), "file over default");
        assertEquals(5, c.shutdownTimeoutMs() / 1000, "default");
        assertEquals("system", c.sources().get("memagent.flush.interval.ms"));
        assertEquals("env", c.sources().get("memagent.stats.interval.ms"));
        assertEquals("file", c.sources().get("memagent.sample.interval.ms"));
    }

    @Test
    void agentArgumentsCountAsSystemPropertiesAndMayOmitThePrefix() throws Exception {
        Config c = Config.load("flush.interval.ms=50,memagent.stats.interval.ms=2000", props(), Map.of());
        assertEquals(50, c.flushIntervalMs());
        assertEquals(2000, c.statsIntervalMs());
        Config both = Config.load("flush.interval.ms=50", props("memagent.flush.interval.ms", "60"), Map.of());
        assertEquals(60, both.flushIntervalMs(), "an explicit -D wins over the same agent argument");
    }

    @Test
    void badValuesNameKeyValueAndWhatIsAccepted() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Config.load(null, props("memagent.queue.capacity", "lots"), Map.of()));
        assertEquals("memagent.queue.capacity = 'lots' is not valid: expected a whole number from 100 to 10000000", e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> Config.load(null, props("memagent.retention.days", "0"), Map.of()));
        assertEquals("memagent.retention.days = '0' is not valid: expected a whole number from 1 to 36500", e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> Config.load(null, props("memagent.http.port", "70000"), Map.of()));
        assertTrue(e.getMessage().startsWith("memagent.http.port = '70000' is not valid"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> Config.load(null, props("memagent.jdbc.url", ""), Map.of()));
        assertTrue(e.getMessage().contains("memagent.jdbc.url"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> Config.load(null, props("memagent.db.schema", "a;drop"), Map.of()));
        assertTrue(e.getMessage().contains("a PostgreSQL identifier"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> Config.load(null, props("memagent.flush.intervall.ms", "5"), Map.of()));
        assertTrue(e.getMessage().startsWith("unknown key memagent.flush.intervall.ms (system property"), e.getMessage());
        assertTrue(!e.getMessage().contains("'5'"), "an unknown key's value is never shown: " + e.getMessage());
        e = assertThrows(ConfigException.class, () -> Config.load("nonsense", props(), Map.of()));
        assertTrue(e.getMessage().contains("expected key=value pairs"), e.getMessage());
    }

    @Test
    void anUnknownKeyNamesTheNearestKnownOne() {
        String all = String.join(", ", Config.PROPERTIES.stream().map(Property::key).toList());
        ConfigException e = assertThrows(ConfigException.class,
                () -> Config.load(null, props("memagent.atribute.http", "true"), Map.of()));
        assertEquals("unknown key memagent.atribute.http (system property or agent argument): did you mean"
                + " memagent.attribute.http? (expected one of " + all + ")", e.getMessage());
        // An agent argument's key gets its prefix first, and case does not count against it.
        e = assertThrows(ConfigException.class, () -> Config.load("HTTP.Port=0", props(), Map.of()));
        assertTrue(e.getMessage().startsWith("unknown key memagent.HTTP.Port (system property or agent argument):"
                + " did you mean memagent.http.port? (expected one of memagent.enabled, "), e.getMessage());
        // Far from every key: no guess, the list alone, as before.
        e = assertThrows(ConfigException.class, () -> Config.load(null, props("memagent.colour", "x"), Map.of()));
        assertEquals("unknown key memagent.colour (system property or agent argument): expected one of " + all,
                e.getMessage());
        assertEquals(1, NearestKey.distance("memagent.atribute.http", "memagent.attribute.http"));
        assertEquals(2, NearestKey.distance("memagent.stats.interval.sm", "memagent.stats.interval.ms"));
        assertEquals(0, NearestKey.distance("", ""));
        assertEquals(3, NearestKey.distance("abc", ""));
    }

    @Test
    void thresholdsMustAscendAndNonLoopbackHttpNeedsAToken() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Config.load(null, props("memagent.heap.warning.pct", "95"), Map.of()));
        assertTrue(e.getMessage().contains("memagent.heap.elevated.pct < memagent.heap.warning.pct < memagent.heap.critical.pct"));
        e = assertThrows(ConfigException.class, () -> Config.load(null,
                props("memagent.http.port", "0", "memagent.http.host", "0.0.0.0"), Map.of()));
        assertTrue(e.getMessage().contains("memagent.http.token"), e.getMessage());
    }

    @Test
    void secretsAreMaskedEvenInsideTheUrl() throws Exception {
        Config c = Config.load(null, props("memagent.jdbc.url", "jdbc:postgresql://db/app?user=u&password=hunter2&ssl=true",
                "memagent.jdbc.password", "hunter2", "memagent.http.token", "tok-123"), Map.of());
        String all = c.masked().toString();
        assertTrue(!all.contains("hunter2") && !all.contains("tok-123"), all);
        assertEquals("jdbc:postgresql://db/app?user=u&password=****&ssl=true", c.masked().get("memagent.jdbc.url"));
        assertEquals("****", c.masked().get("memagent.jdbc.password"));
    }

    @Test
    void unknownEnvironmentVariablesAreNotErrors() throws Exception {
        Config c = Config.load(null, props(), Map.of("MEMAGENT_TEST_JDBC_URL", "x", "MEMAGENT_SERVICE_NAME", "svc"));
        assertEquals("svc", c.serviceName());
    }

    /** Seeded fuzz: any string for any key either parses or is a ConfigException naming the key. */
    @Test
    void fuzzedValuesNeverEscapeAsAnythingButAClearError() {
        Random random = new Random(20261122);
        String alphabet = "0123456789-_.,;#*=abcXYZ \t\u00e9\u4e2d'\"\\%$";
        for (int i = 0; i < 5_000; i++) {
            Property<?> p = Config.PROPERTIES.get(random.nextInt(Config.PROPERTIES.size()));
            if (p.key().equals("memagent.config.file")) {
                continue;
            }
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(random.nextInt(10) == 0 ? 300 : 12);
            for (int j = 0; j < len; j++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            try {
                Config.load(null, props(p.key(), sb.toString()), Map.of());
            } catch (ConfigException e) {
                assertTrue(e.getMessage().contains("memagent."), e.getMessage());
            }
        }
    }
}
