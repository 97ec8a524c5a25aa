package io.memagent.agent.jvm;

/**
 * What the sampler needs of the configuration.
 *
 * @param sampleIntervalMs {@code memagent.sample.interval.ms}
 * @param nmtIntervalMs {@code memagent.nmt.interval.ms}: NMT is read at most this often
 * @param containerMemoryLimitBytes {@code memagent.container.memory.limit.bytes}, or null for the cgroup's
 * @param heap the heap states' thresholds, which also label the container's state
 */
public record SamplerSettings(long sampleIntervalMs, long nmtIntervalMs, Long containerMemoryLimitBytes,
                              HeapThresholds heap) {
}
