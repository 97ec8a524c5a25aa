package io.memagent.agent.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Builds PostgreSQL COPY text-format lines: tab between columns, {@code \N} for null, and
 * backslash, tab, newline and carriage return escaped, so any operation name (quotes, unicode,
 * 10 KB strings) arrives as it was. NUL and unpaired surrogates, which PostgreSQL text cannot
 * hold, become visible escapes ({@link io.memagent.agent.util.Names#storable}); operation names arrive
 * here already normalized ({@link io.memagent.agent.util.Names#operation}), so no two collapse. No SQL
 * is ever built from values.
 *
 * <p>A line made with {@link #capturing} writes no text: it collects the typed values instead
 * (Long, Double, Boolean, String, UUID, Instant, {@link JsonText}, or null), in column order.
 * That is how {@link Row#values()} reads any row's columns without code in the row.
 */
public final class CopyLine {
    private final StringBuilder out;
    private final List<Object> captured;
    private boolean first = true;

    public CopyLine(StringBuilder out) {
        this.out = out;
        this.captured = null;
    }

    private CopyLine(List<Object> captured) {
        this.out = null;
        this.captured = captured;
    }

    /** A line that collects each column's typed value into {@code into}. */
    public static CopyLine capturing(List<Object> into) {
        return new CopyLine(into);
    }

    /** A jsonb column's text, kept apart from plain strings so it can be served as JSON. */
    public record JsonText(String json) {
    }

    private boolean capture(Object value) {
        if (captured == null) {
            return false;
        }
        captured.add(value);
        return true;
    }

    private StringBuilder next() {
        if (!first) {
            out.append('\t');
        }
        first = false;
        return out;
    }

    public CopyLine text(String value) {
        if (capture(value)) {
            return this;
        }
        if (value == null) {
            next().append("\\N");
            return this;
        }
        StringBuilder sb = next();
        value = io.memagent.agent.util.Names.storable(value);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
        return this;
    }

    public CopyLine number(long value) {
        if (capture(value)) {
            return this;
        }
        next().append(value);
        return this;
    }

    public CopyLine number(Long value) {
        if (capture(value)) {
            return this;
        }
        if (value == null) {
            next().append("\\N");
        } else {
            next().append(value.longValue());
        }
        return this;
    }

    public CopyLine decimal(double value) {
        if (capture(Double.isFinite(value) ? value : 0.0)) {
            return this;
        }
        next().append(Double.isFinite(value) ? Double.toString(value) : "0");
        return this;
    }

    /** A nullable double precision column. */
    public CopyLine decimal(Double value) {
        if (value == null) {
            if (capture(null)) {
                return this;
            }
            next().append("\\N");
            return this;
        }
        return decimal(value.doubleValue());
    }

    /** A bytea column, in COPY text's hex form ({@code \\x...}: the backslash escaped); null stays SQL NULL. */
    public CopyLine bytes(byte[] value) {
        if (capture(value)) {
            return this;
        }
        if (value == null) {
            next().append("\\N");
            return this;
        }
        StringBuilder sb = next().append("\\\\x");
        for (byte b : value) {
            sb.append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
        }
        return this;
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    public CopyLine bool(boolean value) {
        if (capture(value)) {
            return this;
        }
        next().append(value ? 't' : 'f');
        return this;
    }

    public CopyLine uuid(UUID value) {
        if (capture(value)) {
            return this;
        }
        next().append(value);
        return this;
    }

    /** A timestamptz from epoch milliseconds. */
    public CopyLine timestamp(long epochMillis) {
        if (capture(Instant.ofEpochMilli(epochMillis))) {
            return this;
        }
        next().append(Instant.ofEpochMilli(epochMillis));
        return this;
    }

    public CopyLine timestamp(Long epochMillis) {
        if (captured != null && epochMillis == null) {
            capture(null);
            return this;
        }
        return epochMillis == null ? text(null) : timestamp(epochMillis.longValue());
    }

    public CopyLine json(String json) {
        if (capture(new JsonText(json == null ? "{}" : json))) {
            return this;
        }
        return text(json == null ? "{}" : json);
    }

    /** A nullable jsonb column: null stays SQL NULL (where {@link #json} writes {@code {}}). */
    public CopyLine jsonOrNull(String json) {
        if (json == null) {
            if (capture(null)) {
                return this;
            }
            next().append("\\N");
            return this;
        }
        return json(json);
    }

    public void end() {
        if (captured != null) {
            return;
        }
        out.append('\n');
        first = true;
    }
}
