package io.memagent.agent.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Who may call what. Without {@code memagent.http.token} (only possible on loopback) every
 * endpoint is open. With a token on loopback, POST endpoints need
 * {@code Authorization: Bearer <token>}; off loopback every endpoint does. The comparison is of
 * SHA-256 digests with {@link MessageDigest#isEqual}, so its time tells neither the token's
 * bytes nor its length.
 */
final class Auth {
    /** The outcome of a check: 0 = allowed, else the HTTP status to answer. */
    static final int OK = 0;

    private final byte[] tokenDigest;
    private final boolean everyEndpoint;

    Auth(String token, boolean loopback) {
        this.tokenDigest = token == null ? null : sha256(token);
        this.everyEndpoint = !loopback;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 401 when a needed token is missing or not a Bearer token, 403 when it is wrong. */
    int check(boolean post, String authorization) {
        if (tokenDigest == null || (!post && !everyEndpoint)) {
            return OK;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return 401;
        }
        byte[] given = sha256(authorization.substring(7).trim());
        return MessageDigest.isEqual(given, tokenDigest) ? OK : 403;
    }
}
