package io.memagent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * The rare interleaving of {@link PeriodHandoff}'s contract, forced: the owner held between its
 * record-counter store and its epoch read while the reader moves the epoch on and waits out the
 * grace period, again and again. The reader must fold nothing while the owner is held, and in the
 * end every call is folded exactly once, to the byte.
 */
class PeriodHandoffTest {
    private static final String HOOK = "io.memagent.bootstrap.PeriodHandoff.hook";

    @Test
    void aCallHeldBetweenItsCounterStoreAndItsEpochReadIsNeitherLostNorFoldedEarly() throws Exception {
        URL bootstrap = PeriodHandoff.class.getProtectionDomain().getCodeSource().getLocation();
        URL tests = PeriodHandoffTest.class.getProtectionDomain().getCodeSource().getLocation();
        System.setProperty(HOOK, "true"); // read once, when the isolated copy of PeriodHandoff initializes
        long[] r;
        try (URLClassLoader isolated = new BootstrapFirst(new URL[] {bootstrap, tests}, getClass().getClassLoader())) {
            @SuppressWarnings("unchecked")
            Callable<long[]> scenario = (Callable<long[]>) isolated.loadClass(HeldOwnerScenario.class.getName())
                    .getDeclaredConstructor().newInstance();
            r = scenario.call();
        } finally {
            System.clearProperty(HOOK);
        }
        long recordedCalls = r[0];
        long recordedBytes = r[1];
        assertEquals(3_002, recordedCalls);
        assertEquals(2 * 500_500 + 2 * 1_234_567 + 3 * 500_500, recordedBytes);
        assertEquals(0, r[4], "collects that folded while the owner was held inside its section");
        assertEquals(0, r[6], "calls folded while the owner was held inside its section");
        assertEquals(recordedCalls, r[2], "calls folded");
        assertEquals(recordedBytes, r[3], "bytes folded");
        assertEquals(0, r[5], "calls the reader's turns had not taken by the end");
        assertTrue(PeriodHandoff.HANDOFF_NANOS > 0);
    }

    /** Loads this package from its own URLs first, so the scenario gets fresh copies with the hook compiled in. */
    private static final class BootstrapFirst extends URLClassLoader {
        BootstrapFirst(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.memagent.bootstrap.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
