package io.memagent.agent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The parts of a heap dump's file name that come from the service name and the dump's reason. */
class HeapDumperTest {
    @Test
    void onlyLettersDigitsUnderscoresAndDashesAreKeptOneUnderscoreForEachOtherCharacter() {
        // "é" is one code point, the emoji two chars but one code point: each becomes one '_'.
        assertEquals("orders-api_v2.1___x", HeapDumper.fileNamePart("orders-api v2.1/é\uD83D\uDE00x", true));
        assertEquals("spike_in_orders_1", HeapDumper.fileNamePart("spike in orders.1", false));
        assertEquals("", HeapDumper.fileNamePart("", true));
    }
}
