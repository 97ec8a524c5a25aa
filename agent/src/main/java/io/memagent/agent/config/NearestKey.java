package io.memagent.agent.config;

import java.util.Collection;
import java.util.Locale;

/**
 * The known key nearest to a misspelled one, by edit distance (Levenshtein: one insertion,
 * deletion or substitution each), for the "did you mean" of an unknown key. A key too far from
 * every known one gets no suggestion: naming an unrelated key would mislead more than help.
 */
final class NearestKey {
    private NearestKey() {
    }

    /** The nearest of {@code known} to {@code typed}, or null when none is within a quarter of its length (at least 3 edits). */
    static String of(String typed, Collection<String> known) {
        String t = typed.toLowerCase(Locale.ROOT);
        int allowed = Math.max(3, t.length() / 4);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(t, k);
            if (d < bestDistance) { // the first of equally near keys, in the table's order
                best = k;
                bestDistance = d;
            }
        }
        return bestDistance <= allowed ? best : null;
    }

    /** Levenshtein distance in O(a*b) time and O(b) memory: keys are short and this runs once, on bad input. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.length()];
    }
}
