package io.memagent.agent.store;

/**
 * Where the agent's threads hand rows. {@link #offer} never blocks and never throws: a row
 * that does not fit is dropped and counted by reason.
 */
public interface RowSink {
    void offer(Row row);

    /** The writer's own figures, for the exit report, {@code /api/memory/database} and {@code /metrics}. */
    WriterStats stats();

    /**
     * Writes what is held, within {@code timeoutMs}, and records the run's end. What cannot be
     * written in time is counted as dropped ({@code shutdown_timeout}).
     */
    void close(long timeoutMs);

    /** Whether the 1-minute and 1-hour rollups ({@link Table#METHOD_ALLOCATION_STATS_1M}, ..._1H) are wanted. */
    default boolean storesRollups() {
        return false;
    }
}
