package io.memagent.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * {@code @MemoryBudget} on real JUnit runs: the classes below (static nested, so the build does
 * not run them itself) are executed through the JUnit launcher and their outcomes read back.
 */
class MemoryBudgetTest {
    static volatile Object sink;

    /** Budget exactly the bytes of the body: passes only if JUnit's machinery is not counted. */
    static class ExactBudget {
        @Test
        @MemoryBudget(maxBytes = 4_016)
        void fourThousandBytes() {
            sink = new byte[4000];
        }

        @Test
        @MemoryBudget(maxBytes = 8_016)
        void thousandLongs() {
            sink = new long[1000];
        }
    }

    static class OverBudget {
        @Test
        @MemoryBudget(maxBytes = 4_015)
        void fourThousandBytes() {
            sink = new byte[4000];
        }
    }

    @MemoryBudget(maxBytes = 1_000)
    static class ClassWideBudget {
        @Test
        void small() {
            sink = new byte[100];
        }

        @Test
        void tooBig() {
            sink = new byte[2000];
        }

        @Test
        @MemoryBudget(maxBytes = 3_000) // the method's own budget wins
        void ownBudget() {
            sink = new byte[2000];
        }
    }

    static List<Throwable> failures(Class<?> testClass, long[] startedSucceeded) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        startedSucceeded[0] = summary.getTestsStartedCount();
        startedSucceeded[1] = summary.getTestsSucceededCount();
        List<Throwable> out = new ArrayList<>();
        for (TestExecutionSummary.Failure f : summary.getFailures()) {
            out.add(f.getException());
        }
        return out;
    }

    @Test
    void aBudgetOfExactlyTheBodysBytesPasses() {
        long[] counts = new long[2];
        assertEquals(List.of(), failures(ExactBudget.class, counts));
        assertEquals(2, counts[0]);
        assertEquals(2, counts[1]);
    }

    @Test
    void overBudgetFailsWithTheActualBytesInTheMessage() {
        long[] counts = new long[2];
        List<Throwable> failures = failures(OverBudget.class, counts);
        assertEquals(1, failures.size());
        assertEquals("test OverBudget.fourThousandBytes allocated 4,016 bytes on its thread, over the budget of"
                + " 4,015 bytes by 1", failures.get(0).getMessage());
    }

    @Test
    void aClassWideBudgetAppliesToEveryTestUnlessTheMethodHasItsOwn() {
        long[] counts = new long[2];
        List<Throwable> failures = failures(ClassWideBudget.class, counts);
        assertEquals(3, counts[0]);
        assertEquals(2, counts[1]);
        assertEquals(1, failures.size());
        assertEquals("test ClassWideBudget.tooBig allocated 2,016 bytes on its thread, over the budget of 1,000 bytes"
                + " by 1,016", failures.get(0).getMessage());
    }
}
