package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.JdkStringConstantsApp;
import org.junit.jupiter.api.Test;

/**
 * The string constants of the JDK classes every measured call enters (the thread counter read's
 * classes and the VM management object they ask, {@code Thread}, {@code ThreadLocal}) are made by
 * the agent at start, on its own thread: C2's first compile request for one of their methods would
 * otherwise make them on the app thread that asked, inside whatever call was open (about a
 * kilobyte for the counter read's class, 424 bytes on JDK 17 and 488 on JDK 25 for the VM
 * management's, once per JVM).
 */
class JdkStringConstantsIT {
    private static AppRun app() {
        return AppRun.main(JdkStringConstantsApp.class)
                .jvmArg("--add-exports=java.base/jdk.internal.reflect=ALL-UNNAMED")
                .jvmArg("--add-exports=java.base/jdk.internal.access=ALL-UNNAMED");
    }

    @Test
    void theAgentHasMadeThemBeforeTheAppRuns() throws Exception {
        AppRun.Result r = app().run().assertOk();
        assertTrue(r.value("strings") >= 12, r.toString()); // ThreadImpl's exception messages, at least
        assertEquals(0, r.value("bytes"), "every constant already made: reading them allocates nothing\n" + r);
    }

    /** The same reads without the agent make the Strings: the check above can fail. */
    @Test
    void withoutTheAgentReadingThemMakesThem() throws Exception {
        AppRun.Result r = app().withoutAgent().run().assertOk();
        long strings = r.value("strings");
        assertTrue(strings >= 12, r.toString());
        // ThreadImpl's messages alone: at least 12 Strings of 24 bytes and 12 byte[] of 40 or more.
        assertTrue(r.value("bytes.threadmxbean") >= 12 * (24 + 40), r.toString());
        // The VM management's constants the JDK has not made by itself: at least 5 Strings and their byte[].
        assertTrue(r.value("bytes.vmmanagement") >= 5 * (24 + 24), r.toString());
    }
}
