package io.memagent.agent.util;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random version-4 UUIDs for the ids of rows made often (per-call rows, spikes), from {@link ThreadLocalRandom}:
 * {@link UUID#randomUUID()} draws from {@code SecureRandom}, a synchronized generator that cost about a fifth of the
 * spike thread's CPU on an app with ten spikes a second. These ids only have to be distinct, not unguessable.
 */
public final class RandomIds {
    private RandomIds() {
    }

    /** A new random id. */
    public static UUID uuid() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new UUID(high(r.nextLong()), low(r.nextLong()));
    }

    /** The most significant bits of a version-4 UUID from 64 random bits. */
    public static long high(long random) {
        return (random & ~0xF000L) | 0x4000L;
    }

    /** The least significant bits of a version-4 (IETF variant) UUID from 64 random bits. */
    public static long low(long random) {
        return (random & ~(3L << 62)) | (2L << 62);
    }
}
