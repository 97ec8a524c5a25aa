package io.memagent.agent.detect;

/**
 * The slope rule every leak detector applies to its series.
 *
 * @param windowMs {@code memagent.leak.window.ms}: the series is fitted over this window, and must span half of it
 * @param growthBytesPerHour {@code memagent.leak.growth.mb.per.hour}, in bytes: the slope above which a series leaks
 */
public record LeakRules(long windowMs, long growthBytesPerHour) {
}
