package io.memagent.sample;

import io.memagent.api.ProfileMemory;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Candidate domains: every pair of a campaign's words, with and without a hyphen, in every
 * TLD. The naive variant is how such code is often first written; the efficient one produces
 * the same names with a fraction of the garbage.
 */
final class DomainGenerator {
    /** String concatenation in loops, a boxed intermediate list, a copy to dedupe. */
    @ProfileMemory(name = "DomainGenerator.naive")
    List<String> naive(Campaign c) {
        List<String> all = new ArrayList<>();
        for (String a : c.words()) {
            for (String b : c.words()) {
                if (a.equals(b)) {
                    continue;
                }
                for (String tld : c.tlds()) {
                    String plain = "";
                    plain = plain + a;
                    plain = plain + b;
                    all.add(plain + "." + tld);
                    all.add(a + "-" + b + "." + tld);
                }
            }
        }
        Set<String> unique = new LinkedHashSet<>(all);
        return new ArrayList<>(unique);
    }

    /** One reused builder, a pre-sized array, dedupe by construction (pairs are distinct). */
    @ProfileMemory(name = "DomainGenerator.efficient")
    String[] efficient(Campaign c) {
        List<String> words = c.words();
        Set<String> seen = new LinkedHashSet<>(words.size() * words.size() * c.tlds().size() * 3);
        StringBuilder sb = new StringBuilder(64);
        for (String a : words) {
            for (String b : words) {
                if (a.equals(b)) {
                    continue;
                }
                for (String tld : c.tlds()) {
                    sb.setLength(0);
                    seen.add(sb.append(a).append(b).append('.').append(tld).toString());
                    sb.setLength(0);
                    seen.add(sb.append(a).append('-').append(b).append('.').append(tld).toString());
                }
            }
        }
        return seen.toArray(new String[0]);
    }
}
