package io.memagent.agent;

import io.memagent.bootstrap.DetailRing;
import io.memagent.bootstrap.PeriodHandoff;
import io.memagent.bootstrap.HotPath;
import io.memagent.bootstrap.RecordingThresholds;
import io.memagent.bootstrap.ThreadState;
import io.memagent.bootstrap.ThreadStates;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Each test starts from a recorder as the agent's start leaves it: recording off, every threshold
 * off (a test sets its own, as the runtime does, with {@link RecordingThresholds#configure}), and
 * nothing left in any thread's figures or ring by earlier tests (taken through the hand-off, as the
 * drain thread takes them, and dropped). After each test, recording is off again.
 */
public final class RecorderReset implements BeforeEachCallback, AfterEachCallback {
    private static final PeriodHandoff.Folder DROP = (op, period) -> { };
    private static final DetailRing.Reader IGNORE = (ring, at, stack, traceId, spanId) -> { };

    @Override
    public void beforeEach(ExtensionContext context) {
        HotPath.setEnabled(false);
        HotPath.warmUp(); // as the agent's start does, before it enables
        RecordingThresholds.off();
        dropLeftovers();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        HotPath.setEnabled(false);
    }

    /** Every call recorded so far, on any thread, collected and dropped (the reader's two rounds and a last turn). */
    private static void dropLeftovers() {
        for (int round = 0; round < 3; round++) {
            for (ThreadState s : ThreadStates.all()) {
                boolean dead = !s.owner().isAlive();
                s.drainDetails(IGNORE);
                s.newRowsLost();
                if (dead) {
                    s.collectAll(DROP);
                    ThreadStates.retire(s);
                } else {
                    s.collect(DROP);
                    s.advanceNow();
                }
            }
            LockSupport.parkNanos(2 * PeriodHandoff.HANDOFF_NANOS);
        }
        for (ThreadState s : ThreadStates.all()) {
            s.collect(DROP);
        }
    }
}
