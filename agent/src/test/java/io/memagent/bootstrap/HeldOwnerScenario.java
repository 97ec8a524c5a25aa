package io.memagent.bootstrap;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link PeriodHandoffTest}'s scenario, run in a class loader of its own whose {@link PeriodHandoff}
 * has its test hook compiled in. An owner thread records calls; twice, the hook holds it between
 * its record-counter store (1) and its epoch read (2) while the reader moves the epoch on and lets
 * the grace period pass several times over, trying to collect. Returns, in order: calls recorded,
 * bytes recorded, calls folded, bytes folded, collects that folded while the owner was held, calls
 * left in either period after the last collect, calls folded in the reader's turns while held.
 */
public final class HeldOwnerScenario implements Callable<long[]> {
    private static final int OP = 7;
    private static final long HELD_BYTES = 1_234_567;

    private final long[] folded = new long[2];
    private final PeriodHandoff.Folder folder = (op, p) -> {
        folded[0] += p.calls();
        folded[1] += p.totalBytes();
    };

    @Override
    public long[] call() throws Exception {
        AtomicInteger holds = new AtomicInteger();
        CountDownLatch[] held = {new CountDownLatch(1), new CountDownLatch(1)};
        CountDownLatch[] letGo = {new CountDownLatch(1), new CountDownLatch(1)};
        long[] recorded = new long[2];
        ThreadState[] state = new ThreadState[1];
        CountDownLatch made = new CountDownLatch(1);
        CountDownLatch[] phase = {new CountDownLatch(1), new CountDownLatch(1)};
        Thread owner = new Thread(() -> {
            ThreadState s = new ThreadState(Thread.currentThread(), false);
            state[0] = s;
            made.countDown();
            try {
                for (int round = 0; round < 2; round++) {
                    for (int i = 1; i <= 1_000; i++) {
                        s.record(OP, 0, i, i, 1);
                        recorded[0]++;
                        recorded[1] += i;
                    }
                    phase[round].await(); // the reader has collected those, or moved the epoch first
                    holds.set(round + 1); // arms the hook for the next call only
                    s.record(OP, 0, HELD_BYTES, HELD_BYTES, 1);
                    recorded[0]++;
                    recorded[1] += HELD_BYTES;
                }
                for (int i = 1; i <= 1_000; i++) {
                    s.record(OP, 0, 3 * i, 3 * i, 1);
                    recorded[0]++;
                    recorded[1] += 3 * i;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "held-owner");
        PeriodHandoff.betweenSeqAndEpoch = () -> {
            int round = holds.getAndSet(0);
            if (round > 0 && Thread.currentThread() == owner) {
                held[round - 1].countDown();
                try {
                    letGo[round - 1].await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        long foldsWhileHeld = 0;
        long foldedWhileHeld = 0;
        try {
            owner.start();
            made.await();
            ThreadState s = state[0];
            for (int round = 0; round < 2; round++) {
                if (round == 0) {
                    turns(s, 6); // the first calls collected: no move waits when the owner is held
                } else {
                    s.advanceNow(); // the move comes before the held call's (1)
                }
                phase[round].countDown();
                if (!held[round].await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the hook never held the owner");
                }
                long before = folded[0];
                s.advanceNow(); // a no-op when a move already waits
                for (int turn = 0; turn < 5; turn++) {
                    LockSupport.parkNanos(3 * PeriodHandoff.HANDOFF_NANOS);
                    if (s.collect(folder)) {
                        foldsWhileHeld++;
                    }
                }
                foldedWhileHeld += folded[0] - before;
                letGo[round].countDown();
            }
            owner.join(10_000);
            turns(s, 6);
            long beforeAll = folded[0];
            s.collectAll(folder); // the owner is dead: whatever is left in either period
            return new long[] {recorded[0], recorded[1], folded[0], folded[1], foldsWhileHeld,
                    folded[0] - beforeAll, foldedWhileHeld};
        } finally {
            PeriodHandoff.betweenSeqAndEpoch = null;
            for (CountDownLatch l : letGo) {
                l.countDown();
            }
        }
    }

    /** The reader's turns, each after the grace period, as the drain thread takes them. */
    private void turns(ThreadState s, int n) {
        for (int turn = 0; turn < n; turn++) {
            LockSupport.parkNanos(3 * PeriodHandoff.HANDOFF_NANOS);
            s.collect(folder);
        }
    }
}
