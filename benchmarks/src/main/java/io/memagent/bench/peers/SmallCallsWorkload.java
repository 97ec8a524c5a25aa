package io.memagent.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Many small calls with known sizes on one thread: per iteration 8 x {@link SmallCalls#bytes64}, 1 x
 * {@code longs1000}, 4 x {@code objects10}, 1 x {@code none}; every 2nd iteration {@code nested}, every
 * 8th one Jackson {@code ObjectMapper#readTree} of one of 8 documents (profiled by memagent only through
 * {@code memagent.include}), every 1,000th {@code large}. Prints the truth per operation: calls times the
 * size measured once on the unannotated twins, and for readTree the sum of the thread's allocation counter
 * read around each call (the workload's own measurement, in every run, with or without a profiler).
 * The first 10% of the iterations are the start-up phase. Argument: {@code <iterations>}.
 */
public final class SmallCallsWorkload {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private SmallCallsWorkload() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = Integer.parseInt(args[0]);
        long bytes64 = perCall(SmallCalls::plainBytes64);
        long longs1000 = perCall(SmallCalls::plainLongs1000);
        long objects10 = perCall(SmallCalls::plainObjects10);
        long nested = perCall(SmallCalls::plainNested);
        long large = perCall(SmallCalls::plainLarge);
        long none = perCallNone();
        String[] docs = new String[8];
        for (int k = 0; k < docs.length; k++) {
            docs[k] = document(10 + 15 * k);
        }
        ObjectMapper mapper = new ObjectMapper();

        Phases phases = new Phases();
        long callsBytes64 = 0;
        long callsNested = 0;
        long callsLarge = 0;
        long callsRead = 0;
        long readBytes = 0;
        long readFirst = 0;
        long readMin = Long.MAX_VALUE;
        long readMax = 0;
        long check = 0;
        int warmup = iterations / 10;
        for (int i = 0; i < iterations; i++) {
            if (i == warmup) {
                phases.warmedUp();
            }
            for (int j = 0; j < 8; j++) {
                SmallCalls.sink = SmallCalls.bytes64();
            }
            callsBytes64 += 8;
            SmallCalls.sink = SmallCalls.longs1000();
            for (int j = 0; j < 4; j++) {
                SmallCalls.sink = SmallCalls.objects10();
            }
            check += SmallCalls.none(i);
            if ((i & 1) == 0) {
                SmallCalls.sink = SmallCalls.nested();
                callsNested++;
                callsBytes64 += 2;
            }
            if ((i & 7) == 0) {
                String doc = docs[(i >>> 3) & 7];
                long before = THREADS.getCurrentThreadAllocatedBytes();
                JsonNode node = mapper.readTree(doc);
                long delta = THREADS.getCurrentThreadAllocatedBytes() - before;
                if (callsRead == 0) {
                    readFirst = delta;
                } else {
                    readMin = Math.min(readMin, delta);
                    readMax = Math.max(readMax, delta);
                }
                readBytes += delta;
                callsRead++;
                check += node.size();
            }
            if (i % 1000 == 0) {
                SmallCalls.sink = SmallCalls.large();
                callsLarge++;
            }
        }
        System.out.println("small-calls: " + iterations + " iterations, check " + check);
        truth("SmallCalls.bytes64", callsBytes64, bytes64);
        truth("SmallCalls.longs1000", iterations, longs1000);
        truth("SmallCalls.objects10", 4L * iterations, objects10);
        truth("SmallCalls.nested", callsNested, nested);
        truth("SmallCalls.large", callsLarge, large);
        truth("SmallCalls.none", iterations, none);
        System.out.printf(Locale.ROOT, "PEERS|truth|ObjectMapper.readTree|%d|%d|measured: first call %d B, "
                + "the others %d..%d B%n", callsRead, readBytes, readFirst, readMin, readMax);
        phases.done();
    }

    private static void truth(String op, long calls, long perCall) {
        System.out.printf(Locale.ROOT, "PEERS|truth|%s|%d|%d|%d B per call%n", op, calls, calls * perCall, perCall);
    }

    /** Bytes per call of a twin: the thread's counter around 1,000 calls (after 1,000 unmeasured ones). */
    private static long perCall(Supplier<Object> twin) {
        for (int i = 0; i < 1000; i++) {
            SmallCalls.sink = twin.get();
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1000; i++) {
            SmallCalls.sink = twin.get();
        }
        long bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
        return Math.round(bytes / 1000.0);
    }

    /** The same for the twin of {@code none}, called directly (a Supplier would box its int). */
    private static long perCallNone() {
        int x = 0;
        for (int i = 0; i < 1000; i++) {
            x += SmallCalls.plainNone(i);
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1000; i++) {
            x += SmallCalls.plainNone(i);
        }
        long bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
        SmallCalls.sink = x == 42 ? "" : null;
        return Math.round(bytes / 1000.0);
    }

    /** A JSON array of {@code n} small records. */
    static String document(int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"name\":\"item-").append(i)
                    .append("\",\"tags\":[\"a\",\"b\",\"c\"],\"price\":").append(i).append(".25,\"active\":")
                    .append(i % 3 == 0).append('}');
        }
        return sb.append(']').toString();
    }
}
