package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memagent.testapps.ThreadCounterApp;
import org.junit.jupiter.api.Test;

/**
 * The agent makes the per-thread allocation counter its hot path reads with plain calls to the JDK's
 * {@code HotSpotThreadImpl}, not through {@code ManagementFactory}, whose platform-bean registry costs a cold
 * JVM about 20 ms of start-up on the app's thread; and that counter reads exactly what the platform's does.
 */
class ThreadCounterIT {
    @Test
    void theHotPathsCounterIsMadeDirectlyAndReadsTheSameBytes() throws Exception {
        AppRun.Result r = AppRun.main(ThreadCounterApp.class).run().assertOk();
        assertEquals(1, r.value("offered"), "the agent fell back to ManagementFactory's bean\n" + r);
        assertEquals(1, r.value("hotspot"), r.toString());
        assertEquals(1, r.value("distinct"), r.toString());
        // A byte[1000]: a 16-byte array header and 1,000 bytes, on JDK 17 and 25 with their default headers.
        assertEquals(1016, r.value("own.bytes"), r.toString());
        assertEquals(1016, r.value("platform.bytes"), r.toString());
    }
}
