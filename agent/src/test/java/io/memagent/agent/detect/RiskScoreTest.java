package io.memagent.agent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The risk score's arithmetic: each factor's share, the sum, and the level. */
class RiskScoreTest {
    static List<Double> contributions(RiskScore.Risk r) {
        return r.factors().stream().map(RiskScore.Factor::contribution).toList();
    }

    @Test
    void aQuietJvmIsLow() {
        RiskScore.Risk r = RiskScore.score(0.30, 0.01, 0, 0, 0, 0);
        assertEquals(List.of(0.0, 0.012, 0.0, 0.0), contributions(r), "1% in GC: 1/20 of 0.25");
        assertEquals(0.012, r.score());
        assertEquals("low", r.level());
    }

    @Test
    void eachFactorAddsItsShare() {
        // 72.5% used: half of 0.40; 10% in GC: half of 0.25; a high leak: 3/4 of 0.20; two medium spikes: 2/8 of 0.15.
        RiskScore.Risk r = RiskScore.score(0.725, 0.10, 1, 0.75, 2, 2);
        assertEquals(List.of(0.2, 0.125, 0.15, 0.038), contributions(r));
        assertEquals(0.513, r.score());
        assertEquals("high", r.level());
        assertEquals(List.of("heap_utilization", "gc_time_share", "open_leaks", "recent_spikes"),
                r.factors().stream().map(RiskScore.Factor::name).toList());
    }

    @Test
    void everythingAtOnceIsCriticalAndCapped() {
        RiskScore.Risk r = RiskScore.score(0.99, 0.5, 3, 2.5, 10, 30);
        assertEquals(1.0, r.score());
        assertEquals("critical", r.level());
        RiskScore.Risk m = RiskScore.score(0.8, 0.05, 0, 0, 0, 0); // 0.267 + 0.063 (each contribution rounded to 3 places)
        assertEquals(0.33, m.score());
        assertEquals("medium", m.level());
    }
}
