package io.memagent.it;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A panel's SQL as Grafana's PostgreSQL data source sends it: the dashboard's variables first (as the
 * front end interpolates a single-valued variable: the value with {@code '} doubled, no quotes added),
 * then the global substitutions of Grafana's SQL engine ({@code $__interval_ms}, {@code $__interval},
 * {@code $__unixEpochFrom()}, {@code $__unixEpochTo()}), then the PostgreSQL macros
 * ({@code $__timeFilter}, {@code $__timeGroup(Alias)}, {@code $__timeFrom()}, ...; an unknown one is
 * an error, as in Grafana). Modelled on Grafana's pkg/tsdb/grafana-postgresql-datasource (macros.go,
 * sqleng.Interpolate) and gtime.FormatInterval.
 */
final class GrafanaQueries {
    private static final Pattern MACRO = Pattern.compile("\\$([_a-zA-Z0-9]+)\\(([^)]*)\\)");
    private static final DateTimeFormatter NANOS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.nnnnnnnnn")
            .withZone(ZoneOffset.UTC);

    private GrafanaQueries() {
    }

    /** A dashboard's variables (name to value), the time range and the step ({@code $__interval}). */
    record Context(Map<String, String> variables, Instant from, Instant to, Duration interval) {
    }

    static String expand(String sql, Context c) {
        String s = sql;
        // Longest names first, so that $service is never read as $s followed by "ervice".
        List<String> names = new ArrayList<>(c.variables().keySet());
        names.sort((a, b) -> b.length() - a.length());
        for (String name : names) {
            String value = Matcher.quoteReplacement(c.variables().get(name).replace("'", "''"));
            s = s.replace("${" + name + "}", c.variables().get(name).replace("'", "''"));
            s = s.replace("[[" + name + "]]", c.variables().get(name).replace("'", "''"));
            s = s.replaceAll("\\$" + Pattern.quote(name) + "(?![A-Za-z0-9_])", value);
        }
        s = s.replace("$__interval_ms", Long.toString(c.interval().toMillis()));
        s = s.replace("$__interval", formatInterval(c.interval()));
        s = s.replace("$__unixEpochFrom()", Long.toString(c.from().getEpochSecond()));
        s = s.replace("$__unixEpochTo()", Long.toString(c.to().getEpochSecond()));
        Matcher m = MACRO.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            // Grafana's pre-5.3 compatibility: $__timeGroup directly followed by ',' is $__timeGroupAlias.
            if (name.equals("__timeGroup") && m.end() < s.length() && s.charAt(m.end()) == ',') {
                name = "__timeGroupAlias";
            }
            String[] args = m.group(2).split(",", -1);
            for (int i = 0; i < args.length; i++) {
                args[i] = args[i].trim();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(macro(name, args, c)));
        }
        m.appendTail(out);
        String result = out.toString();
        if (result.contains("$")) {
            throw new AssertionError("left unexpanded (a variable the dashboard does not define?): " + result);
        }
        return result;
    }

    private static String macro(String name, String[] args, Context c) {
        String from = "'" + rfc3339Nano(c.from()) + "'";
        String to = "'" + rfc3339Nano(c.to()) + "'";
        switch (name) {
            case "__time":
                return args[0] + " AS \"time\"";
            case "__timeEpoch":
                return "extract(epoch from " + args[0] + ") as \"time\"";
            case "__timeFilter":
                return args[0] + " BETWEEN " + from + " AND " + to;
            case "__timeFrom":
                return from;
            case "__timeTo":
                return to;
            case "__timeGroup": {
                if (args.length < 2 || args.length > 3) {
                    throw new AssertionError("$__timeGroup needs a column and an interval: " + String.join(",", args));
                }
                if (args.length == 3) {
                    throw new AssertionError("fill modes are not used by the dashboard");
                }
                String seconds = seconds(parseInterval(args[1].replace("'", "")));
                return "floor(extract(epoch from " + args[0] + ")/" + seconds + ")*" + seconds;
            }
            case "__timeGroupAlias":
                return macro("__timeGroup", args, c) + " AS \"time\"";
            case "__unixEpochFilter":
                return args[0] + " >= " + c.from().getEpochSecond() + " AND " + args[0] + " <= " + c.to().getEpochSecond();
            case "__unixEpochGroup": {
                String seconds = seconds(parseInterval(args[1].replace("'", "")));
                return "floor((" + args[0] + ")/" + seconds + ")*" + seconds;
            }
            case "__unixEpochGroupAlias":
                return macro("__unixEpochGroup", args, c) + " AS \"time\"";
            default:
                throw new AssertionError("unknown macro \"" + name + "\" (Grafana fails the query)");
        }
    }

    /** Go's time.RFC3339Nano in UTC: fraction without trailing zeros, none when whole. */
    static String rfc3339Nano(Instant t) {
        String s = NANOS.format(t).replaceAll("0+$", "");
        return (s.endsWith(".") ? s.substring(0, s.length() - 1) : s) + "Z";
    }

    /** gtime.FormatInterval: the largest unit that fits, truncated. */
    static String formatInterval(Duration d) {
        long ms = d.toMillis();
        long[] units = {365L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1};
        String[] names = {"y", "d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            if (ms >= units[i]) {
                return ms / units[i] + names[i];
            }
        }
        return "1ms";
    }

    /** Grafana's interval strings: a number and ms, s, m, h, d, w or y. */
    static Duration parseInterval(String s) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)").matcher(s);
        if (!m.matches()) {
            throw new AssertionError("not an interval Grafana parses: " + s);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            case "w" -> Duration.ofDays(7 * n);
            default -> Duration.ofDays(365 * n);
        };
    }

    /** Go's %v of interval.Seconds(): 60, 3600, 0.2. */
    private static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString();
    }
}
