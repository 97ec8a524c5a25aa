package io.memagent.agent.store;

import io.memagent.agent.util.AgentLog;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * What the writer does once before its first batch, under the schema's advisory lock: create
 * the schema and apply the migrations ({@code memagent.db.migrate}; Flyway only when the schema
 * is behind, {@link SchemaVersion}), then create the daily partitions ahead. The lock is held on a connection of its own (not the pool's, which Flyway
 * uses), so JVMs of many services starting together go one at a time: Flyway's own lock does
 * not cover its baseline step, which two JVMs could otherwise race.
 */
final class SchemaSetup {
    /** The newest migration bundled with the agent (null if they cannot be listed: Flyway then decides). */
    private static final java.util.List<java.math.BigInteger> NEWEST_BUNDLED =
            SchemaVersion.newestBundled(SchemaSetup.class.getClassLoader());

    private final DatabaseSettings settings;
    private final String schemaName;

    SchemaSetup(DatabaseSettings settings) {
        this.settings = settings;
        this.schemaName = settings.schema();
    }

    void run(DataSource dataSource, long nowMs) throws SQLException {
        java.util.Properties props = new java.util.Properties();
        if (settings.user() != null) {
            props.setProperty("user", settings.user());
        }
        if (settings.password() != null) {
            props.setProperty("password", settings.password());
        }
        props.setProperty("ApplicationName", "memagent");
        props.setProperty("connectTimeout", "5");
        try (Connection lock = new org.postgresql.Driver().connect(settings.jdbcUrl(), props)) {
            if (lock == null) {
                throw new SQLException("the PostgreSQL driver does not accept " + io.memagent.agent.util.Secrets.mask(settings.jdbcUrl()), "08001");
            }
            SchemaLock.lock(lock, schemaName);
            if (settings.migrate()) {
                try (Statement st = lock.createStatement()) {
                    st.execute("CREATE SCHEMA IF NOT EXISTS \"" + schemaName + "\"");
                }
                // One plain query first: Flyway (about 400 classes, kept for the JVM's life) loads only when
                // the schema is behind the bundled migrations, or its history says something only Flyway handles.
                if (!SchemaVersion.upToDate(lock, schemaName, NEWEST_BUNDLED)) {
                    FlywayMigration.migrate(dataSource, schemaName);
                }
            }
            try {
                new Partitions(schemaName).ensure(lock, nowMs);
            } catch (SQLException e) {
                // Not fatal here: the hourly retention run tries again, and rows for a day that has a
                // partition already are written meanwhile.
                AgentLog.error("could not create the daily partitions ahead in schema " + schemaName + ": " + e.getMessage());
            }
        } // closing the connection releases the lock
    }
}
