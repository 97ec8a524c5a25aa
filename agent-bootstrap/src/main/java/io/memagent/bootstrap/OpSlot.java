package io.memagent.bootstrap;

/**
 * One operation on one thread: its two periods (the owner adds to the one the thread's epoch
 * selects) and two running totals the owner alone keeps, for consecutive-spike detection and for
 * memagent-junit's "which operations ran inside this window".
 */
public final class OpSlot {
    final int op;
    final Period even = new Period();
    final Period odd = new Period();
    /** Calls of this operation this thread finished, ever: consecutive calls have consecutive numbers. */
    long totalCalls;
    /** Self bytes of those calls, ever. */
    long totalSelfBytes;

    OpSlot(int op) {
        this.op = op;
    }

    /** Owner: one more call of this operation with these self bytes; returns its call number. */
    long countCall(long self) {
        long n = ++totalCalls;
        totalSelfBytes += self;
        return n;
    }

    /** Makes histogram row {@code r} in both periods, so the owner finds it whichever period it is in. */
    void ensureRow(int r) {
        even.ensureRow(r);
        odd.ensureRow(r);
    }

    public int op() {
        return op;
    }

    /** Both periods, by parity: indexed, not branched on, so no compiled code deoptimizes when the epoch turns. */
    private final Period[] byParity = {even, odd};

    /** The period of this epoch's parity (the reader's once {@link PeriodHandoff} hands it over). */
    Period period(int epoch) {
        return byParity[epoch & 1];
    }
}
