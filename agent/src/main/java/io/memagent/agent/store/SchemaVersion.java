package io.memagent.agent.store;

import java.io.IOException;
import java.math.BigInteger;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Whether the schema needs Flyway at all: the newest migration bundled with the agent against the newest one
 * Flyway's history table says was applied, read with one plain query. Flyway is about 400 classes (and the lambda
 * forms they spin), several MB of metaspace for the life of the JVM; a schema already at the bundled version, which
 * is every start but the first of each release, never loads it.
 */
final class SchemaVersion {
    /** Flyway's history table in the agent's schema (also its name in {@link FlywayMigration}). */
    static final String HISTORY_TABLE = "memagent_schema_history";
    static final String LOCATION = "io/memagent/migrations/";
    /** The first migration, always bundled: where the others are found. */
    private static final String FIRST = LOCATION + "V1__memagent_schema.sql";

    private SchemaVersion() {
    }

    /**
     * Whether every bundled migration is applied already: the history table exists, has no failed migration, and
     * its newest applied version is at least {@code newestBundled}. Otherwise (or when unsure) Flyway decides.
     */
    static boolean upToDate(Connection c, String schema, List<BigInteger> newestBundled) throws SQLException {
        if (newestBundled == null) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, "\"" + schema + "\"." + HISTORY_TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    return false;
                }
            }
        }
        List<BigInteger> newestApplied = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT version, success FROM \"" + schema + "\"."
                + HISTORY_TABLE + " WHERE version IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (!rs.getBoolean(2)) {
                    return false; // a failed migration: Flyway reports it as before
                }
                List<BigInteger> v = parse(rs.getString(1));
                if (v == null) {
                    return false;
                }
                if (newestApplied == null || compare(v, newestApplied) > 0) {
                    newestApplied = v;
                }
            }
        }
        return newestApplied != null && compare(newestApplied, newestBundled) >= 0;
    }

    /** The newest {@code V<version>__*.sql} among the bundled migrations, or null if they cannot be listed. */
    static List<BigInteger> newestBundled(ClassLoader loader) {
        List<BigInteger> newest = null;
        for (String name : bundledNames(loader)) {
            List<BigInteger> v = versionOf(name);
            if (v != null && (newest == null || compare(v, newest) > 0)) {
                newest = v;
            }
        }
        return newest;
    }

    /** The file names (no directory) under {@link #LOCATION}, from a jar or a directory; empty if unknown. */
    static List<String> bundledNames(ClassLoader loader) {
        List<String> names = new ArrayList<>();
        URL first = loader == null ? ClassLoader.getSystemResource(FIRST) : loader.getResource(FIRST);
        if (first == null) {
            return names;
        }
        try {
            if (first.getProtocol().equals("jar")) {
                JarURLConnection connection = (JarURLConnection) first.openConnection();
                connection.setUseCaches(false);
                try (JarFile jar = connection.getJarFile()) {
                    for (Enumeration<? extends ZipEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        String entry = e.nextElement().getName();
                        if (entry.startsWith(LOCATION) && entry.indexOf('/', LOCATION.length()) < 0) {
                            names.add(entry.substring(LOCATION.length()));
                        }
                    }
                }
            } else if (first.getProtocol().equals("file")) {
                try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of(first.toURI()).getParent())) {
                    for (Path p : dir) {
                        names.add(p.getFileName().toString());
                    }
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            names.clear(); // unknown: Flyway decides
        }
        return names;
    }

    /** {@code V9__cold_calls.sql} -> [9]; {@code V2_1__x.sql} -> [2, 1]; anything else -> null. */
    static List<BigInteger> versionOf(String fileName) {
        int end = fileName.indexOf("__");
        if (!fileName.startsWith("V") || end < 2 || !fileName.endsWith(".sql")) {
            return null;
        }
        return parse(fileName.substring(1, end));
    }

    /** Flyway's version text ({@code 2.1}, {@code 2_1}) as its numeric parts, or null if it is not one. */
    static List<BigInteger> parse(String version) {
        List<BigInteger> parts = new ArrayList<>();
        for (String part : version.split("[._]", -1)) {
            if (part.isEmpty() || !part.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                return null;
            }
            parts.add(new BigInteger(part));
        }
        return parts;
    }

    /** As Flyway orders versions: part by part, a missing part counting as 0. */
    static int compare(List<BigInteger> a, List<BigInteger> b) {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            BigInteger x = i < a.size() ? a.get(i) : BigInteger.ZERO;
            BigInteger y = i < b.size() ? b.get(i) : BigInteger.ZERO;
            int c = x.compareTo(y);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
