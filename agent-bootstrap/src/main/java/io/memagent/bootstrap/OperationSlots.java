package io.memagent.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A thread's {@link OpSlot}s, one per operation it has called, open-addressed by operation id. The
 * owner adds slots; the reader ({@link PeriodHandoff}'s) walks them. The third layer of
 * {@link ThreadState}.
 *
 * <p>Orderings: the owner publishes a new slot with a release store of its entry ({@code soSlot})
 * and a grown table with a release store of the table ({@code soTable}); the reader loads both with
 * acquire ({@link #lvTable}, {@link #lvSlot}), so it sees a slot whole or not at all. A slot made
 * after the reader's load is found on its next walk.
 */
public abstract class OperationSlots extends AgentOwnBytes {
    private static final VarHandle TABLE = VarHandles.field(MethodHandles.lookup(), "table", OpSlot[].class);
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(OpSlot[].class);

    /** Written by the owner only. */
    private OpSlot[] table = new OpSlot[8];
    /** Slots in {@link #table}, owner only. */
    private int tableCount;
    /** The slot of the operation this thread recorded last: most calls hit it. Owner only. */
    private OpSlot last;

    OperationSlots() {
    }

    /**
     * Owner: the slot of {@code op}, made now if this thread never called it (what that allocates
     * is taken off the open calls).
     */
    final OpSlot slotOf(int op) {
        OpSlot slot = last;
        if (slot == null || slot.op != op) {
            slot = find(op);
            if (slot == null) {
                slot = newSlot(op);
            }
            last = slot;
        }
        return slot;
    }

    /** Owner only: this thread's slots (entries may be null), for memagent-junit's window summaries. */
    final OpSlot[] ownerSlots() {
        return table;
    }

    /** Reader: the table, loaded with acquire; entries may be null. */
    final OpSlot[] lvTable() {
        return (OpSlot[]) TABLE.getAcquire(this);
    }

    /** Reader: an entry of a table from {@link #lvTable}, loaded with acquire. */
    static OpSlot lvSlot(OpSlot[] slots, int i) {
        return (OpSlot) SLOTS.getAcquire(slots, i);
    }

    private OpSlot find(int op) {
        OpSlot[] t = table;
        int mask = t.length - 1;
        for (int i = mix(op) & mask; ; i = (i + 1) & mask) {
            OpSlot s = t[i];
            if (s == null) {
                return null;
            }
            if (s.op == op) {
                return s;
            }
        }
    }

    private OpSlot newSlot(int op) {
        long before = HotPath.ownCounter();
        OpSlot slot = new OpSlot(op);
        OpSlot[] t = table;
        if ((tableCount + 1) * 2 > t.length) {
            OpSlot[] bigger = new OpSlot[t.length * 2];
            for (OpSlot o : t) {
                if (o != null) {
                    soSlot(bigger, o);
                }
            }
            soSlot(bigger, slot);
            TABLE.setRelease(this, bigger); // soTable
        } else {
            soSlot(t, slot);
        }
        tableCount++;
        compensate(before);
        return slot;
    }

    private static void soSlot(OpSlot[] t, OpSlot s) {
        int mask = t.length - 1;
        int i = mix(s.op) & mask;
        while (t[i] != null) {
            i = (i + 1) & mask;
        }
        SLOTS.setRelease(t, i, s);
    }

    private static int mix(int op) {
        return op * 0x9E3779B9 >>> 7;
    }
}
