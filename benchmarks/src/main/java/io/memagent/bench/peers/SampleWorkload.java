package io.memagent.bench.peers;

import io.memagent.sample.SampleApp;

/**
 * The sample app (sample-app's {@code SampleApp}, unchanged), run as {@code batches} batches of
 * {@code --rounds rounds}; the first {@code warmupBatches} are the start-up phase, the rest steady
 * state. Arguments: {@code <batches> <rounds per batch> <warm-up batches>}.
 */
public final class SampleWorkload {
    private SampleWorkload() {
    }

    public static void main(String[] args) throws Exception {
        int batches = Integer.parseInt(args[0]);
        String rounds = args[1];
        int warmup = Integer.parseInt(args[2]);
        Phases phases = new Phases();
        for (int b = 0; b < batches; b++) {
            if (b == warmup) {
                phases.warmedUp();
            }
            SampleApp.main(new String[] {"--rounds", rounds});
        }
        phases.done();
    }
}
