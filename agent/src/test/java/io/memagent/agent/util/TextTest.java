package io.memagent.agent.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Text#format} writes what {@code String.format(Locale.ROOT, ...)} writes, on this JDK. */
class TextTest {
    @Test
    void theReportsPatternsReadAsTheFormattersDo() {
        same("Agent overhead on app threads: %,d bytes, %.1f ms (weaving); in no operation's figures.%n",
                398_440L, 6.54321);
        same("  %-22s %6d collections, %6d ms%n", "G1 Young Generation", 0L, 12L);
        same("    %-17s +%.2f of %.2f  %s%n", "heap_utilization", 0.0, 0.4, "0.0% of the heap used");
        same("  risk: %.2f (%s), from:%n", 0.125, "low");
        same("%.1f%% of the heap used", 99.95);
        same("    %-40s %+,d instances, +%s%n", "java.lang.String", 12_345L, "1.2 MiB");
        same("    %-40s %+,d instances, +%s%n", "java.lang.String", -12_345L, "1.2 MiB");
        same("%-9s %10s %11s %7s %n", "operation", "calls", "total", "average");
        same("%s and %s: %d, %d, %d", null, "x", Integer.MIN_VALUE, Long.MAX_VALUE, (short) -3);
        same("%,d %,d %,d %,d %,d", 0L, 999L, 1_000L, -1_000_000L, Long.MIN_VALUE);
        same("%.0f us each (the first %.0f us)", 0.5, 1.5);
        same("%.1f %.1f %.1f %.1f %.2f %f", 0.05, 0.15, 0.25, -0.0, -0.001, 1e-7);
        same("%.1f %.1f %.3f %.1f", 1e20, 123456789.987654, 2.0005, Double.NaN);
        same("%.1f %s", Double.POSITIVE_INFINITY, 1.5f);
        same("%.1f %.1f %.2f %.0f %.0f %.3f", 9.95, 99.96, 0.995, 0.5, 9.5, 999.9995);
        same("%.1f %.2f %.1f %.0f", 1e-5, 4.9e-324, Double.MAX_VALUE, 1.0E7);
        same("100%% %n");
    }

    @Test
    void whatItDoesNotHandleItLeavesToTheFormatter() {
        same("%05d|%x|%1$s|%-5b|%e", 42, 255, true, 1234.5);
        same("%#x %(d % d", 255, -3, 4);
    }

    @Test
    void agreesWithTheFormatterOnRandomNumbers() {
        Random random = new Random(28);
        for (int i = 0; i < 50_000; i++) {
            double d = switch (i % 6) {
                case 0 -> random.nextDouble() * 100;
                case 1 -> Math.round(random.nextDouble() * 10_000) / 1000.0 + (random.nextBoolean() ? 0.0005 : 0.05);
                case 2 -> -random.nextDouble() * Math.pow(10, random.nextInt(12));
                case 3 -> random.nextDouble() * Math.pow(10, -random.nextInt(12)); // Double.toString's 1.0E-5 forms
                case 4 -> Math.round(random.nextDouble() * 1000) * Math.pow(10, random.nextInt(25)) + 0.95; // and 1.0E10
                default -> random.nextLong() / 1e6;
            };
            long l = random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(2_000_000) - 1_000_000;
            same("%.1f %.2f %.0f %,d %+,d %8d %-6.1f|", d, d, d, l, l, l, d);
        }
    }

    private static void same(String pattern, Object... args) {
        assertEquals(String.format(Locale.ROOT, pattern, args), Text.format(pattern, args), pattern);
    }
}
