package io.memagent.sample;

import io.memagent.api.ProfileMemory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Clicks and cost per campaign from the log, naive (split, boxed maps) and efficient (index scanning, arrays). */
final class ClickAggregator {
    static final int CAMPAIGNS = 50;

    @ProfileMemory(name = "ClickAggregator.naive")
    CampaignTotals naive(List<String> lines) {
        Map<Integer, Long> clicks = new HashMap<>();
        Map<Integer, Long> cost = new HashMap<>();
        for (String line : lines) {
            String[] f = line.split(",");
            if (!f[2].equals("click")) {
                continue;
            }
            Integer campaign = Integer.valueOf(f[1].substring("campaign-".length()));
            clicks.merge(campaign, 1L, Long::sum);
            if (!f[3].equals("n/a")) {
                cost.merge(campaign, Math.round(Double.parseDouble(f[3]) * 1000), Long::sum);
            }
        }
        long[] c = new long[CAMPAIGNS];
        long[] m = new long[CAMPAIGNS];
        clicks.forEach((k, v) -> c[k] = v);
        cost.forEach((k, v) -> m[k] = v);
        return new CampaignTotals(c, m);
    }

    @ProfileMemory(name = "ClickAggregator.efficient")
    CampaignTotals efficient(List<String> lines) {
        long[] clicks = new long[CAMPAIGNS];
        long[] cost = new long[CAMPAIGNS];
        for (String line : lines) {
            int first = line.indexOf(',');
            int second = line.indexOf(',', first + 1);
            int third = line.indexOf(',', second + 1);
            if (third - second != 6 || !line.startsWith("click", second + 1)) {
                continue;
            }
            int campaign = 0;
            for (int i = first + 1 + "campaign-".length(); i < second; i++) {
                campaign = campaign * 10 + (line.charAt(i) - '0');
            }
            clicks[campaign]++;
            if (line.charAt(third + 1) != 'n') {
                // "0.dd" -> thousandths, the same rounding as the naive variant
                cost[campaign] += (line.charAt(third + 3) - '0') * 100 + (line.charAt(third + 4) - '0') * 10;
            }
        }
        return new CampaignTotals(clicks, cost);
    }
}
