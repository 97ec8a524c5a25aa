package io.memagent.agent.detect;

/**
 * Bytes at which one call (or one sample's heap growth) is a medium, high or critical spike
 * ({@code memagent.spike.medium.mb}, {@code .high.mb}, {@code .critical.mb}, ascending), and how
 * many spikes in a row of one operation raise an alert ({@code memagent.spike.consecutive.limit}).
 */
public record SpikeThresholds(long mediumBytes, long highBytes, long criticalBytes, int consecutiveLimit) {
    long[] bytes() {
        return new long[] {mediumBytes, highBytes, criticalBytes};
    }
}
