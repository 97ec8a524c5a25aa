package io.memagent.agent.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The schema's advisory lock (session level, keyed by the schema's name): held while one JVM
 * migrates the schema, creates partitions ahead or drops those past retention, so that of many
 * JVMs sharing a schema one does that work at a time.
 */
final class SchemaLock {
    private SchemaLock() {
    }

    private static String key(String schemaName) {
        return "memagent.migrate:" + schemaName;
    }

    /** Waits for the lock; it is released when {@code c} closes (or by {@link #unlock}). */
    static void lock(Connection c, String schemaName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(hashtext(?))")) {
            ps.setString(1, key(schemaName));
            ps.execute();
        }
    }

    /** Takes the lock if no other session holds it. */
    static boolean tryLock(Connection c, String schemaName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
            ps.setString(1, key(schemaName));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    static void unlock(Connection c, String schemaName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
            ps.setString(1, key(schemaName));
            ps.execute();
        }
    }
}
