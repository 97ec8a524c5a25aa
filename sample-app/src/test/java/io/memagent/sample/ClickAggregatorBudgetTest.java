package io.memagent.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.junit.MemoryAssertions;
import io.memagent.junit.MemoryBudget;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Memory budgets as tests: a change that makes the efficient aggregator allocate per line fails here. */
class ClickAggregatorBudgetTest {
    static volatile Object sink;
    private final List<String> lines = ClickLog.generate(7, 20_000).lines();
    private final ClickAggregator aggregator = new ClickAggregator();
    // Loads and initializes what the aggregators touch, so the budgets below count only their work.
    private final Object warm = aggregator.efficient(List.of());

    @Test
    @MemoryBudget(maxBytes = 1_024) // two long[50] and the result: 888 bytes, whatever the log's size
    void theEfficientAggregatorAllocatesUnder1KiBForTwentyThousandLines() {
        sink = aggregator.efficient(lines);
    }

    @Test
    void theNaiveOneAllocatesPerLineAndTheEfficientOneDoesNot() {
        long efficient = MemoryAssertions.assertAllocatesAtMost(1_024, () -> sink = aggregator.efficient(lines));
        long naive = MemoryAssertions.allocatedBytes(() -> sink = aggregator.naive(lines));
        assertEquals(888, efficient);
        assertTrue(naive > 1_000 * efficient, "naive " + naive + " B vs efficient " + efficient + " B");
    }
}
