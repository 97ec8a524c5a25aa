package io.memagent.sample;

import java.util.List;

/** A marketing campaign: its brand words and the top-level domains to try. */
record Campaign(String name, List<String> words, List<String> tlds) {
    private static final String[] WORDS = {"blue", "river", "cloud", "north", "spark", "forge", "lumen", "orbit",
        "cedar", "pixel", "atlas", "ember", "nova", "delta", "quartz", "harbor"};
    private static final List<String> TLDS = List.of("com", "io", "dev", "app", "net", "shop");

    static Campaign sample(int seed) {
        java.util.Random r = new java.util.Random(seed);
        List<String> words = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            words.add(WORDS[r.nextInt(WORDS.length)] + (i % 5 == 0 ? "" : Integer.toString(i)));
        }
        return new Campaign("campaign-" + seed, List.copyOf(words), TLDS);
    }
}
