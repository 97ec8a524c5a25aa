package io.memagent.agent.store;

/**
 * What the PostgreSQL writer needs of the configuration.
 *
 * @param jdbcUrl {@code memagent.jdbc.url}
 * @param user {@code memagent.jdbc.user}, or null
 * @param password {@code memagent.jdbc.password}, or null
 * @param schema {@code memagent.db.schema}
 * @param migrate {@code memagent.db.migrate}: create or upgrade the schema at start
 * @param queueCapacity {@code memagent.queue.capacity}: rows held while the database is slow or away
 * @param operationsMax {@code memagent.operations.max}: sizes the queue of per-operation aggregates
 * @param flushIntervalMs {@code memagent.flush.interval.ms}
 * @param shutdownTimeoutMs {@code memagent.shutdown.timeout.ms}
 * @param retentionDays {@code memagent.retention.days} (raw rows)
 * @param retentionMinutesDays {@code memagent.retention.minutes.days} (the per-minute rollups)
 * @param retentionHoursDays {@code memagent.retention.hours.days} (the per-hour rollups)
 */
public record DatabaseSettings(String jdbcUrl, String user, String password, String schema, boolean migrate,
                               int queueCapacity, int operationsMax, long flushIntervalMs, long shutdownTimeoutMs,
                               int retentionDays, int retentionMinutesDays, int retentionHoursDays) {
    @Override
    public String toString() { // never the password, whoever prints it
        return "DatabaseSettings[" + io.memagent.agent.util.Secrets.mask(jdbcUrl) + ", schema " + schema + "]";
    }
}
