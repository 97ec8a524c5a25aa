package io.memagent.agent.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.IntCountsHistogram;
import org.junit.jupiter.api.Test;

/** The report's merge of stored histograms: read cell by cell, exactly what the library's decode and add give. */
class HistogramsTest {

    @Test
    void cellByCellEqualsTheLibrarysDecodeOnRandomHistograms() {
        SplittableRandom random = new SplittableRandom(42);
        Histogram fast = Histograms.newForMerging();
        Histogram library = Histograms.newForMerging();
        for (int h = 0; h < 2_000; h++) {
            int n = 1 + random.nextInt(40);
            long[] bytes = new long[n];
            long[] counts = new long[n];
            for (int i = 0; i < n; i++) {
                // 0 to 2^44 bytes, spread over every power of two; counts up to 2^26 (multi-byte, and 40 in one cell fit an int)
                bytes[i] = random.nextInt(4) == 0 ? random.nextInt(300) : random.nextLong(1L << random.nextInt(1, 45));
                counts[i] = random.nextInt(8) == 0 ? random.nextInt(1, 1 << 26) : random.nextInt(1, 1_000);
            }
            byte[] encoded = Histograms.encodeCalls(bytes, counts);
            assertTrue(Histograms.addCells(fast, encoded), "our own encoding is read cell by cell: " + Arrays.toString(bytes));
            library.add(IntCountsHistogram.decodeFromByteBuffer(ByteBuffer.wrap(encoded), 0));
        }
        assertEquals(library.getTotalCount(), fast.getTotalCount());
        int cells = 0;
        for (HistogramIterationValue v : library.recordedValues()) {
            assertEquals(v.getCountAtValueIteratedTo(), fast.getCountAtValue(v.getValueIteratedTo()),
                    "cell of " + v.getValueIteratedTo());
            cells++;
        }
        int fastCells = 0;
        for (HistogramIterationValue ignored : fast.recordedValues()) {
            fastCells++;
        }
        assertEquals(cells, fastCells);
        assertTrue(cells > 1_000, cells + " cells compared");
        for (double p : new double[] {50, 95, 99, 99.9}) {
            assertEquals(library.getValueAtPercentile(p), fast.getValueAtPercentile(p), "p" + p);
        }
    }

    @Test
    void anotherPrecisionGoesThroughTheLibraryAndMalformedValuesAddNothing() {
        Histogram other = new Histogram(3);
        other.recordValueWithCount(1_234_567, 5);
        ByteBuffer b = ByteBuffer.allocate(other.getNeededByteBufferCapacity());
        int n = other.encodeIntoByteBuffer(b);
        byte[] threeDigits = Arrays.copyOf(b.array(), n);
        Histogram into = Histograms.newForMerging();
        assertFalse(Histograms.addCells(into, threeDigits));
        Histograms.addEncoded(into, threeDigits);
        assertEquals(5, into.getTotalCount());
        assertEquals(5, into.getCountAtValue(1_234_567));

        byte[] ours = Histograms.encodeCalls(new long[] {100, 1_000_000}, new long[] {3, 4});
        byte[] truncated = Arrays.copyOf(ours, ours.length - 1);
        Histogram untouched = Histograms.newForMerging();
        assertFalse(Histograms.addCells(untouched, truncated));
        assertEquals(0, untouched.getTotalCount(), "nothing added from a malformed value");
        assertThrows(IllegalArgumentException.class, () -> Histograms.addEncoded(untouched, new byte[] {1, 2, 3}));
    }

    @Test
    void concatenatedEncodingsAreWalkedByTheirLengthsAndAForeignOneAddsNothing() {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        Histogram library = Histograms.newForMerging();
        SplittableRandom random = new SplittableRandom(7);
        for (int h = 0; h < 300; h++) {
            byte[] one = Histograms.encodeCalls(new long[] {random.nextLong(1L << 30), random.nextInt(5_000)},
                    new long[] {1 + random.nextInt(100), 1 + random.nextInt(100)});
            all.writeBytes(one);
            library.add(IntCountsHistogram.decodeFromByteBuffer(ByteBuffer.wrap(one), 0));
        }
        Histogram fast = Histograms.newForMerging();
        assertTrue(Histograms.addConcatenated(fast, all.toByteArray()));
        assertEquals(library, fast);

        Histogram other = new Histogram(3);
        other.recordValue(77);
        ByteBuffer b = ByteBuffer.allocate(other.getNeededByteBufferCapacity());
        all.write(b.array(), 0, other.encodeIntoByteBuffer(b));
        Histogram untouched = Histograms.newForMerging();
        assertFalse(Histograms.addConcatenated(untouched, all.toByteArray()), "one foreign encoding: the caller decodes one by one");
        assertEquals(0, untouched.getTotalCount());
    }
}
