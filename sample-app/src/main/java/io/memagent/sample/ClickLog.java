package io.memagent.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A generated click log: "2026-11-22T10:00:00Z,campaign-42,click,0.35" per line. */
record ClickLog(List<String> lines) {
    private static final String[] EVENTS = {"view", "click", "click", "signup"};

    static ClickLog generate(int seed, int count) {
        Random r = new Random(seed);
        List<String> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int minute = r.nextInt(60);
            String cost = r.nextInt(10) == 0 ? "n/a" : "0." + (10 + r.nextInt(90));
            lines.add("2026-11-22T10:" + (minute < 10 ? "0" : "") + minute + ":00Z,campaign-" + r.nextInt(50) + ","
                    + EVENTS[r.nextInt(EVENTS.length)] + "," + cost);
        }
        return new ClickLog(lines);
    }
}
