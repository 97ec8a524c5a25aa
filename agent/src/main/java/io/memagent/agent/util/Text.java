package io.memagent.agent.util;

import java.util.Locale;

/**
 * {@code String.format(Locale.ROOT, ...)} for the conversions the exit report and the agent's lines use, without
 * {@link java.util.Formatter}: {@code %s}, {@code %d}, {@code %f} with the flags {@code -}, {@code +} and
 * {@code ,}, a width and (for {@code %f}) a precision; {@code %n} and {@code %%}. The same text, to the character.
 *
 * <p>Why: the JDK's formatter is costly the first time, and the exit report of every JVM is that first time. It
 * parses a pattern with a regular expression (JDK 17) and sets up the locale data for any number (JDK 21+): about
 * 10 ms of a JVM's exit on JDK 17 and 35 ms on JDK 25, measured on 2 cores, for a JVM that may have run for 50 ms.
 * Anything else in a pattern is left to {@code String.format}.
 */
public final class Text {
    private Text() {
    }

    public static String format(String pattern, Object... args) {
        StringBuilder out = new StringBuilder(pattern.length() + 16 * args.length);
        int next = 0;
        int i = 0;
        int n = pattern.length();
        while (i < n) {
            char c = pattern.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            boolean left = false;
            boolean plus = false;
            boolean grouped = false;
            int j = i + 1;
            for (; j < n; j++) {
                char f = pattern.charAt(j);
                if (f == '-') {
                    left = true;
                } else if (f == '+') {
                    plus = true;
                } else if (f == ',') {
                    grouped = true;
                } else {
                    break;
                }
            }
            if (j < n && pattern.charAt(j) == '0') {
                return String.format(Locale.ROOT, pattern, args); // zero padding
            }
            int width = -1;
            for (; j < n && pattern.charAt(j) >= '0' && pattern.charAt(j) <= '9'; j++) {
                width = (width < 0 ? 0 : width * 10) + (pattern.charAt(j) - '0');
            }
            int precision = -1;
            if (j < n && pattern.charAt(j) == '.') {
                j++;
                precision = 0;
                int start = j;
                for (; j < n && pattern.charAt(j) >= '0' && pattern.charAt(j) <= '9'; j++) {
                    precision = precision * 10 + (pattern.charAt(j) - '0');
                }
                if (j == start) {
                    return String.format(Locale.ROOT, pattern, args);
                }
            }
            if (j >= n || (left && width < 0)) {
                return String.format(Locale.ROOT, pattern, args); // a pattern cut short, or the formatter's exception
            }
            char conversion = pattern.charAt(j);
            String text;
            if (conversion == 'n' && !left && !plus && !grouped && width < 0 && precision < 0) {
                text = System.lineSeparator();
            } else if (conversion == '%' && !left && !plus && !grouped && width < 0 && precision < 0) {
                text = "%";
            } else if (next >= args.length) {
                return String.format(Locale.ROOT, pattern, args); // the formatter's own exception
            } else if (conversion == 's' && !plus && !grouped && precision < 0
                    && !(args[next] instanceof java.util.Formattable)) {
                text = String.valueOf(args[next++]);
            } else if (conversion == 'd' && precision < 0 && isInteger(args[next])) {
                text = integer(((Number) args[next++]).longValue(), plus, grouped);
            } else if (conversion == 'f' && !grouped && (args[next] instanceof Double || args[next] instanceof Float)) {
                text = decimal(((Number) args[next++]).doubleValue(), precision < 0 ? 6 : precision, plus);
            } else {
                return String.format(Locale.ROOT, pattern, args);
            }
            pad(out, text, width, left);
            i = j + 1;
        }
        return out.toString();
    }

    /** {@code %,d}: the count with a comma every three digits. */
    public static String grouped(long value) {
        return integer(value, false, true);
    }

    private static boolean isInteger(Object arg) {
        return arg instanceof Long || arg instanceof Integer || arg instanceof Short || arg instanceof Byte;
    }

    private static String integer(long value, boolean plus, boolean grouped) {
        String digits = Long.toString(value);
        boolean negative = value < 0;
        if (negative) {
            digits = digits.substring(1);
        }
        StringBuilder b = new StringBuilder(digits.length() + 8);
        if (negative) {
            b.append('-');
        } else if (plus) {
            b.append('+');
        }
        if (!grouped) {
            return b.append(digits).toString();
        }
        int lead = digits.length() % 3 == 0 ? 3 : digits.length() % 3;
        b.append(digits, 0, lead);
        for (int k = lead; k < digits.length(); k += 3) {
            b.append(',').append(digits, k, k + 3);
        }
        return b.toString();
    }

    /**
     * {@code %.Nf}: as the formatter does, the shortest decimal that names the double ({@link Double#toString}),
     * rounded half up to {@code precision} places; the sign of a negative value (or negative zero) is kept. Done
     * on the digits, without {@code BigDecimal}, whose first use (and {@code BigInteger}'s) costs a JVM's exit
     * several milliseconds more.
     */
    private static String decimal(double value, int precision, boolean plus) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        boolean negative = Double.compare(value, 0.0) < 0;
        double magnitude = Math.abs(value);
        String digits = Double.isInfinite(magnitude) ? "Infinity" : rounded(Double.toString(magnitude), precision);
        return negative ? "-" + digits : plus ? "+" + digits : digits;
    }

    /** {@code shortest} ("123.456", "1.0E-5", "1.234E10") in plain notation, rounded half up to {@code places}. */
    private static String rounded(String shortest, int places) {
        int e = shortest.indexOf('E');
        String mantissa = e < 0 ? shortest : shortest.substring(0, e);
        int dot = mantissa.indexOf('.');
        StringBuilder d = new StringBuilder(mantissa.length() + 8).append(mantissa, 0, dot).append(mantissa, dot + 1,
                mantissa.length());
        int point = dot + (e < 0 ? 0 : Integer.parseInt(shortest.substring(e + 1))); // digits before the point
        if (point < 1) {
            d.insert(0, "0".repeat(1 - point));
            point = 1;
        }
        while (d.length() < point + places + 1) {
            d.append('0');
        }
        boolean up = d.charAt(point + places) >= '5';
        d.setLength(point + places);
        for (int k = d.length() - 1; up && k >= 0; k--) {
            char c = d.charAt(k);
            d.setCharAt(k, c == '9' ? '0' : (char) (c + 1));
            up = c == '9';
        }
        if (up) {
            d.insert(0, '1');
            point++;
        }
        int lead = 0;
        while (lead < point - 1 && d.charAt(lead) == '0') {
            lead++;
        }
        String whole = d.substring(lead, point);
        return places == 0 ? whole : whole + "." + d.substring(point);
    }

    private static void pad(StringBuilder out, String text, int width, boolean left) {
        int fill = width - text.length();
        if (left) {
            out.append(text);
        }
        for (int k = 0; k < fill; k++) {
            out.append(' ');
        }
        if (!left) {
            out.append(text);
        }
    }
}
