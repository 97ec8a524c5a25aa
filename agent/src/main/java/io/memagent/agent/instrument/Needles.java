package io.memagent.agent.instrument;

import java.nio.charset.StandardCharsets;

/**
 * Several needles found in one pass: Horspool's search over a window as long as the shortest needle (the set
 * variant): at each position the window's last byte names the needles that may end there, each is compared
 * whole, and the window moves on by the least shift any needle's first bytes allow. The class filter's byte search
 * of a class file ({@link ClassFileScan.Scanner}). Immutable once built.
 */
final class Needles {
    private final byte[][] patterns;
    private final int[] kinds;
    private final int all;
    private final int window;
    private final int[] skip = new int[256];
    /** By a byte's value: bit k set when needle k has that byte at window - 1. */
    private final long[] endingWith = new long[256];

    /** @param kinds per needle, the bit {@link #find} reports when it is there */
    Needles(String[] texts, int[] kinds) {
        if (texts.length == 0 || texts.length > 64 || texts.length != kinds.length) {
            throw new IllegalArgumentException("1 to 64 needles, each with its kind");
        }
        patterns = new byte[texts.length][];
        int min = Integer.MAX_VALUE;
        int any = 0;
        for (int k = 0; k < texts.length; k++) {
            patterns[k] = texts[k].getBytes(StandardCharsets.UTF_8);
            if (patterns[k].length == 0) {
                throw new IllegalArgumentException("an empty needle");
            }
            min = Math.min(min, patterns[k].length);
            any |= kinds[k];
        }
        this.kinds = kinds.clone();
        all = any;
        window = min;
        java.util.Arrays.fill(skip, window);
        for (int k = 0; k < patterns.length; k++) {
            byte[] p = patterns[k];
            for (int j = 0; j < window - 1; j++) {
                skip[p[j] & 0xff] = Math.min(skip[p[j] & 0xff], window - 1 - j);
            }
            endingWith[p[window - 1] & 0xff] |= 1L << k;
        }
    }

    /** The kinds of the needles the class file holds anywhere (their bits or'ed), 0 for none. */
    int find(byte[] classFile) {
        int found = 0;
        int last = window - 1;
        int end = classFile.length - window;
        int i = 0;
        while (i <= end) {
            int b = classFile[i + last] & 0xff;
            long candidates = endingWith[b];
            while (candidates != 0) {
                int k = Long.numberOfTrailingZeros(candidates);
                candidates &= candidates - 1;
                if ((found & kinds[k]) == 0 && at(classFile, i, patterns[k])) {
                    found |= kinds[k];
                    if (found == all) {
                        return found;
                    }
                }
            }
            i += skip[b];
        }
        return found;
    }

    private static boolean at(byte[] classFile, int from, byte[] p) {
        if (from + p.length > classFile.length) {
            return false;
        }
        for (int j = p.length - 1; j >= 0; j--) {
            if (classFile[from + j] != p[j]) {
                return false;
            }
        }
        return true;
    }
}
