package io.memagent.agent.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Applies the bundled migrations with Flyway. The only class that names Flyway, so Flyway's classes load only when
 * {@link SchemaSetup} finds the schema behind the bundled migrations ({@link SchemaVersion}).
 */
final class FlywayMigration {
    private FlywayMigration() {
    }

    static void migrate(DataSource dataSource, String schemaName) {
        Flyway.configure(FlywayMigration.class.getClassLoader())
                // Flyway would log INFO lines through java.util.logging onto the app's stderr; send
                // them to the (relocated, no-op) SLF4J instead. A failed migration still reaches us
                // as an exception, which the writer reports in its own rate-limited error line.
                .loggers("slf4j")
                .dataSource(dataSource)
                .schemas(schemaName)
                .defaultSchema(schemaName)
                .createSchemas(false)
                .table(SchemaVersion.HISTORY_TABLE)
                .locations("classpath:" + SchemaVersion.LOCATION.substring(0, SchemaVersion.LOCATION.length() - 1))
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
