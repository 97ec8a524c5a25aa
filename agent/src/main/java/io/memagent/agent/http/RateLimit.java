package io.memagent.agent.http;

import java.util.concurrent.ConcurrentHashMap;

/**
 * POST endpoints that stop the JVM (a full collection, a class histogram) run at most once per
 * {@link #MIN_INTERVAL_MS} each; sooner is a 429 saying when to try again. Heap dumps have their
 * own limit ({@code memagent.heapdump.interval.minutes}).
 */
final class RateLimit {
    static final long MIN_INTERVAL_MS = 5_000;
    private final ConcurrentHashMap<String, Long> last = new ConcurrentHashMap<>();

    void acquire(String what, long nowMs) throws BadRequest {
        Long[] refused = new Long[1];
        last.compute(what, (k, before) -> {
            if (before != null && nowMs - before < MIN_INTERVAL_MS && nowMs >= before) {
                refused[0] = before;
                return before;
            }
            return nowMs;
        });
        if (refused[0] != null) {
            long waitMs = MIN_INTERVAL_MS - (nowMs - refused[0]);
            throw new BadRequest(429, "POST /api/memory/" + what + " ran " + (nowMs - refused[0]) + " ms ago: at most one per "
                    + MIN_INTERVAL_MS / 1000 + " s; try again in " + waitMs + " ms");
        }
    }
}
