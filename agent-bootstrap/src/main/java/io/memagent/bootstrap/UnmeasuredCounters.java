package io.memagent.bootstrap;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Calls on virtual threads that cannot be measured exactly (the virtual thread unmounted during
 * the call, see {@link CarrierFrames}, or carriers cannot be read on this JVM): counted as
 * unmeasured (never as 0 bytes, never an estimate) without any per-thread state, in striped
 * counters shared by all virtual threads. There may be millions of virtual threads; what this holds grows with the operations
 * they use (one 24 KB chunk per 256 operation ids touched), never with the threads.
 *
 * <p>The token carries the call's start in units of 1,024 ns (30 bits, so durations up to ~18
 * minutes), with the sign bit set so it never looks like a platform thread's nesting depth; bit 30
 * is {@link CarrierFrames#MOUNTED}'s.
 */
public final class UnmeasuredCounters {
    public static final int CHUNK_OPS = 256;
    public static final int STRIPES = 4;
    /** Per operation and stripe: calls, errors, duration in ns. */
    public static final int FIELDS = 3;
    public static final int CHUNK_LONGS = CHUNK_OPS * STRIPES * FIELDS;
    private static final int MAX_CHUNKS = 1 << 12;
    private static final int START_MASK = 0x3FFFFFFF;

    private static final AtomicReferenceArray<AtomicLongArray> CHUNKS = new AtomicReferenceArray<>(MAX_CHUNKS);
    /** Chunks 0 up to this (exclusive) may be in use: raised before a new chunk counts anything. */
    private static final AtomicInteger CHUNKS_IN_USE = new AtomicInteger();

    private UnmeasuredCounters() {
    }

    static int enter() {
        return token(System.nanoTime());
    }

    /** A token for a call on a virtual thread that started at {@code nanos}. */
    static int token(long nanos) {
        return Integer.MIN_VALUE | (int) ((nanos >>> 10) & START_MASK);
    }

    static void exit(int op, int token, boolean threw) {
        long nanos = ((System.nanoTime() >>> 10) - (token & START_MASK) & START_MASK) << 10;
        int chunk = op / CHUNK_OPS;
        if (op < 0 || chunk >= MAX_CHUNKS) {
            chunk = 0;
            op = 0;
        }
        AtomicLongArray c = CHUNKS.get(chunk);
        if (c == null) {
            CHUNKS.compareAndSet(chunk, null, new AtomicLongArray(CHUNK_LONGS));
            c = CHUNKS.get(chunk);
            for (int used = CHUNKS_IN_USE.get(); used <= chunk; used = CHUNKS_IN_USE.get()) {
                CHUNKS_IN_USE.compareAndSet(used, chunk + 1);
            }
        }
        int stripe = System.identityHashCode(Thread.currentThread()) & (STRIPES - 1);
        int at = index(op % CHUNK_OPS, stripe);
        c.getAndIncrement(at);
        if (threw) {
            c.getAndIncrement(at + 1);
        }
        c.getAndAdd(at + 2, nanos);
    }

    /** Where an operation's stripe starts in its chunk (stripes far apart: no false sharing). */
    public static int index(int opInChunk, int stripe) {
        return (stripe * CHUNK_OPS + opInChunk) * FIELDS;
    }

    /** Chunk {@code i} (operations {@code i * CHUNK_OPS ...}), or null if no virtual thread used one yet. */
    public static AtomicLongArray chunk(int i) {
        return CHUNKS.get(i);
    }

    public static int maxChunks() {
        return MAX_CHUNKS;
    }

    /**
     * How many chunks from 0 up a reader need look at: none holds a count beyond them. (The drain reads every
     * 10 ms; all {@link #maxChunks()} of them would be 4,096 reads each time, nearly all of empty slots.)
     */
    public static int chunksInUse() {
        return CHUNKS_IN_USE.get();
    }
}
