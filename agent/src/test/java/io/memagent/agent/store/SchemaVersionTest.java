package io.memagent.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The newest bundled migration, which decides whether Flyway loads at all: it is the newest file of the
 * migrations module, versions compare as Flyway's do, and names that are not versioned migrations are not versions.
 */
class SchemaVersionTest {
    @Test
    void theNewestBundledMigrationIsTheNewestFileOfTheMigrationsModule() throws IOException {
        List<BigInteger> newestFile = null;
        try (Stream<Path> files = Files.list(Path.of("../migrations/src/main/resources/io/memagent/migrations"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                List<BigInteger> v = SchemaVersion.versionOf(f.getFileName().toString());
                if (v != null && (newestFile == null || SchemaVersion.compare(v, newestFile) > 0)) {
                    newestFile = v;
                }
            }
        }
        assertEquals(newestFile, SchemaVersion.newestBundled(SchemaVersionTest.class.getClassLoader()));
        assertTrue(SchemaVersion.bundledNames(SchemaVersionTest.class.getClassLoader())
                .contains("V1__memagent_schema.sql"));
    }

    @Test
    void versionsCompareAsFlywaysDo() {
        assertTrue(SchemaVersion.compare(SchemaVersion.parse("10"), SchemaVersion.parse("9")) > 0);
        assertTrue(SchemaVersion.compare(SchemaVersion.parse("9.1"), SchemaVersion.parse("9")) > 0);
        assertEquals(0, SchemaVersion.compare(SchemaVersion.parse("9.0"), SchemaVersion.parse("9")));
        assertEquals(List.of(BigInteger.TWO, BigInteger.ONE), SchemaVersion.versionOf("V2_1__x.sql"));
        assertEquals(0, SchemaVersion.compare(SchemaVersion.parse("0"), List.of(BigInteger.ZERO)));
    }

    @Test
    void otherNamesAreNoVersions() {
        assertNull(SchemaVersion.versionOf("R__views.sql"));
        assertNull(SchemaVersion.versionOf("V__x.sql"));
        assertNull(SchemaVersion.versionOf("V1__x.txt"));
        assertNull(SchemaVersion.parse("1.a"));
    }
}
