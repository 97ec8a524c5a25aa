package io.memagent.agent.store;

import java.time.Instant;
import java.util.UUID;

/**
 * Builds PostgreSQL COPY text-format lines: tab between columns, {@code \N} for null, and
 * backslash, tab, newline and carriage return escaped, so any operation name (quotes, unicode,
 * 10 KB strings) arrives as it was. NUL, which PostgreSQL text cannot hold, becomes U+FFFD.
 * No SQL is ever built from values.
 */
public final class CopyLine {
    private final StringBuilder out;
    private boolean first = true;

    public CopyLine(StringBuilder out) {
        this.out = out;
    }

    private StringBuilder next() {
        if (!first) {
            out.append('\t');
        }
        first = false;
        return out;
    }

    public CopyLine text(String value) {
        if (value == null) {
            next().append("\\N");
            return this;
        }
        StringBuilder sb = next();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\0' -> sb.append('\uFFFD');
                default -> sb.append(c);
            }
        }
        return this;
    }

    public CopyLine number(long value) {
        next().append(value);
        return this;
    }

    public CopyLine number(Long value) {
        if (value == null) {
            next().append("\\N");
        } else {
            next().append(value.longValue());
        }
        return this;
    }

    public CopyLine decimal(double value) {
        next().append(Double.isFinite(value) ? Double.toString(value) : "0");
        return this;
    }

    public CopyLine bool(boolean value) {
        next().append(value ? 't' : 'f');
        return this;
    }

    public CopyLine uuid(UUID value) {
        next().append(value);
        return this;
    }

    /** A timestamptz from epoch milliseconds. */
    public CopyLine timestamp(long epochMillis) {
        next().append(Instant.ofEpochMilli(epochMillis));
        return this;
    }

    public CopyLine timestamp(Long epochMillis) {
        return epochMillis == null ? text(null) : timestamp(epochMillis.longValue());
    }

    public CopyLine json(String json) {
        return text(json == null ? "{}" : json);
    }

    public void end() {
        out.append('\n');
        first = true;
    }
}
