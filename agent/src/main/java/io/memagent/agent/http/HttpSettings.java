package io.memagent.agent.http;

import java.util.Map;

/**
 * What the HTTP API needs of the configuration.
 *
 * @param host {@code memagent.http.host}
 * @param port {@code memagent.http.port}
 * @param token {@code memagent.http.token}, or null (then only a loopback host is accepted)
 * @param shownConfig every key's effective value, secrets masked: what {@code /api/memory/config} shows
 * @param configSources where each key's value came from
 */
public record HttpSettings(String host, int port, String token, Map<String, String> shownConfig,
                           Map<String, String> configSources) {
    @Override
    public String toString() { // never the token
        return "HttpSettings[" + host + ":" + port + "]";
    }
}
