package io.memagent.agent.runtime;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.UUID;

/**
 * A run's id: a random (version 4) UUID, as {@link UUID#randomUUID()} makes, from 16 bytes of the kernel's
 * {@code /dev/urandom}. Read directly because {@code randomUUID()}'s first call sets up the JDK's security providers
 * and a {@code SecureRandom} (about 25 ms of a JVM's start on 2 cores, measured) for what is one read of the same
 * device. Where the device cannot be read (not Linux or macOS), {@code randomUUID()}.
 */
final class RunIds {
    private static final String DEVICE = "/dev/urandom";

    private RunIds() {
    }

    static UUID random() {
        try (InputStream in = new FileInputStream(DEVICE)) {
            byte[] b = in.readNBytes(16);
            if (b.length == 16) {
                return fromRandomBytes(b);
            }
        } catch (IOException | SecurityException e) {
            // below
        }
        return UUID.randomUUID();
    }

    /** A version 4, IETF variant UUID of 16 random bytes (the bits {@code randomUUID()} sets, set alike). */
    static UUID fromRandomBytes(byte[] b) {
        b[6] = (byte) ((b[6] & 0x0f) | 0x40); // version 4
        b[8] = (byte) ((b[8] & 0x3f) | 0x80); // IETF variant
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (b[i] & 0xff);
        }
        for (int i = 8; i < 16; i++) {
            lsb = (lsb << 8) | (b[i] & 0xff);
        }
        return new UUID(msb, lsb);
    }
}
