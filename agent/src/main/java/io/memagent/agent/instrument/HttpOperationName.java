package io.memagent.agent.instrument;

/**
 * {@code HTTP GET /orders/{id}}: the request's method and its route. A framework's route template
 * is used when the request has one ({@link #ofRoute}); otherwise the path, without its query, with
 * segments that are identifiers rather than routes (digits, UUIDs, long hex, letters mixed with
 * digits) as {@code {id}}, so {@code /orders/42} and {@code /orders/abc1} are one operation, and
 * segments that carry a value (a dot, as in {@code jvm.memory.used} or a file name, or a token longer
 * than {@link #LONG_TOKEN}) as {@code {value}}: a request no route matched (a 404, a 406) never
 * puts what a client sent into an operation name.
 */
final class HttpOperationName {
    private HttpOperationName() {
    }

    static String of(String method, String path) {
        int q = path.indexOf('?');
        String p = q >= 0 ? path.substring(0, q) : path;
        StringBuilder sb = new StringBuilder("HTTP ").append(method).append(' ');
        if (p.isEmpty() || p.charAt(0) != '/') {
            sb.append('/');
        }
        int start = 0;
        while (start <= p.length()) {
            int slash = p.indexOf('/', start);
            int end = slash < 0 ? p.length() : slash;
            String segment = p.substring(start, end);
            sb.append(isIdentifier(segment) ? "{id}" : isValue(segment) ? "{value}" : segment);
            if (slash < 0) {
                break;
            }
            sb.append('/');
            start = slash + 1;
        }
        return sb.toString();
    }

    /** A segment this long is a token (a key, a slug, an encoded value), not a route's word. */
    static final int LONG_TOKEN = 24;

    /** A segment that carries a value rather than a route's word: with a dot, or a long token. */
    static boolean isValue(String s) {
        return s.indexOf('.') >= 0 || s.length() > LONG_TOKEN;
    }

    /** A framework's route template ({@code /orders/{id}}), used as it is, without its query. */
    static String ofRoute(String method, String route) {
        int q = route.indexOf('?');
        String r = q >= 0 ? route.substring(0, q) : route;
        return "HTTP " + method + ' ' + (r.startsWith("/") ? r : "/" + r);
    }

    /** Where request names beyond {@code memagent.http.names.max} are counted. */
    static String other(String method) {
        return "HTTP " + method + " (other)";
    }

    /**
     * A segment that names a thing rather than a route: digits, a UUID or long hex, or letters
     * mixed with digits ({@code abc1}, {@code ord-2024-17}), except a version such as {@code v2}.
     */
    static boolean isIdentifier(String s) {
        if (s.isEmpty()) {
            return false;
        }
        boolean anyDigit = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            anyDigit |= c >= '0' && c <= '9';
        }
        if (anyDigit && !isVersion(s)) {
            return true;
        }
        boolean digits = true;
        boolean hex = true;
        int hexDigits = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean d = c >= '0' && c <= '9';
            boolean h = d || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            digits &= d;
            hex &= h || c == '-';
            if (h) {
                hexDigits++;
            }
        }
        return digits || (hex && hexDigits >= 16);
    }

    /** {@code v1}, {@code v2}, {@code V10}: an API version, part of the route. */
    private static boolean isVersion(String s) {
        if (s.length() < 2 || s.length() > 4 || (s.charAt(0) != 'v' && s.charAt(0) != 'V')) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
