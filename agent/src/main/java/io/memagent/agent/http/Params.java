package io.memagent.agent.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A request's query parameters, each checked against what its endpoint accepts. */
final class Params {
    private static final Pattern AGO = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private final Map<String, String> values = new LinkedHashMap<>();

    Params(String rawQuery, Set<String> accepted) throws BadRequest {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key;
            String value;
            try {
                key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new BadRequest("the query is not valid URL encoding");
            }
            if (!accepted.contains(key)) {
                throw new BadRequest("unknown parameter '" + shorten(key) + "': expected "
                        + (accepted.isEmpty() ? "none" : "one of " + String.join(", ", accepted)));
            }
            if (values.put(key, value) != null) {
                throw new BadRequest("parameter '" + key + "' is given twice");
            }
        }
    }

    static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    String text(String key, String defaultValue, Set<String> allowed) throws BadRequest {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!allowed.contains(v)) {
            throw new BadRequest(key + " = '" + shorten(v) + "' is not valid: expected one of " + String.join(", ", allowed));
        }
        return v;
    }

    int integer(String key, int defaultValue, int min, int max) throws BadRequest {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the message
        }
        throw new BadRequest(key + " = '" + shorten(v) + "' is not valid: expected a whole number from " + min + " to " + max);
    }

    /**
     * A point in time: epoch milliseconds, an ISO-8601 instant ({@code 2026-11-23T00:40:00Z}),
     * or an age ({@code 90s}, {@code 15m}, {@code 1h}, {@code 2d}) counted back from now.
     * Null when absent.
     */
    Long since(String key, long nowMs) throws BadRequest {
        String v = values.get(key);
        if (v == null) {
            return null;
        }
        if (v.matches("\\d{1,15}")) {
            return Long.parseLong(v);
        }
        Matcher m = AGO.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            long unit = switch (m.group(2)) {
                case "ms" -> 1L;
                case "s" -> 1_000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                default -> 86_400_000L;
            };
            return nowMs - n * unit;
        }
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new BadRequest(key + " = '" + shorten(v) + "' is not valid: expected epoch milliseconds, an ISO-8601"
                    + " instant such as 2026-11-23T00:40:00Z, or an age such as 90s, 15m, 1h, 2d");
        }
    }
}
