package io.memagent.sample;

import java.util.Arrays;

/** Clicks and cost (in thousandths) per campaign number. */
record CampaignTotals(long[] clicks, long[] costMillis) {
    long totalClicks() {
        return Arrays.stream(clicks).sum();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CampaignTotals t && Arrays.equals(clicks, t.clicks) && Arrays.equals(costMillis, t.costMillis);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(clicks) + Arrays.hashCode(costMillis);
    }
}
