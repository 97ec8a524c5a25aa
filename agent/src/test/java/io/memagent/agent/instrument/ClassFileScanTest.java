package io.memagent.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pre-filter's skipping byte search finds exactly what a plain scan finds. */
class ClassFileScanTest {
    @Test
    void findsTheNeedleWhereverItIsAndNothingElse() {
        ClassFileScan.Needle needle = new ClassFileScan.Needle("java/sql/");
        assertTrue(ClassFileScan.mentions(bytes("java/sql/"), needle));
        assertTrue(ClassFileScan.mentions(bytes("xjava/sql/"), needle));
        assertTrue(ClassFileScan.mentions(bytes("java/sql/x"), needle));
        assertTrue(ClassFileScan.mentions(bytes("java/sqjava/sql/Connection"), needle));
        assertFalse(ClassFileScan.mentions(bytes("java/sql"), needle));
        assertFalse(ClassFileScan.mentions(bytes("java/sqL/"), needle));
        assertFalse(ClassFileScan.mentions(bytes(""), needle));
        assertFalse(ClassFileScan.mentions(bytes("javax/sql/"), needle));
    }

    @Test
    void agreesWithAPlainScanOnRandomBytes() {
        Random random = new Random(28);
        String[] texts = {"java/sql/", "Lio/memagent/api/ProfileMemory;", "aa", "aba", "javax/servlet/", "x"};
        for (int round = 0; round < 20_000; round++) {
            String text = texts[round % texts.length];
            ClassFileScan.Needle needle = new ClassFileScan.Needle(text);
            byte[] hay = new byte[random.nextInt(80)];
            for (int i = 0; i < hay.length; i++) { // few distinct bytes, so near misses are common
                hay[i] = (byte) "java/sqlLioxbx;".charAt(random.nextInt(15));
            }
            if (random.nextInt(4) == 0 && hay.length >= needle.bytes.length) {
                System.arraycopy(needle.bytes, 0, hay, random.nextInt(hay.length - needle.bytes.length + 1),
                        needle.bytes.length);
            }
            assertEquals(plain(hay, needle.bytes), ClassFileScan.mentions(hay, needle), text + " in " + new String(hay,
                    StandardCharsets.ISO_8859_1));
        }
    }

    private static boolean plain(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
