package io.memagent.agent.aggregate;

import static io.memagent.agent.HotPathCalls.profiled;
import static io.memagent.agent.HotPathCalls.truthOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.memagent.agent.instrument.OperationRegistry;
import io.memagent.agent.store.InMemorySink;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.Table;
import io.memagent.agent.RecorderReset;
import io.memagent.bootstrap.HotPath;
import io.memagent.bootstrap.RecordingThresholds;
import io.memagent.bootstrap.ThreadStates;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hot path and the drain thread together, in-process: what advice does (enter/exit around
 * the body), without bytecode weaving. The forked-JVM tests cover the weaving.
 */
@ExtendWith(RecorderReset.class)
class RecorderAndAggregatorTest {
    static volatile Object sink;

    final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
    OperationRegistry registry;
    InMemorySink rows;
    Aggregator aggregator;

    @BeforeEach
    void setUp() throws Exception {
        RecordingThresholds.configure(1_000_000, 0);
        HotPath.setEnabled(true);
        registry = new OperationRegistry(20_000);
        rows = new InMemorySink(100_000);
        aggregator = new Aggregator(1_000, 1_000_000, registry, rows, clock::get);
    }

    OperationSummary summary(String name) {
        for (OperationSummary s : aggregator.summaries()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no " + name + " in " + aggregator.summaries());
    }

    @Test
    void bytesPerCallAreExactAndSelfExcludesNestedCalls() {
        int outer = registry.register("outer", "T#outer()V", "method");
        int inner = registry.register("inner", "T#inner()V", "method");
        Runnable big = () -> sink = new byte[1_000_000];
        Runnable small = () -> sink = new byte[1000];
        long bigTruth = truthOf(big);
        long smallTruth = truthOf(small);
        for (int i = 0; i < 10; i++) {
            profiled(outer, () -> {
                small.run();
                profiled(inner, big);
            });
        }
        aggregator.stop();
        OperationSummary o = summary("outer");
        OperationSummary in = summary("inner");
        assertEquals(10, o.calls());
        assertEquals(10 * (bigTruth + smallTruth), o.totalBytes());
        assertEquals(10 * smallTruth, o.selfBytes());
        assertEquals(bigTruth + smallTruth, o.minBytes());
        assertEquals(bigTruth + smallTruth, o.p99Bytes());
        assertEquals(10 * bigTruth, in.totalBytes());
        assertEquals(bigTruth, in.p50Bytes());
        // Calls of at least 1,000,000 bytes get their own row, with exact figures.
        List<Row> calls = rows.rows(Table.MEMORY_ALLOCATIONS);
        assertEquals(20, calls.size());
        assertEquals(10, calls.stream().filter(r -> ((AllocationRow) r).operationType().equals("inner")
                && ((AllocationRow) r).allocatedBytes() == bigTruth && ((AllocationRow) r).selfBytes() == bigTruth).count());
    }

    @Test
    void recursionOneThousandDeepKeepsInclusiveAndSelfRight() {
        int op = registry.register("recurse", "T#recurse(I)V", "method");
        long each = truthOf(() -> sink = new long[16]);
        recurse(op, 1000);
        aggregator.stop();
        OperationSummary s = summary("recurse");
        assertEquals(1000, s.calls());
        assertEquals(1000 * each, s.selfBytes());
        // The call at depth d includes the 1000 - d + 1 allocations below and at it.
        assertEquals(each * 1000L * 1001 / 2, s.totalBytes());
        assertEquals(each, s.minBytes());
        assertEquals(1000 * each, s.maxBytes());
    }

    /** What woven advice does, written out (a capturing lambda would allocate inside the parent's window). */
    private static void recurse(int op, int depth) {
        int token = HotPath.enter();
        sink = new long[16];
        if (depth > 1) {
            recurse(op, depth - 1);
        }
        HotPath.exit(op, token, false);
    }

    @Test
    void everyCallKeepsItsDetailHoweverFastTheyCome() throws Exception {
        int op = registry.register("burst", "T#burst()V", "method");
        long each = truthOf(() -> sink = new byte[64]);
        int calls = 200_000;
        Thread t = new Thread(() -> {
            for (int i = 0; i < calls; i++) {
                profiled(op, () -> sink = new byte[64]);
            }
        });
        t.start();
        t.join(); // nothing drains meanwhile
        aggregator.stop();
        OperationSummary s = summary("burst");
        assertEquals(calls, s.calls());
        assertEquals((long) calls * each, s.totalBytes());
        assertEquals((long) calls * each, s.selfBytes());
        assertEquals(each, s.minBytes());
        assertEquals(each, s.maxBytes());
        assertEquals(each, s.p99Bytes());
        assertEquals(0, aggregator.detailsLost());
    }

    @Test
    void percentilesAreWithinTheStatedPrecisionAndExtremesExact() throws Exception {
        int op = registry.register("sizes", "T#sizes(I)V", "method");
        long[] truth = new long[100];
        for (int k = 0; k < 100; k++) {
            int n = (k + 1) * 1000;
            truth[k] = truthOf(() -> sink = new byte[n]);
        }
        int calls = 10_000;
        long[] values = new long[calls];
        Thread t = new Thread(() -> {
            for (int i = 0; i < calls; i++) {
                int n = (i % 100 + 1) * 1000;
                int token = HotPath.enter();
                sink = new byte[n];
                HotPath.exit(op, token, false);
            }
        });
        for (int i = 0; i < calls; i++) {
            values[i] = truth[i % 100];
        }
        t.start();
        t.join();
        aggregator.stop();
        Arrays.sort(values);
        OperationSummary s = summary("sizes");
        assertEquals(calls, s.calls());
        assertEquals(values[0], s.minBytes());
        assertEquals(values[calls - 1], s.maxBytes());
        assertEquals(Arrays.stream(values).sum(), s.totalBytes());
        assertWithin(values[(int) Math.ceil(0.50 * calls) - 1], s.p50Bytes());
        assertWithin(values[(int) Math.ceil(0.95 * calls) - 1], s.p95Bytes());
        assertWithin(values[(int) Math.ceil(0.99 * calls) - 1], s.p99Bytes());
    }

    /** The documented precision of percentiles: 2.4% (1/64 + 1/128). */
    static void assertWithin(long exact, long reported) {
        double error = Math.abs(reported - exact) / (double) exact;
        org.junit.jupiter.api.Assertions.assertTrue(error <= 1.0 / 64 + 1.0 / 128,
                "exact " + exact + ", reported " + reported + ", error " + error);
    }

    @Test
    void theCommonPoolKeepsOneStatePerWorkerThoughItClearsThreadLocals() throws Exception {
        int op = registry.register("pooled", "T#pooled()V", "method");
        long each = truthOf(() -> sink = new byte[48]);
        int bursts = 2_000;
        for (int b = 0; b < bursts; b++) {
            java.util.concurrent.CompletableFuture<?>[] f = new java.util.concurrent.CompletableFuture<?>[4];
            for (int i = 0; i < 4; i++) {
                f[i] = java.util.concurrent.CompletableFuture.runAsync(() -> profiled(op, () -> sink = new byte[48]));
            }
            java.util.concurrent.CompletableFuture.allOf(f).join();
        }
        long pooled = ThreadStates.all().stream().filter(s -> s.owner().getName().startsWith("ForkJoinPool.commonPool"))
                .count();
        aggregator.stop();
        OperationSummary s = summary("pooled");
        assertEquals(4L * bursts, s.calls());
        assertEquals(4L * bursts * each, s.totalBytes());
        org.junit.jupiter.api.Assertions.assertTrue(pooled <= java.util.concurrent.ForkJoinPool.getCommonPoolParallelism(),
                pooled + " states for a pool of " + java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());
    }

    @Test
    void aDeadThreadIsFoldedInAndRetired() throws Exception {
        int op = registry.register("shortLived", "T#shortLived()V", "method");
        Thread t = new Thread(() -> profiled(op, () -> sink = new byte[10]));
        t.start();
        t.join();
        aggregator.drainOnce();
        assertEquals(0, ThreadStates.all().stream().filter(s -> s.owner() == t).count());
        assertEquals(1, summary("shortLived").calls());
    }

    @Test
    void bucketsSplitByDrainTimeAndSumToTheTotal() {
        int op = registry.register("ticks", "T#ticks()V", "method");
        long each = truthOf(() -> sink = new byte[100]);
        for (int bucket = 0; bucket < 3; bucket++) {
            for (int i = 0; i < 7 + bucket; i++) {
                profiled(op, () -> sink = new byte[100]);
            }
            aggregator.collectNow();
            clock.addAndGet(1000);
        }
        aggregator.stop();
        List<Row> stats = rows.rows(Table.METHOD_ALLOCATION_STATS);
        assertEquals(3, stats.size());
        long[] expected = {7, 8, 9};
        for (int i = 0; i < 3; i++) {
            StatsRow r = (StatsRow) stats.get(i);
            assertEquals(expected[i], r.calls());
            assertEquals(expected[i] * each, r.totalBytes());
            assertEquals(1000, r.bucketEndMs() - r.bucketStartMs());
            assertEquals(0, r.bucketStartMs() % 1000);
        }
        assertEquals(24, summary("ticks").calls());
    }

    @Test
    void errorsAreCountedAndAThrowingBodyIsStillMeasured() {
        int op = registry.register("fails", "T#fails()V", "method");
        long each = truthOf(() -> sink = new byte[200]);
        for (int i = 0; i < 4; i++) {
            try {
                profiled(op, () -> {
                    sink = new byte[200];
                    throw new IllegalStateException("planned");
                });
            } catch (IllegalStateException expected) {
                // the caller sees the exception unchanged
            }
        }
        aggregator.stop();
        OperationSummary s = summary("fails");
        assertEquals(4, s.calls());
        assertEquals(4, s.errors());
        // The exception and its stack trace are allocated inside the call too, so each call is
        // at least the array; the exact figure depends on the stack depth, so it is not asserted.
        assertEquals(true, s.minBytes() > each, s.toString());
    }

    @Test
    void disabledRecordingCostsNothingAndRecordsNothing() {
        int op = registry.register("off", "T#off()V", "method");
        HotPath.setEnabled(false);
        assertEquals(0, HotPath.enter());
        HotPath.exit(op, 0, false);
        aggregator.stop();
        assertNull(aggregator.summaries().stream().filter(s -> s.name().equals("off")).findFirst().orElse(null));
    }
}
