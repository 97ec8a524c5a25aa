package io.memagent.agent.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Whether {@code memagent.http.host} is loopback, decided by the addresses it resolves to (every
 * one must be loopback), never by its text: {@code 127.internal.example} may resolve anywhere.
 */
final class LoopbackHost {
    private LoopbackHost() {
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    static boolean is(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(bare(host));
            return all.length > 0 && Arrays.stream(all).allMatch(InetAddress::isLoopbackAddress);
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }

    /** {@code " (it resolves to A)"} for a name, empty for an address written as one. */
    static String resolved(String host) {
        try {
            InetAddress a = InetAddress.getByName(bare(host));
            return a.getHostAddress().equalsIgnoreCase(bare(host)) ? "" : " (it resolves to " + a.getHostAddress() + ")";
        } catch (UnknownHostException | SecurityException e) {
            return " (it does not resolve)";
        }
    }
}
