package io.memagent.agent.util;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The one place text is made safe for every sink: PostgreSQL COPY text and jsonb (which hold no
 * NUL, and pgjdbc turns an unpaired surrogate into {@code ?}), JSON and the agent's log.
 *
 * <p>{@link #operation} and {@link #method} normalize an operation's name once, when it is
 * registered: a backslash becomes {@code \\}, every control character (NUL, tab, newline,
 * C1) and every unpaired surrogate becomes a visible {@code \}{@code uXXXX}. That mapping is
 * one-to-one, so two distinct names stay distinct in every table and in JSON. A name longer than
 * {@link #MAX_NAME_CHARS} (a method, {@link #MAX_METHOD_CHARS}) after escaping keeps its start and
 * ends in {@code …#} plus 16 hex digits of the SHA-256 of the whole escaped name, which keeps it
 * distinct and inside PostgreSQL's index row limit.
 */
public final class Names {
    /** An operation name's length cap, in UTF-16 chars, after escaping. */
    public static final int MAX_NAME_CHARS = 256;
    /** A method's ({@code pkg.Class#name(descriptor)}) length cap. */
    public static final int MAX_METHOD_CHARS = 512;
    private static final String HEX = "0123456789abcdef";

    private Names() {
    }

    /** An operation name as it is stored and served (null stays null). */
    public static String operation(String raw) {
        return raw == null ? null : capped(escaped(raw, true), MAX_NAME_CHARS);
    }

    /** A method as it is stored and served. */
    public static String method(String raw) {
        return raw == null ? null : capped(escaped(raw, true), MAX_METHOD_CHARS);
    }

    /**
     * Free text (thread names, stack traces, messages) for a table or JSON: only what PostgreSQL
     * cannot hold (NUL, unpaired surrogates) becomes a visible escape; everything else stays.
     */
    public static String storable(String s) {
        if (s == null) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0 || Character.isSurrogate(c)) {
                return escaped(s, false);
            }
        }
        return s;
    }

    /** Text for one log line: control characters and unpaired surrogates escaped, at most {@code max} chars. */
    public static String forLog(String s, int max) {
        if (s == null) {
            return "null";
        }
        String e = escaped(s, true);
        return e.length() <= max ? e : cut(e, max) + "… (" + e.length() + " chars)";
    }

    /**
     * {@code all}: backslash, control characters and unpaired surrogates (one-to-one); otherwise
     * only NUL and unpaired surrogates.
     */
    private static String escaped(String s, boolean all) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            boolean escape = Character.isSurrogate(c) && !paired || c == 0 || all && (c == '\\' || Character.isISOControl(c));
            if (!escape) {
                if (sb != null) {
                    sb.append(c);
                    if (paired) {
                        sb.append(s.charAt(i + 1));
                    }
                }
                if (paired) {
                    i++;
                }
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (c == '\\') {
                sb.append("\\\\");
            } else {
                sb.append("\\u").append(HEX.charAt(c >> 12 & 15)).append(HEX.charAt(c >> 8 & 15))
                        .append(HEX.charAt(c >> 4 & 15)).append(HEX.charAt(c & 15));
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static String capped(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        String suffix = "…#" + sha256Hex16(s);
        return cut(s, max - suffix.length()) + suffix;
    }

    /** The first {@code n} chars, one fewer if that would split a surrogate pair. */
    private static String cut(String s, int n) {
        if (n > 0 && n < s.length() && Character.isHighSurrogate(s.charAt(n - 1))) {
            n--;
        }
        return s.substring(0, Math.min(n, s.length()));
    }

    private static String sha256Hex16(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder(16);
            for (int i = 0; i < 8; i++) {
                sb.append(HEX.charAt(d[i] >> 4 & 15)).append(HEX.charAt(d[i] & 15));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
