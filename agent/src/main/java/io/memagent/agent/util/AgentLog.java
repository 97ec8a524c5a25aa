package io.memagent.agent.util;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's own log: one line per message on stderr, prefixed so it stands out from the
 * app's output, secrets masked ({@link Secrets#mask}). Repeated errors of one kind are rate-limited, so a database that stays down
 * says so once a minute, not once a batch.
 */
public final class AgentLog {
    private static final String PREFIX = "[memagent] ";
    private static final ConcurrentHashMap<String, Long> LAST = new ConcurrentHashMap<>();

    private AgentLog() {
    }

    public static void info(String message) {
        System.err.println(PREFIX + Secrets.mask(message));
    }

    public static void warn(String message) {
        System.err.println(PREFIX + "WARN " + Secrets.mask(message));
    }

    public static void error(String message) {
        System.err.println(PREFIX + "ERROR " + Secrets.mask(message));
    }

    /** Logs {@code message} unless a message with the same key was logged in the last {@code periodMs}. */
    public static boolean errorAtMostEvery(String key, long periodMs, String message) {
        long now = System.currentTimeMillis();
        Long last = LAST.get(key);
        if (last != null && now - last < periodMs) {
            return false;
        }
        LAST.put(key, now);
        error(message);
        return true;
    }

    /** As {@link #errorAtMostEvery}, at WARN. */
    public static boolean warnAtMostEvery(String key, long periodMs, String message) {
        long now = System.currentTimeMillis();
        Long last = LAST.get(key);
        if (last != null && now - last < periodMs) {
            return false;
        }
        LAST.put(key, now);
        warn(message);
        return true;
    }

    /** Logs {@code message} the first time {@code key} is seen, never again. */
    public static void once(String key, String message) {
        if (LAST.putIfAbsent("once:" + key, 0L) == null) {
            warn(message);
        }
    }
}
