package io.memagent.agent.store;

import io.memagent.agent.util.AgentLog;
import io.memagent.agent.util.Names;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The agent's own (shaded) pgjdbc logs through {@code java.util.logging}, which would print
 * unprefixed WARNING lines on the app's stderr at every retry. Its loggers
 * ({@code io.memagent.shaded.org.postgresql.*}; an app's own {@code org.postgresql} is left
 * alone) are routed into the agent's log instead: WARNING and above only, prefixed
 * {@code [memagent] WARN pgjdbc:}, secrets masked, at most one line a minute per logger.
 */
public final class DriverLog {
    static final String LOGGER = "io.memagent.shaded.org.postgresql";
    static final long EVERY_MS = 60_000;
    /** Held: java.util.logging keeps loggers only weakly, and would forget this configuration. */
    private static Logger logger;

    private DriverLog() {
    }

    public static synchronized void install() {
        if (logger != null) {
            return;
        }
        try {
            Logger l = Logger.getLogger(LOGGER);
            l.setUseParentHandlers(false);
            l.setLevel(Level.WARNING);
            for (Handler h : l.getHandlers()) {
                l.removeHandler(h);
            }
            l.addHandler(new Handler() {
                @Override
                public void publish(LogRecord r) {
                    if (r == null || r.getLevel().intValue() < Level.WARNING.intValue()) {
                        return;
                    }
                    String message = r.getMessage();
                    if (r.getParameters() != null && message != null) {
                        try {
                            message = java.text.MessageFormat.format(message, r.getParameters());
                        } catch (IllegalArgumentException ignored) {
                            // keep the pattern as it is
                        }
                    }
                    Throwable t = r.getThrown();
                    String text = "pgjdbc: " + Names.forLog(String.valueOf(message), 500)
                            + (t != null ? " (" + t.getClass().getSimpleName() + ": " + Names.forLog(String.valueOf(t.getMessage()), 300) + ")" : "");
                    AgentLog.warnAtMostEvery("pgjdbc:" + r.getLoggerName(), EVERY_MS, text);
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            });
            logger = l;
        } catch (RuntimeException | LinkageError e) {
            AgentLog.once("driver-log", "cannot route pgjdbc's own log lines into the agent's: " + e);
        }
    }
}
