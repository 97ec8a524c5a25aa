package io.memagent.agent.runtime;

import io.memagent.agent.config.Config;
import io.memagent.agent.detect.LeakRules;
import io.memagent.agent.detect.SpikeThresholds;
import io.memagent.agent.http.HttpSettings;
import io.memagent.agent.jvm.HeapThresholds;
import io.memagent.agent.jvm.SamplerSettings;
import io.memagent.agent.store.DatabaseSettings;

/**
 * The one place that reads {@link Config} for the components: each gets a small record of the
 * values it needs, named after their keys, so a component can be built (and tested) without a
 * configuration and no package below the wiring depends on {@code config}.
 */
public final class Settings {
    private Settings() {
    }

    public static HeapThresholds heap(Config c) {
        return new HeapThresholds(c.heapElevatedPct(), c.heapWarningPct(), c.heapCriticalPct());
    }

    public static SamplerSettings sampler(Config c) {
        return new SamplerSettings(c.sampleIntervalMs(), c.nmtIntervalMs(), c.containerMemoryLimitBytes(), heap(c));
    }

    public static LeakRules leaks(Config c) {
        return new LeakRules(c.leakWindowMs(), c.leakGrowthBytesPerHour());
    }

    public static SpikeThresholds spikes(Config c) {
        return new SpikeThresholds(c.spikeMediumBytes(), c.spikeHighBytes(), c.spikeCriticalBytes(),
                c.spikeConsecutiveLimit());
    }

    public static DatabaseSettings database(Config c) {
        return new DatabaseSettings(c.jdbcUrl(), c.jdbcUser(), c.jdbcPassword(), c.dbSchema(), c.dbMigrate(),
                c.queueCapacity(), c.operationsMax(), c.flushIntervalMs(), c.shutdownTimeoutMs(), c.retentionDays(),
                c.retentionMinutesDays(), c.retentionHoursDays());
    }

    public static HttpSettings http(Config c) {
        return new HttpSettings(c.httpHost(), c.httpPort(), c.httpToken(), c.masked(), c.sources());
    }
}
