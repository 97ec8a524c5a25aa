package io.memagent.agent.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.agent.store.CopyLine;
import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void controlCharactersSurrogatesAndBackslashesBecomeVisibleOneToOne() {
        assertEquals("/x\\u0000", Names.operation("/x\0"));
        assertEquals("/x\uFFFD", Names.operation("/x\uFFFD"));
        assertEquals("a\\\\u0000", Names.operation("a\\u0000"));
        assertEquals("\\ud800x", Names.operation("\ud800x"));
        assertEquals("x\\udc00", Names.operation("x\udc00"));
        assertEquals("rocket \ud83d\ude80", Names.operation("rocket \ud83d\ude80"), "a pair stays");
        assertEquals("t\\u0009n\\u000ac\\u0085", Names.operation("t\tn\nc\u0085"));
        assertEquals("plain.Name#op()V", Names.method("plain.Name#op()V"));
        assertNotEquals(Names.operation("a\\u0000"), Names.operation("a\0"));
    }

    @Test
    void longNamesAreCappedWithAHashThatKeepsThemDistinct() {
        String a = Names.operation("x".repeat(65_536));
        String b = Names.operation("x".repeat(65_535) + "y");
        assertEquals(Names.MAX_NAME_CHARS, a.length());
        assertEquals(Names.MAX_NAME_CHARS, b.length());
        assertNotEquals(a, b);
        assertTrue(a.matches("x{238}…#[0-9a-f]{16}"), a);
        assertEquals(a, Names.operation("x".repeat(65_536)), "deterministic");
        assertEquals("x".repeat(256), Names.operation("x".repeat(256)), "at the cap: unchanged");
        String pairs = Names.operation("\ud83d\ude80".repeat(300));
        assertTrue(Character.isLowSurrogate(pairs.charAt(pairs.indexOf('…') - 1)), "no pair split: " + pairs);
    }

    @Test
    void copyTextAndJsonNeverHoldNulOrALoneSurrogate() {
        StringBuilder sb = new StringBuilder();
        new CopyLine(sb).text("t\0\ud800").end();
        assertEquals("t\\\\u0000\\\\ud800\n", sb.toString());
        assertEquals("\"t\\\\u0000\\\\ud800\"", Json.string("t\0\ud800"));
        assertEquals("a\\u0007b\\u00… (15 chars)", Names.forLog("a\u0007b\0c", 12));
    }
}
