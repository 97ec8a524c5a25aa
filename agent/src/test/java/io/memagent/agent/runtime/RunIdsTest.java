package io.memagent.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RunIdsTest {
    @Test
    void aRunIdIsARandomVersion4UuidLikeRandomUuidMakes() {
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            UUID id = RunIds.random();
            assertEquals(4, id.version(), id.toString());
            assertEquals(2, id.variant(), id.toString());
            seen.add(id);
        }
        assertEquals(1_000, seen.size(), "distinct");
    }

    @Test
    void theBytesAreTakenInOrderWithTheVersionAndVariantBitsSet() {
        byte[] ones = new byte[16];
        java.util.Arrays.fill(ones, (byte) 0xff);
        assertEquals(UUID.fromString("ffffffff-ffff-4fff-bfff-ffffffffffff"), RunIds.fromRandomBytes(ones));
        byte[] counting = new byte[16];
        for (int i = 0; i < 16; i++) {
            counting[i] = (byte) i;
        }
        UUID id = RunIds.fromRandomBytes(counting);
        assertEquals(UUID.fromString("00010203-0405-4607-8809-0a0b0c0d0e0f"), id);
        assertNotEquals(RunIds.random(), RunIds.random());
    }
}
