package io.memagent.agent.instrument;

/**
 * {@code HTTP GET /orders/{id}}: the request's method and a path template. The path's query is
 * dropped, and segments that are identifiers rather than routes (all digits, UUIDs, long hex)
 * become {@code {id}}, so {@code /orders/42} and {@code /orders/43} are one operation.
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
            sb.append(isIdentifier(segment) ? "{id}" : segment);
            if (slash < 0) {
                break;
            }
            sb.append('/');
            start = slash + 1;
        }
        return sb.toString();
    }

    private static boolean isIdentifier(String s) {
        if (s.isEmpty()) {
            return false;
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
}
