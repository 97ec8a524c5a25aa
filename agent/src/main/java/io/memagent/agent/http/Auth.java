package io.memagent.agent.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Who may call what. POST endpoints always need {@code Authorization: Bearer <token>} (the
 * configured {@code memagent.http.token}, or the one generated at start, see
 * {@link GeneratedToken}); off loopback every endpoint does. The comparison is of
 * SHA-256 digests with {@link MessageDigest#isEqual}, so its time tells neither the token's
 * bytes nor its length.
 */
final class Auth {
    /** The outcome of a check: 0 = allowed, else the HTTP status to answer. */
    static final int OK = 0;

    private final byte[] tokenDigest;
    private final boolean everyEndpoint;

    Auth(String token, boolean loopback) {
        this.tokenDigest = sha256(java.util.Objects.requireNonNull(token, "token"));
        this.everyEndpoint = !loopback;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when the header carries the right Bearer token. */
    boolean valid(String authorization) {
        return isBearer(authorization) && MessageDigest.isEqual(sha256(authorization.substring(7).trim()), tokenDigest);
    }

    /** 401 when a needed token is missing or not a Bearer token, 403 when it is wrong. */
    int check(boolean post, String authorization) {
        if (!post && !everyEndpoint) {
            return OK;
        }
        if (!isBearer(authorization)) {
            return 401;
        }
        return valid(authorization) ? OK : 403;
    }

    private static boolean isBearer(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
    }
}
