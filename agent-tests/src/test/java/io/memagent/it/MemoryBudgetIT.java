package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memagent.testapps.BudgetApp;
import java.io.File;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** memagent-junit's budget assertion in a JVM with the agent: exact bytes, and the operations inside. */
class MemoryBudgetIT {
    private static String opentest4j() {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.contains("opentest4j")) {
                return entry;
            }
        }
        throw new IllegalStateException("opentest4j is not on the test class path");
    }

    private static String message(AppRun.Result r) {
        Matcher m = Pattern.compile("(?m)^message=(.*)$").matcher(r.stdout());
        if (!m.find()) {
            throw new AssertionError("no message: " + r);
        }
        return m.group(1);
    }

    @Test
    void anOverBudgetMessageShowsTheExactBytesAndTheBiggestProfiledOperationsInside() throws Exception {
        AppRun.Result r = AppRun.main(BudgetApp.class)
                .classpath(new File(System.getProperty("memagenttest.junitClasses")).getAbsolutePath())
                .classpath(opentest4j())
                .run()
                .assertOk();
        long parse = r.value("truth.parse");
        long index = r.value("truth.index");
        long total = 3 * parse + 3 * index + r.value("truth.own");
        assertEquals(42_216, total, "10,016 x 3 + 4,016 x 3 + 120 with the default heap layout");
        assertEquals(total, r.value("withinBudget"));
        assertEquals(1, r.value("failed"));
        assertEquals("the code allocated 42,216 bytes on its thread, over the budget of 5,000 bytes by 37,216;"
                + " profiled operations inside, by self bytes:"
                + "|  BudgetApp.parse: 3 calls, 30,048 bytes (self)"
                + "|  BudgetApp.index: 3 calls, 12,048 bytes (self)", message(r));
    }

    @Test
    void withoutTheAgentTheMessageHasTheBytes() throws Exception {
        AppRun.Result r = AppRun.main(BudgetApp.class).withoutAgent()
                .classpath(new File(System.getProperty("memagenttest.junitClasses")).getAbsolutePath())
                .classpath(opentest4j())
                .run()
                .assertOk();
        assertEquals("the code allocated 42,216 bytes on its thread, over the budget of 5,000 bytes by 37,216",
                message(r));
    }
}
