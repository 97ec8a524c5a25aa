package io.memagent.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class MemoryAssertionsTest {
    static volatile Object sink;

    @Test
    void aBudgetOfExactlyWhatTheCodeAllocatesPasses() {
        for (int i = 0; i < 3; i++) { // the same figure every time: nothing of ours in the window
            assertEquals(4_016, MemoryAssertions.assertAllocatesAtMost(4_016, () -> sink = new byte[4000]));
        }
        assertEquals(8_016, MemoryAssertions.allocatedBytes(() -> sink = new long[1000]));
        assertEquals(0, MemoryAssertions.assertAllocatesAtMost(0, () -> sink = null));
    }

    @Test
    void oneByteOverTheBudgetFailsWithTheActualBytes() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> MemoryAssertions.assertAllocatesAtMost(4_015, () -> sink = new byte[4000]));
        assertEquals("the code allocated 4,016 bytes on its thread, over the budget of 4,015 bytes by 1", e.getMessage());
        assertEquals(4_016L, e.getActual().getValue());
        assertEquals(4_015L, e.getExpected().getValue());
    }

    @Test
    void anExceptionFromTheCodePassesThroughUnchanged() {
        IllegalStateException planned = new IllegalStateException("planned");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MemoryAssertions.assertAllocatesAtMost(1_000_000, () -> {
                    throw planned;
                }));
        assertEquals(planned, e);
    }
}
