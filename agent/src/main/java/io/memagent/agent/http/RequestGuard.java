package io.memagent.agent.http;

import java.net.InetAddress;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What keeps a web page in a browser on this machine from using the API (DNS rebinding, forged
 * cross-origin POSTs). A request's {@code Host} must name this server: the bound address, a
 * loopback name or address ({@code localhost}, {@code 127.0.0.1}, {@code ::1}), or
 * {@code memagent.http.host} as configured; bound to every interface ({@code 0.0.0.0}), any IP
 * address and this machine's name pass too. A POST carrying an {@code Origin} must come from a
 * page of this server ({@code http://<such a host>:<port>}); {@code Origin: null} is foreign.
 * Names are compared as text and IP literals parsed without any DNS lookup.
 */
final class RequestGuard {
    private final Set<String> hosts = new LinkedHashSet<>();
    private final boolean anyAddress;
    private final int port;

    RequestGuard(String configuredHost, InetAddress bound, int port) {
        this.port = port;
        this.anyAddress = bound.isAnyLocalAddress();
        hosts.add(normalize(configuredHost));
        hosts.add(normalize(bound.getHostAddress()));
        hosts.add("localhost");
        hosts.add("127.0.0.1");
        hosts.add("::1");
        if (anyAddress) {
            try {
                hosts.add(normalize(InetAddress.getLocalHost().getHostName()));
            } catch (Exception ignored) {
                // no name for this machine: its addresses still pass
            }
        }
    }

    /** Lower case, without brackets, zone id or a trailing dot. */
    static String normalize(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        int zone = h.indexOf('%');
        if (zone >= 0) {
            h = h.substring(0, zone);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /** The host part of a Host header value ({@code name}, {@code name:port}, {@code [v6]:port}). */
    static String hostPart(String header) {
        String h = header.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return colon >= 0 && colon == h.lastIndexOf(':') ? h.substring(0, colon) : h;
    }

    boolean allowedHost(String host) {
        String h = normalize(host);
        if (hosts.contains(h)) {
            return true;
        }
        InetAddress literal = literal(h);
        return literal != null && (literal.isLoopbackAddress() || anyAddress);
    }

    /** An IP address written as one (never a DNS lookup), else null. */
    static InetAddress literal(String h) {
        boolean v4 = h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = h.indexOf(':') >= 0 && h.matches("[0-9a-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(h);
        } catch (Exception e) {
            return null;
        }
    }

    /** Null when the Host header is acceptable (or absent, as HTTP/1.0 allows), else the error. */
    String checkHost(String header) {
        if (header == null || allowedHost(hostPart(header))) {
            return null;
        }
        return "Host '" + Params.shorten(header) + "' is not this server's: expected one of " + String.join(", ", hosts)
                + (anyAddress ? ", or an IP address of this machine" : "") + " (memagent.http.host), with the port";
    }

    /** Null when a POST's Origin is absent or this server's, else the error. */
    String checkOrigin(String origin) {
        if (origin == null) {
            return null;
        }
        try {
            URI u = new URI(origin.trim());
            int p = u.getPort() == -1 ? 80 : u.getPort();
            if ("http".equalsIgnoreCase(u.getScheme()) && u.getHost() != null && allowedHost(u.getHost()) && p == port) {
                return null;
            }
        } catch (Exception ignored) {
            // not a URI: foreign
        }
        return "Origin '" + Params.shorten(origin) + "' is not this server's: POST endpoints accept only requests from"
                + " http://" + hosts.iterator().next() + ":" + port + " pages or without an Origin (curl, scripts)";
    }
}
