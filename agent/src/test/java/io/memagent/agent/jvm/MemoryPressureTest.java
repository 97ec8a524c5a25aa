package io.memagent.agent.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryPressureTest {
    @Test
    void shedsAfterTwoFullCollectionsInARowAndResumesBelowTheLowMark() {
        List<Boolean> changes = new ArrayList<>();
        MemoryPressure p = new MemoryPressure(changes::add);

        p.observe(96);
        assertFalse(p.shedding(), "one full collection can be a passing peak");
        p.observe(50);
        p.observe(97);
        assertFalse(p.shedding(), "two full collections, but not in a row");
        p.observe(95);
        assertTrue(p.shedding());
        assertEquals(List.of(true), changes);

        p.observe(80);
        p.observe(75);
        assertTrue(p.shedding(), "between the marks the state holds: no flapping");
        p.observe(74.9);
        assertFalse(p.shedding());
        assertEquals(List.of(true, false), changes);

        p.observe(99);
        p.observe(99);
        p.observe(99);
        assertEquals(List.of(true, false, true), changes, "one change per episode, not per collection");
        assertEquals(2, p.episodes());
    }
}
