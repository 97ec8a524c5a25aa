package io.memagent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The rare interleaving of {@link PeriodHandoff}'s contract, forced: the owner held between its
 * record-counter store and its epoch read while the reader moves the epoch on and waits out the
 * grace period, again and again. The reader must fold nothing while the owner is held, and in the
 * end every call is folded exactly once, to the byte. And when a reader may skip that grace period.
 */
class PeriodHandoffTest {
    private static final String HOOK = "io.memagent.bootstrap.PeriodHandoff.hook";

    /** What lets the exit report skip the grace period: a thread with nothing new says so. */
    @Test
    void onlyAThreadWithCallsNotYetFoldedNeedsTheGracePeriod() {
        ThreadState s = new ThreadState(Thread.currentThread(), false);
        assertFalse(s.hasUnfolded(), "no call yet");
        s.record(0, 0, 100, 100, 1);
        assertTrue(s.hasUnfolded(), "a call since the last move");
        s.advanceNow();
        assertTrue(s.hasUnfolded(), "moved: its fold waits the grace period");
        long[] folded = new long[1];
        PeriodHandoff.Folder folder = (op, p) -> folded[0] += p.calls();
        for (int turn = 0; turn < 10_000 && !s.collect(folder); turn++) {
            LockSupport.parkNanos(PeriodHandoff.HANDOFF_NANOS);
        }
        assertEquals(1, folded[0]);
        assertFalse(s.hasUnfolded(), "folded, and no call since");
        s.record(0, 0, 100, 100, 1);
        assertTrue(s.hasUnfolded(), "a call since the fold");
    }

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
