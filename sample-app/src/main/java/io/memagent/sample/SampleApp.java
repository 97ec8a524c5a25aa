package io.memagent.sample;

import io.memagent.api.MemoryBlock;
import io.memagent.api.MemoryProfiler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A small marketing back end: generates candidate domain names for campaigns, parses and
 * aggregates click logs, builds reports, and exports them. Each job has a naive and a
 * memory-efficient variant, so the agent's report shows where the bytes go and what the better
 * variant saves. Runs two worker threads for a few seconds and exits normally.
 *
 * <p>{@code --rounds N} scales the work (default 6).
 */
public final class SampleApp {
    /** Results escape here so the JIT cannot remove the allocations being measured. */
    static volatile Object sink;

    private SampleApp() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 6;
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[i + 1]);
            }
        }
        ExecutorService workers = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r);
            t.setName("worker-" + t.getId());
            return t;
        });
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                int seed = round;
                results.add(workers.submit(() -> domainJob(seed)));
                results.add(workers.submit(() -> clickLogJob(seed)));
            }
            long checksum = 0;
            for (Future<Long> f : results) {
                checksum += f.get();
            }
            System.out.println("sample-app: " + rounds + " rounds done, checksum " + checksum);
        } finally {
            workers.shutdown();
        }
    }

    private static long domainJob(int seed) {
        DomainGenerator generator = new DomainGenerator();
        long sum = 0;
        // A block: everything this thread allocates until close(), profiled calls inside included.
        try (MemoryBlock batch = MemoryProfiler.block("domains.batch")) {
            for (int campaign = 0; campaign < 8; campaign++) {
                Campaign c = Campaign.sample(seed * 100 + campaign);
                List<String> naive = generator.naive(c);
                String[] efficient = generator.efficient(c);
                if (naive.size() != efficient.length) {
                    throw new IllegalStateException("the two generators disagree for " + c.name());
                }
                sum += efficient.length;
                sink = naive;
            }
        }
        return sum;
    }

    private static long clickLogJob(int seed) {
        // track: a piece of work measured under a name, its result passed back.
        ClickLog log = MemoryProfiler.track("clicks.generate", () -> ClickLog.generate(seed, 60_000));
        ClickAggregator aggregator = new ClickAggregator();
        CampaignTotals naive = aggregator.naive(log.lines());
        CampaignTotals efficient = aggregator.efficient(log.lines());
        if (!naive.equals(efficient)) {
            throw new IllegalStateException("the two aggregators disagree");
        }
        ReportBuilder reports = new ReportBuilder();
        String report = reports.build(efficient);
        byte[] exported = reports.export(report);
        sink = new CsvExport().writeTotals(efficient); // profiled with memagent.include (see the README)
        int rejected = 0;
        for (String line : log.lines().subList(0, 500)) {
            try {
                ClickValidator.validate(line);
            } catch (IllegalArgumentException e) {
                rejected++;
            }
        }
        sink = exported;
        return efficient.totalClicks() + exported.length + rejected;
    }
}
